package org.spsec.conformance;

import static org.spsec.conformance.Bench.SECOND;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.spsec.core.bytes.LittleEndian;
import org.spsec.core.keys.KeyId;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;

/**
 * CO-00, the first case when the device is in factory state (SPEC sections 4, 8, 9, 10): its
 * Seed key ID (43h), read in a Zero-key session, is not the key file's. The tool then
 * commissions it as a Configurator would: the Integrator key (42h, 22h, 32h, in the reference's
 * order: ID erased, key, salt, ID) in a session under the device's Provisioning key, then the
 * Seed key and the heartbeat and Sync registers (61h 1 s, 62h every participant, 63h not a Sync)
 * in an Integrator session. It passes when the device then shows it is Secure with the tool's
 * Sync. A device that already holds the key file's Seed key makes the case not applicable.
 */
final class CommissioningCases {
    private static final String TITLE = "commissioning from factory state: Integrator key under the Provisioning key, then Seed key and 61h-63h";

    private CommissioningCases() {}

    /** Runs CO-00; returns whether the device was commissioned by it (the caller then waits for Secure anyway). */
    static void run(Bench b, CaseSink sink, List<String> notes) {
        List<String> ev = new ArrayList<>();
        RootKey seed = b.key(RootKeyKind.SEED);
        RootKey integrator = b.key(RootKeyKind.INTEGRATOR);
        SessionClient.Session zero = b.sessions.open(RootKey.zero(), ev);
        if (zero == null) {
            sink.add("CO-00", Group.COMMISSIONING, "7, 8", TITLE, CaseVerdict.INCONCLUSIVE,
                    "no Zero-key session could be opened to read the key IDs (41h-43h)", ev);
            return;
        }
        Long seedId = keyId(b, zero, 0x43, ev);
        Long integratorId = keyId(b, zero, 0x42, ev);
        b.sessions.terminate(zero, ev);
        if (seedId == null || integratorId == null) {
            // No answer twice: a refusal of an unset ID (the reference's habit), or a lost frame.
            // An Integrator session with the key files' key tells which: it opens only if that key is installed.
            SessionClient.Session probe = integrator == null ? null : b.sessions.open(integrator, ev);
            if (probe != null) {
                b.sessions.terminate(probe, ev);
                if (integratorId == null) {
                    integratorId = integrator.id().unsigned();
                }
            } else if (integratorId == null) {
                integratorId = 0L;
            }
            if (seedId == null) {
                seedId = 0L;
            }
        }
        if (seedId.longValue() == seed.id().unsigned()) {
            sink.add("CO-00", Group.COMMISSIONING, "8", TITLE, CaseVerdict.NOT_APPLICABLE,
                    String.format("the device is commissioned already: 43h = %08Xh, the key file's Seed key", seedId), ev);
            return;
        }
        if (seedId != 0 && seedId != KeyId.ERASED.unsigned()) {
            sink.add("CO-00", Group.COMMISSIONING, "8", TITLE, CaseVerdict.NOT_APPLICABLE, String.format(
                    "the device holds another Seed key (43h = %08Xh, the key file's is %08Xh): give its key file, or reset it", seedId,
                    seed.id().unsigned()), ev);
            return;
        }
        if (integrator != null && integratorId != 0 && integratorId != KeyId.ERASED.unsigned() && integratorId != integrator.id().unsigned()) {
            sink.add("CO-00", Group.COMMISSIONING, "8", TITLE, CaseVerdict.NOT_APPLICABLE, String.format(
                    "the device holds another Integrator key (42h = %08Xh, the key files' is %08Xh): give its key files, or reset it",
                    integratorId, integrator.id().unsigned()), ev);
            return;
        }
        notes.add(String.format(Locale.ROOT, "device in factory state (43h %s, 42h %s): commissioning it", describe(seedId), describe(integratorId)));
        if (integrator == null) {
            sink.add("CO-00", Group.COMMISSIONING, "8", TITLE, CaseVerdict.INCONCLUSIVE,
                    "the device is in factory state, but the key files hold no Integrator key to install", ev);
            return;
        }
        long start = b.now();
        if (integratorId.longValue() != integrator.id().unsigned()) {
            RootKey provisioning = b.key(RootKeyKind.PROVISIONING);
            if (provisioning == null) {
                sink.add("CO-00", Group.COMMISSIONING, "8", TITLE, CaseVerdict.INCONCLUSIVE,
                        "the device is in factory state, but no Provisioning key was given (--keys device-N.keys)", ev);
                return;
            }
            SessionClient.Session p = b.sessions.open(provisioning, ev);
            if (p == null) {
                sink.add("CO-00", Group.COMMISSIONING, "7, 8", TITLE, CaseVerdict.FAIL,
                        "no session under the key file's Provisioning key (key ID " + String.format("%08Xh", provisioning.id().unsigned())
                                + "): wrong key, or the device refuses it", ev);
                return;
            }
            String failed = installTriple(b, p, integrator, 0x42, 0x22, 0x32, ev);
            b.sessions.terminate(p, ev);
            if (failed != null) {
                sink.add("CO-00", Group.COMMISSIONING, "8", TITLE, CaseVerdict.FAIL,
                        "in the Provisioning session the write of " + failed + " was refused or not answered", ev);
                return;
            }
        }
        SessionClient.Session i = b.sessions.open(integrator, ev);
        if (i == null) {
            sink.add("CO-00", Group.COMMISSIONING, "7, 8", TITLE, CaseVerdict.FAIL,
                    "no Integrator session after the Integrator key was installed", ev);
            return;
        }
        String failed = installTriple(b, i, seed, 0x43, 0x23, 0x33, ev);
        if (failed == null) {
            failed = writeOne(b, i, 0x61, new byte[] {4}, ev);
        }
        if (failed == null) {
            failed = writeOne(b, i, 0x62, LittleEndian.u32(0xFFFF_FFFFL), ev);
        }
        if (failed == null) {
            failed = writeOne(b, i, 0x63, new byte[] {0}, ev);
        }
        b.sessions.terminate(i, ev);
        if (failed != null) {
            sink.add("CO-00", Group.COMMISSIONING, "8", TITLE, CaseVerdict.FAIL,
                    "in the Integrator session the write of " + failed + " was refused or not answered", ev);
            return;
        }
        long installed = b.now();
        if (!b.awaitSecure(installed, 30 * SECOND)) {
            sink.add("CO-00", Group.COMMISSIONING, "10", TITLE, CaseVerdict.FAIL,
                    "every key was installed, but the device did not show it is Secure within 30 s", b.framesSince(installed, 12));
            return;
        }
        ev.add(String.format(Locale.ROOT, "Secure %.2f s after the last session ended", (b.now() - installed) / 1e9));
        sink.add("CO-00", Group.COMMISSIONING, "8, 10", TITLE, CaseVerdict.PASS, String.format(Locale.ROOT,
                "commissioned in %.2f s, Secure %.2f s later", (installed - start) / 1e9, (b.now() - installed) / 1e9), ev);
    }

    /** The reference's install order: ID erased (FFFFFFFFh), key, salt, then the real ID; the register that failed, or null. */
    private static String installTriple(Bench b, SessionClient.Session s, RootKey k, int idReg, int keyReg, int saltReg, List<String> ev) {
        String failed = writeOne(b, s, idReg, LittleEndian.u32(KeyId.ERASED.unsigned()), ev);
        if (failed == null) {
            failed = writeOne(b, s, keyReg, k.key().copyBytes(), ev);
        }
        if (failed == null) {
            failed = writeOne(b, s, saltReg, k.salt().copyBytes(), ev);
        }
        if (failed == null) {
            failed = writeOne(b, s, idReg, LittleEndian.u32(k.id().unsigned()), ev);
        }
        return failed;
    }

    private static String writeOne(Bench b, SessionClient.Session s, int register, byte[] value, List<String> ev) {
        int status = b.sessions.write(s, register, value, ev);
        java.util.Arrays.fill(value, (byte) 0);
        return status == 0 ? null : String.format("%02Xh (status %d)", register, status);
    }

    /** A key ID register read (twice if unanswered); null when no answer came (a refused unset ID, or a lost frame). */
    private static Long keyId(Bench b, SessionClient.Session s, int register, List<String> ev) {
        for (int attempt = 0; attempt < 2; attempt++) {
            byte[] value = b.sessions.read(s, register, ev);
            if (value != null && value.length == 4) {
                return LittleEndian.getU32(value, 0);
            }
        }
        return null;
    }

    private static String describe(long id) {
        return id == 0 ? "not installed" : id == KeyId.ERASED.unsigned() ? "erased" : String.format("%08Xh", id);
    }
}
