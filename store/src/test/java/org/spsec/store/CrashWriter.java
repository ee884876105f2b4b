package org.spsec.store;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import org.spsec.core.keys.KeyId;
import org.spsec.core.keys.KeyMaterial;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.keys.Salt;
import org.spsec.core.time.TimeLine;

/**
 * The child of {@link CrashSafetyTest}: writes key-store entries and claims timestamps on a time line in a loop,
 * acknowledging each durable step on standard output, until it is killed.
 * Entry n has key bytes all n, salt bytes all n and ID n, so a mixed (torn) entry is visible.
 */
public final class CrashWriter {
    private CrashWriter() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int first = Integer.parseInt(args[1]);
        KeyStore store = KeyStore.open(dir.resolve("keys"));
        TimeLine ts = CrashSafetyTest.timeLine(dir, new SecureRandom());
        long t = ts.lastClaimed() == 0 ? TimeLine.randomStart(new SecureRandom()) : ts.lastClaimed() + 1;
        System.out.println("START " + t);
        System.out.flush();
        for (int n = first; ; n++) {
            byte[] k = new byte[32];
            byte[] s = new byte[8];
            Arrays.fill(k, (byte) n);
            Arrays.fill(s, (byte) n);
            store.store(new RootKey(RootKeyKind.SEED, KeyMaterial.copyOf(k), Salt.copyOf(s), new KeyId(n)));
            System.out.println("KEY " + n);
            t += 50_000; // 5 s of ticks per step: a new mark is needed every few steps
            if (!ts.claim(t)) {
                throw new IllegalStateException("T " + t + " refused");
            }
            System.out.println("T " + t); // t is now used: it is below the durable mark
            System.out.flush();
        }
    }
}
