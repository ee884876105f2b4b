package org.spsec.core.role;

import static org.spsec.core.canfd.message.Segments.READ_SEGMENT_DATA;
import static org.spsec.core.canfd.message.Segments.WRITE_SEGMENT_DATA;

import java.util.Arrays;
import org.spsec.core.bytes.DecodeException;
import org.spsec.core.canfd.CanFdLength;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.canfd.ControlId;
import org.spsec.core.canfd.message.ClientHello;
import org.spsec.core.canfd.message.RegisterHeader;
import org.spsec.core.canfd.message.ServerHello;
import org.spsec.core.canfd.message.WriteStatus;
import org.spsec.core.crypto.Aead;
import org.spsec.core.engine.SessionCipher;
import org.spsec.core.keys.KeyDerivation;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.model.Cpmt;
import org.spsec.core.model.Register;
import org.spsec.core.model.SecurityEvent;

/**
 * The participant side of a configuration session (SPEC sections 7 and 9).
 *
 * <p>Counters: ClientFinished uses cnt0+1, ServerFinished cnt0+2, then each request and each
 * response in turn. A request that gets no response (the participant stays silent on errors, as
 * the reference does) lets the next request use the following value; a frame that fails
 * verification consumes nothing. The CAN ID carries only the counter's low byte, so the full
 * value is rebuilt as the first one at or after the expected counter with that low byte, within a
 * small window; anything older is a replay and fails.
 *
 * <p>Writes are atomic: segments are buffered and the register changes only when the last
 * segment has verified. A session that times out or is replaced leaves registers unchanged.
 */
final class SessionServer {
    /** How far ahead of the expected counter a request may be (requests lost or refused). */
    private static final int COUNTER_WINDOW = 16;

    private enum Phase { IDLE, AWAIT_CLIENT_FINISHED, OPEN }

    private final SessionHost host;
    private Phase phase = Phase.IDLE;
    private RootKeyKind kind;
    private SessionCipher cipher;
    private byte[] clientRandom;
    private byte[] serverRandom;
    private int selector;
    private long cnt0;
    private long expected;
    private long lastActivity;
    private long startedAt;
    // pending read
    private byte[] readValue;
    private int readOffset;
    // pending write
    private Register writeRegister;
    private byte[] writeBuffer;
    private int writeReceived;

    SessionServer(SessionHost host) {
        this.host = host;
    }

    boolean active() { return phase != Phase.IDLE; }

    boolean open() { return phase == Phase.OPEN; }

    RootKeyKind kind() { return kind; }

    /** Deadline of the inactivity or overall time-out, whichever comes first. */
    long deadline(long inactivity, long overall) {
        return phase == Phase.IDLE ? TimerTable.NONE : Math.min(lastActivity + inactivity, startedAt + overall);
    }

    void handleTimeout(long now, long inactivity, long overall) {
        if (phase == Phase.IDLE) {
            return;
        }
        if (now >= startedAt + overall) {
            end(now, SecurityEvent.SESSION_OVERALL_TIMEOUT, "session exceeded its overall time");
        } else if (now >= lastActivity + inactivity) {
            end(now, SecurityEvent.SESSION_RESPONSE_TIMEOUT, "no session message for too long");
        }
    }

    /** A session frame addressed to this participant. */
    void handle(long now, ControlId id, CanFrame frame) {
        byte[] data = frame.data();
        if (id.type() == Cpmt.HELLO) {
            hello(now, data);
            return;
        }
        if (phase == Phase.AWAIT_CLIENT_FINISHED && id.type() == Cpmt.FINISHED) {
            clientFinished(now, id, data);
            return;
        }
        if (phase != Phase.OPEN || id.type() == Cpmt.FINISHED) {
            return; // not in a session: nothing to answer
        }
        long counter = expected + ((id.counterByte() - (int) expected) & 0xFF);
        if (counter - expected >= (host.referenceHabits() ? 1 : COUNTER_WINDOW)) { // the reference accepts no skip
            host.sessionSecurityEvent(now, SecurityEvent.SESSION_MESSAGE_AUTH_FAILURE.code(), "session counter out of order");
            return;
        }
        if (counter + 1 >= SessionCipher.COUNTER_LIMIT) {
            end(now, SecurityEvent.SESSION_MESSAGE_AUTH_FAILURE, "session counter exhausted");
            return;
        }
        int plaintextLength = switch (id.type()) {
            case READ_INITIATE, WRITE_INITIATE -> RegisterHeader.LENGTH;
            case WRITE_SEGMENT -> writeBuffer == null ? -1 : host.referenceHabits()
                    ? lengthFromFrame(data.length, writeBuffer.length - writeReceived)
                    : Math.min(WRITE_SEGMENT_DATA, writeBuffer.length - writeReceived);
            default -> 0;
        };
        byte[] plaintext = plaintextLength < 0 ? null : cipher.open(counter, frame.id(), data, plaintextLength);
        if (plaintext == null) {
            host.sessionSecurityEvent(now, SecurityEvent.SESSION_MESSAGE_AUTH_FAILURE.code(),
                    id.type() + " at counter " + counter + " did not verify");
            return;
        }
        expected = counter + 1;
        lastActivity = now;
        switch (id.type()) {
            case READ_INITIATE -> readInitiate(now, plaintext);
            case READ_SEGMENT -> readSegment();
            case WRITE_INITIATE -> writeInitiate(now, plaintext);
            case WRITE_SEGMENT -> writeSegment(now, plaintext);
            case TERMINATE -> {
                respond(Cpmt.TERMINATE, new byte[0], false);
                end(now, null, "terminated by the Configurator");
            }
            default -> { }
        }
    }

    private void hello(long now, byte[] data) {
        ClientHello hello;
        try {
            hello = ClientHello.decode(data);
        } catch (DecodeException e) {
            return;
        }
        RootKeyKind k = RootKeyKind.bySelector(hello.selector());
        RootKey base = k == null ? null : host.registers().installed(k);
        if (k == null || (!k.opensSessions() && !host.faults().answerSeedKeySessions()) || base == null) {
            host.sessionSecurityEvent(now, SecurityEvent.SESSION_HELLO_KEY_NOT_FOUND.code(),
                    "ClientHello selector " + hello.selector() + (k == RootKeyKind.SEED ? " (Seed key sessions are refused)" : " has no installed key"));
            return;
        }
        if (phase == Phase.AWAIT_CLIENT_FINISHED && hello.selector() == selector && Arrays.equals(hello.clientRandom(), clientRandom)) {
            // The same ClientHello again (a duplicated frame, or a retry whose ServerHello was lost):
            // answer it as before instead of starting over, or the Configurator's Finished would
            // meet a new server random.
            host.send(CanFrame.extended(ControlId.serverHello(host.participant()).encode(), new ServerHello(serverRandom).encode()));
            return;
        }
        if (phase != Phase.IDLE) {
            if (host.referenceHabits()) {
                return; // the reference ignores new ClientHellos until its session has timed out
            }
            end(now, null, "replaced by a new ClientHello");
        }
        byte[] cr = hello.clientRandom();
        byte[] sr = new byte[KeyDerivation.RANDOM_LENGTH];
        host.random().nextBytes(sr);
        long start = SessionCipher.initialCounter(cr, sr);
        if (start + COUNTER_WINDOW >= SessionCipher.COUNTER_LIMIT) {
            // These randoms would start the counter at its limit: no session can run; stay silent.
            host.sessionSecurityEvent(now, SecurityEvent.SESSION_MESSAGE_AUTH_FAILURE.code(), "session counter would wrap");
            return;
        }
        clientRandom = cr;
        serverRandom = sr;
        selector = hello.selector();
        kind = k;
        cipher = SessionCipher.open(host.algorithm(), base, clientRandom, serverRandom);
        cnt0 = start;
        phase = Phase.AWAIT_CLIENT_FINISHED;
        startedAt = now;
        lastActivity = now;
        host.send(CanFrame.extended(ControlId.serverHello(host.participant()).encode(), new ServerHello(serverRandom).encode()));
    }

    private void clientFinished(long now, ControlId id, byte[] data) {
        long cf = cnt0 + 1;
        int cfId = ControlId.session(Cpmt.FINISHED, cf, true, host.participant()).encode();
        boolean skip = host.faults().skipClientFinishedCheck(); // test-only fault
        if (!skip && (id.counterByte() != (int) (cf & 0xFF) || data.length < Aead.TAG_LENGTH
                || !cipher.verifyFinished(cf, SessionCipher.clientFinishedAad(selector, clientRandom, serverRandom, cfId), data, 0))) {
            end(now, SecurityEvent.SESSION_FINISHED_AUTH_FAILURE, "ClientFinished did not verify");
            return;
        }
        long sf = cnt0 + 2;
        int sfId = ControlId.session(Cpmt.FINISHED, sf, false, host.participant()).encode();
        byte[] sfTag = cipher.finishedTag(sf, SessionCipher.serverFinishedAad(cfId, clientRandom, serverRandom,
                Arrays.copyOf(data, Math.min(8, data.length)), sfId));
        host.send(CanFrame.extended(sfId, sfTag));
        phase = Phase.OPEN;
        expected = cnt0 + 3;
        lastActivity = now;
        host.sessionEstablished(now);
    }

    private void readInitiate(long now, byte[] plaintext) {
        RegisterHeader req;
        try {
            req = RegisterHeader.decode(plaintext);
        } catch (DecodeException e) {
            return;
        }
        Register r = Register.ofCode(req.register());
        RegisterAccess.Refusal refusal = RegisterAccess.read(req.register(), kind);
        if (refusal != RegisterAccess.Refusal.NONE) {
            // Silent on the wire, as the reference; the Configurator knows the rules and explains.
            refused(now, "read", req.register(), refusal.name());
            return;
        }
        byte[] value = host.readRegister(r);
        if (host.referenceHabits() && r.code() >= 0x41 && r.code() <= 0x43 // the key ID registers
                && !host.registers().isInstalled(RootKeyKind.byRegister(r.code()))) {
            refused(now, "read", req.register(), "NOT_SET (an unset key ID, refused silently as the reference does)");
            return;
        }
        if (value == null) {
            refused(now, "read", req.register(), "NOT_SET (no value stored)");
            return;
        }
        readValue = value;
        readOffset = 0;
        respond(Cpmt.READ_INITIATE, new RegisterHeader(req.register(), value.length).encode(), false);
    }

    private void readSegment() {
        if (readValue == null) {
            return;
        }
        int n = Math.min(READ_SEGMENT_DATA, readValue.length - readOffset);
        byte[] chunk = Arrays.copyOfRange(readValue, readOffset, readOffset + n);
        readOffset += n;
        if (readOffset >= readValue.length) {
            readValue = null;
        }
        respond(Cpmt.READ_SEGMENT, chunk, true);
    }

    /** The reference's way: the data length of a Write Segment is the frame length less the tag. */
    private static int lengthFromFrame(int frameLength, int remaining) {
        int n = frameLength - Aead.TAG_LENGTH;
        return n < 0 || n > Math.min(WRITE_SEGMENT_DATA, remaining) ? -1 : n;
    }

    /** A request refused without an answer on the wire: the host still hears what and why. */
    private void refused(long now, String what, int register, String reason) {
        host.sessionNotice(now, String.format("refused %s of %02Xh in a %s-key session: %s", what, register,
                kind.name().toLowerCase(java.util.Locale.ROOT), reason.toLowerCase(java.util.Locale.ROOT).replace('_', ' ')), false);
    }

    private void writeInitiate(long now, byte[] plaintext) {
        RegisterHeader req;
        try {
            req = RegisterHeader.decode(plaintext);
        } catch (DecodeException e) {
            return;
        }
        ParticipantRegisters regs = host.registers();
        RegisterAccess.Refusal refusal = host.faults().ignoreWriteLadder() // test-only fault: only the length is checked
                ? Register.ofCode(req.register()) == null ? RegisterAccess.Refusal.UNKNOWN_REGISTER
                        : Register.ofCode(req.register()).acceptsLength(req.length()) ? RegisterAccess.Refusal.NONE : RegisterAccess.Refusal.WRONG_LENGTH
                : RegisterAccess.write(req.register(), req.length(), kind, regs.isInstalled(RootKeyKind.PROVISIONING),
                regs.isInstalled(RootKeyKind.INTEGRATOR));
        if (refusal != RegisterAccess.Refusal.NONE) {
            refused(now, "write (" + req.length() + " bytes)", req.register(), refusal.name());
            return;
        }
        writeRegister = Register.ofCode(req.register());
        writeBuffer = new byte[(int) req.length()];
        writeReceived = 0;
        respond(Cpmt.WRITE_INITIATE, plaintext, false);
    }

    private void writeSegment(long now, byte[] chunk) {
        System.arraycopy(chunk, 0, writeBuffer, writeReceived, chunk.length);
        writeReceived += chunk.length;
        int status = WriteStatus.OK;
        if (writeReceived == writeBuffer.length) {
            status = host.registers().commit(writeRegister, writeBuffer);
            if (status == WriteStatus.OK) {
                host.registerCommitted(now, writeRegister, writeBuffer.length);
                long keyId = writeRegister == Register.INTEGRATOR_KEY_ID ? org.spsec.core.bytes.LittleEndian.getU32(writeBuffer, 0) : 0;
                if (kind == RootKeyKind.ZERO && keyId != 0 && keyId != 0xFFFF_FFFFL) { // the real ID: the key is now in force
                    // SPEC 8: an Integrator key installed in an unauthenticated session: trust on first use.
                    host.sessionNotice(now, "trust on first use: the Integrator key was installed in an unauthenticated"
                            + " Zero-key session (this device has no Provisioning key); anyone on the bus could have sent it."
                            + " Verify its key ID with the integrator's key database.", true);
                }
            } else {
                refused(now, "value", writeRegister.code(), "status " + status);
            }
            clearWrite();
        }
        respond(Cpmt.WRITE_SEGMENT, new WriteStatus(status).encode(), false);
    }

    /** Sends a response at the next counter value; Read Segment responses are filled with FFh to a legal length. */
    private void respond(Cpmt type, byte[] plaintext, boolean fill) {
        long counter = expected;
        expected = counter + 1;
        int canId = ControlId.session(type, counter, false, host.participant()).encode();
        byte[] body = cipher.seal(counter, canId, plaintext);
        if (fill) {
            int legal = CanFdLength.roundUp(body.length);
            int from = body.length;
            body = Arrays.copyOf(body, legal);
            Arrays.fill(body, from, legal, (byte) 0xFF);
        }
        host.send(CanFrame.extended(canId, body));
    }

    private void end(long now, SecurityEvent event, String cause) {
        boolean wasOpen = phase == Phase.OPEN;
        phase = Phase.IDLE;
        clearWrite();
        readValue = null;
        if (cipher != null) {
            cipher.close();
            cipher = null;
        }
        if (event != null) {
            host.sessionSecurityEvent(now, event.code(), cause);
        }
        if (wasOpen) {
            host.sessionEnded(now, cause);
        }
    }

    private void clearWrite() {
        if (writeBuffer != null) {
            Arrays.fill(writeBuffer, (byte) 0);
        }
        writeBuffer = null;
        writeRegister = null;
        writeReceived = 0;
    }
}
