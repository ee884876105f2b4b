package org.spsec.core.role;

import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import org.spsec.core.bytes.DecodeException;
import org.spsec.core.canfd.CanFdLength;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.canfd.ControlId;
import org.spsec.core.canfd.FrameKind;
import org.spsec.core.canfd.message.ClientHello;
import org.spsec.core.canfd.message.RegisterHeader;
import org.spsec.core.canfd.message.ServerHello;
import org.spsec.core.canfd.message.WriteStatus;
import org.spsec.core.crypto.Aead;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.engine.SessionCipher;
import org.spsec.core.bytes.LittleEndian;
import org.spsec.core.keys.KeyDerivation;
import org.spsec.core.keys.KeyId;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.model.Cpmt;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.model.Register;
import org.spsec.core.role.ConfiguratorResult.Operation;

/**
 * The Configurator, sans I/O: opens sessions with the Zero, Provisioning or Integrator key,
 * reads and writes registers (segmented both ways) and terminates. Operations are queued and run
 * one at a time; each ends in a {@link ConfiguratorResult} ({@link #pollResult()}).
 *
 * <p>The participant answers nothing to a refused request (as the reference does), so refusals the
 * rules predict (unknown register, access denied, wrong length) are reported before anything is
 * sent, and the session goes on. A silence after a valid request is a time-out; after a failure
 * on the wire the rest of that session's queued operations fail too, without being sent.
 */
public final class ConfiguratorEngine implements Endpoint {
    private enum Phase { IDLE, AWAIT_SERVER_HELLO, AWAIT_SERVER_FINISHED, OPEN, AWAIT_RESPONSE }

    /**
     * Waits for the answer to each ClientHello when a keyed session is opened again after a
     * silence, in response time-outs: ours answers the first; the reference participant ignores
     * new ClientHellos until its own 1 s inactivity time-out has ended the old session, so the
     * fourth one, 1.4 s after the silence began, is the one it takes.
     */
    private static final int[] REOPEN_WAITS = {1, 3, 9, 9, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3};
    /** ClientHellos per handshake: four frames must all arrive for one to succeed (a quarter of the time at 30 % loss). */
    private static final int HELLO_ATTEMPTS = 16;

    private record Step(Operation op, RootKey key, byte[] value) {}

    /**
     * Reads of a key ID (41h-43h) that go unanswered this often mean "not installed": the
     * reference refuses a read of an unset ID silently (SPEC 7). Two, so one lost answer is not
     * mistaken for it.
     */
    private static final int KEY_ID_ATTEMPTS = 2;

    /**
     * Attempts per step before it fails (the first try included). A write needs two exchanges
     * (Initiate, Segment) and restarts from its Initiate after a silence, so at 30 % loss an
     * attempt succeeds a quarter of the time; sixteen make a failure rare (1 %), and the
     * Commissioner retries whole phases on top (SPEC 7; {@code CommissioningUnderLossTest}).
     */
    private static final int ATTEMPTS = 16;

    private final AeadAlgorithm algorithm;
    private final SecureRandom random;
    private final long responseTimeout;
    private int attempt;
    private final Outbox outbox = new Outbox();
    private final ArrayDeque<Step> queue = new ArrayDeque<>();
    private final ArrayDeque<ConfiguratorResult> results = new ArrayDeque<>();

    private Phase phase = Phase.IDLE;
    private Step current;
    private long deadline = TimerTable.NONE;
    // session
    private ParticipantId target;
    private RootKeyKind kind;
    private RootKey key;
    private byte[] clientRandom;
    private byte[] serverRandom;
    private int selector;
    private SessionCipher cipher;
    private long next;
    private byte[] clientFinishedTag;
    // request in flight
    private Cpmt awaiting;
    private long awaitingCounter;
    private int awaitingLength;
    private boolean sawForgery;
    /** The session is being opened again for the current step (see {@link #reopen}). */
    private boolean reopening;
    /** A retried Integrator-ladder write first reads 42h: the lost answer may have been to a write that took effect. */
    private boolean verifyingLadder;
    /** The next attempt writes without that check (the check itself went unanswered: the ID may be unset, which the reference refuses silently). */
    private boolean skipLadderCheck;
    private int reopenHellos;
    private ByteArrayOutputStream readBuffer;
    private long readLength;
    private int writeOffset;

    public ConfiguratorEngine(AeadAlgorithm algorithm, SecureRandom random, Duration responseTimeout) {
        this.algorithm = algorithm;
        this.random = random;
        this.responseTimeout = responseTimeout.toNanos();
    }

    /** SPEC section 9: 100 ms per response. */
    public ConfiguratorEngine(AeadAlgorithm algorithm, SecureRandom random) {
        this(algorithm, random, Duration.ofMillis(100));
    }

    // ---------------------------------------------------------------- operations

    /** Opens a session with {@code participant} using {@code key} (Zero, Provisioning or Integrator; borrowed). */
    public void open(long now, ParticipantId participant, RootKey key) {
        enqueue(now, new Step(new Operation(Operation.Kind.OPEN, participant.value(), -1, 0), key, null));
    }

    public void read(long now, ParticipantId participant, int register) {
        enqueue(now, new Step(new Operation(Operation.Kind.READ, participant.value(), register, 0), null, null));
    }

    public void write(long now, ParticipantId participant, int register, byte[] value) {
        enqueue(now, new Step(new Operation(Operation.Kind.WRITE, participant.value(), register, value.length), null, value.clone()));
    }

    public void terminate(long now, ParticipantId participant) {
        enqueue(now, new Step(new Operation(Operation.Kind.TERMINATE, participant.value(), -1, 0), null, null));
    }

    /** Whether operations are queued or running. */
    public boolean busy() {
        return current != null || !queue.isEmpty();
    }

    public ConfiguratorResult pollResult() { return results.poll(); }

    @Override
    public CanFrame pollTransmit() { return outbox.pollTransmit(); }

    @Override
    public NodeEvent pollEvent() { return outbox.pollEvent(); }

    @Override
    public long nextDeadline() { return deadline; }

    private void enqueue(long now, Step s) {
        queue.add(s);
        if (current == null) {
            startNext(now);
        }
    }

    private void startNext(long now) {
        while (current == null && !queue.isEmpty()) {
            current = queue.poll();
            start(now, current);
        }
    }

    private void start(long now, Step s) {
        attempt = 1;
        skipLadderCheck = false;
        verifyingLadder = false;
        begin(now, s);
    }

    /** Starts (or restarts, after a time-out) a step from its first message. */
    private void begin(long now, Step s) {
        Operation op = s.op();
        switch (op.kind()) {
            case OPEN -> hello(now, s);
            case READ -> {
                if (!sessionWith(op)) {
                    fail(now, ConfiguratorError.NOT_OPEN, "no open session with P" + op.participant(), true);
                    return;
                }
                RegisterAccess.Refusal r = RegisterAccess.read(op.register(), kind);
                if (r != RegisterAccess.Refusal.NONE) {
                    fail(now, error(r), explain(r, op.register(), false), true);
                    return;
                }
                readBuffer = new ByteArrayOutputStream();
                // Like the reference configurator, announce the size we expect (the vectors show 1 for 50h).
                int announced = Register.ofCode(op.register()).maxSize();
                request(now, Cpmt.READ_INITIATE, new RegisterHeader(op.register(), announced).encode(), RegisterHeader.LENGTH);
            }
            case WRITE -> {
                if (!sessionWith(op)) {
                    fail(now, ConfiguratorError.NOT_OPEN, "no open session with P" + op.participant(), true);
                    return;
                }
                // Most permissive view of the ladder: the Configurator cannot know which keys the participant holds.
                RegisterAccess.Refusal r = RegisterAccess.write(op.register(), op.length(), kind, false, false);
                if (r != RegisterAccess.Refusal.NONE) {
                    fail(now, error(r), explain(r, op.register(), true), true);
                    return;
                }
                boolean check = attempt > 1 && !skipLadderCheck && isLadder(op.register());
                skipLadderCheck = false;
                if (check) {
                    // A retry of a write-once ladder write: the lost answer may belong to a write that
                    // took effect (then every retry is refused silently). Read 42h first.
                    verifyingLadder = true;
                    readBuffer = new ByteArrayOutputStream();
                    request(now, Cpmt.READ_INITIATE, new RegisterHeader(Register.INTEGRATOR_KEY_ID.code(), 4).encode(), RegisterHeader.LENGTH);
                    return;
                }
                writeOffset = 0;
                request(now, Cpmt.WRITE_INITIATE, new RegisterHeader(op.register(), op.length()).encode(), RegisterHeader.LENGTH);
            }
            case TERMINATE -> {
                if (!sessionWith(op)) {
                    fail(now, ConfiguratorError.NOT_OPEN, "no open session with P" + op.participant(), true);
                    return;
                }
                request(now, Cpmt.TERMINATE, new byte[0], 0);
            }
        }
    }

    private boolean sessionWith(Operation op) {
        return phase == Phase.OPEN && target != null && target.value() == op.participant();
    }

    // ---------------------------------------------------------------- handshake

    private void hello(long now, Step s) {
        closeSession();
        sawForgery = false;
        reopening = false;
        if (!s.key().kind().opensSessions()) {
            fail(now, ConfiguratorError.ACCESS_DENIED, "sessions cannot be opened with the " + s.key().kind() + " key");
            return;
        }
        target = ParticipantId.of(s.op().participant());
        key = s.key();
        sendHello(now);
    }

    /**
     * A keyed session whose last request went unanswered is not used again: if the participant
     * did answer and only the answer was lost, the next counter value carried that answer, and
     * sending on it would reuse a nonce under the session key; skipping it is what the reference
     * participant does not accept (SPEC 7). So the step is retried in a new session (a new key):
     * a ClientHello goes out at once (ours answers it), and more follow ({@link #REOPEN_WAITS})
     * until the reference participant's own inactivity time-out has ended the old session.
     */
    private void reopen(long now) {
        closeSession();
        reopening = true;
        reopenHellos = 0;
        sendHello(now);
    }

    private void sendHello(long now) {
        sawForgery = false;
        kind = key.kind();
        selector = kind.selector();
        clientRandom = new byte[KeyDerivation.RANDOM_LENGTH];
        random.nextBytes(clientRandom);
        send(CanFrame.extended(ControlId.clientHello(target).encode(), new ClientHello(selector, clientRandom).encode()));
        phase = Phase.AWAIT_SERVER_HELLO;
        deadline = now + responseTimeout * (reopening ? REOPEN_WAITS[Math.min(reopenHellos, REOPEN_WAITS.length - 1)] : 1);
    }

    private void serverHello(long now, CanFrame frame) {
        try {
            serverRandom = ServerHello.decode(frame.data()).serverRandom();
        } catch (DecodeException e) {
            return;
        }
        long cnt0 = SessionCipher.initialCounter(clientRandom, serverRandom);
        if (cnt0 + 16 >= SessionCipher.COUNTER_LIMIT) {
            fail(now, ConfiguratorError.COUNTER_EXHAUSTED, "these Hello randoms would start the session counter at its limit; open the session again");
            return;
        }
        cipher = SessionCipher.open(algorithm, key, clientRandom, serverRandom);
        int cfId = ControlId.session(Cpmt.FINISHED, cnt0 + 1, true, target).encode();
        clientFinishedTag = cipher.finishedTag(cnt0 + 1, SessionCipher.clientFinishedAad(selector, clientRandom, serverRandom, cfId));
        send(CanFrame.extended(cfId, clientFinishedTag));
        next = cnt0 + 2;
        phase = Phase.AWAIT_SERVER_FINISHED;
        deadline = now + responseTimeout;
    }

    private void serverFinished(long now, ControlId id, CanFrame frame) {
        long sf = next;
        if (id.counterByte() != (int) (sf & 0xFF)) {
            return;
        }
        int cfId = ControlId.session(Cpmt.FINISHED, sf - 1, true, target).encode();
        byte[] transcript = SessionCipher.serverFinishedAad(cfId, clientRandom, serverRandom, clientFinishedTag, frame.id());
        if (frame.length() < Aead.TAG_LENGTH || !cipher.verifyFinished(sf, transcript, frame.data(), 0)) {
            sawForgery = true;
            return;
        }
        next = sf + 1;
        phase = Phase.OPEN;
        if (reopening) {
            reopening = false;
            begin(now, current); // the step that went unanswered, from its first message, in the new session
            return;
        }
        succeed(now, null);
    }

    // ---------------------------------------------------------------- requests

    private void request(long now, Cpmt type, byte[] plaintext, int responseLength) {
        if (next + 2 >= SessionCipher.COUNTER_LIMIT) {
            fail(now, ConfiguratorError.COUNTER_EXHAUSTED, "session counter exhausted; open a new session");
            return;
        }
        long counter = next;
        int canId = ControlId.session(type, counter, true, target).encode();
        byte[] body = cipher.seal(counter, canId, plaintext);
        // SPEC 7: Write Segments go unfilled (data + tag, e.g. 9 or 40 bytes), as the reference
        // configurator sends them: the reference participant infers the data length from the frame
        // length. Where a controller must pad, it does so itself; our receivers ignore any fill.
        send(CanFrame.extended(canId, type == Cpmt.WRITE_SEGMENT ? body : fill(body)));
        next = counter + 1; // consumed even if no response comes (the participant stays silent on errors)
        awaiting = type;
        awaitingCounter = counter + 1;
        awaitingLength = responseLength;
        sawForgery = false;
        phase = Phase.AWAIT_RESPONSE;
        deadline = now + responseTimeout;
    }

    private void response(long now, ControlId id, CanFrame frame) {
        if (id.type() != awaiting || id.counterByte() != (int) (awaitingCounter & 0xFF)) {
            return;
        }
        byte[] plaintext = cipher.open(awaitingCounter, frame.id(), frame.data(), awaitingLength);
        if (plaintext == null) {
            sawForgery = true; // keep waiting: the genuine response may still come
            return;
        }
        next = awaitingCounter + 1;
        phase = Phase.OPEN;
        deadline = TimerTable.NONE;
        Operation op = current.op();
        switch (awaiting) {
            case READ_INITIATE -> {
                readLength = header(now, plaintext);
                if (readLength < 0) {
                    return;
                }
                continueRead(now);
            }
            case READ_SEGMENT -> {
                readBuffer.writeBytes(plaintext);
                continueRead(now);
            }
            case WRITE_INITIATE -> {
                if (header(now, plaintext) != op.length()) {
                    fail(now, ConfiguratorError.REFUSED, "participant echoed a different length");
                    return;
                }
                continueWrite(now);
            }
            case WRITE_SEGMENT -> {
                int status;
                try {
                    status = WriteStatus.decode(plaintext).status();
                } catch (DecodeException e) {
                    status = -1;
                }
                if (status != WriteStatus.OK) {
                    fail(now, ConfiguratorError.REFUSED, String.format("P%d refused the value of %02Xh (status %d)",
                            op.participant(), op.register(), status));
                    return;
                }
                continueWrite(now);
            }
            case TERMINATE -> {
                closeSession();
                succeed(now, null);
            }
            default -> { }
        }
    }

    private static boolean isLadder(int register) {
        Register r = Register.ofCode(register);
        return r != null && r.write() == Register.Write.INTEGRATOR_LADDER;
    }

    /** The Integrator key ID read before retrying a ladder write. */
    private void ladderVerified(long now, byte[] id) {
        verifyingLadder = false;
        long installed = id.length == 4 ? LittleEndian.getU32(id, 0) : 0;
        Operation op = current.op();
        if (installed != 0 && installed != 0xFFFF_FFFFL) {
            if (op.register() == Register.INTEGRATOR_KEY_ID.code() && Arrays.equals(id, current.value())) {
                succeed(now, null); // the lost answer was to this very write: it took effect
            } else {
                fail(now, ConfiguratorError.REFUSED, String.format("the Integrator key is already installed (ID %08Xh);"
                        + " it is write-once: a manufacturer reset is needed to replace it", installed), false, id.clone());
            }
            return;
        }
        writeOffset = 0;
        request(now, Cpmt.WRITE_INITIATE, new RegisterHeader(op.register(), op.length()).encode(), RegisterHeader.LENGTH);
    }

    private static boolean isKeyIdRegister(int register) {
        return register == Register.PROVISIONING_KEY_ID.code() || register == Register.INTEGRATOR_KEY_ID.code()
                || register == Register.SEED_KEY_ID.code();
    }

    private long header(long now, byte[] plaintext) {
        try {
            RegisterHeader h = RegisterHeader.decode(plaintext);
            int expected = verifyingLadder ? Register.INTEGRATOR_KEY_ID.code() : current.op().register();
            if (h.register() != expected) {
                fail(now, ConfiguratorError.REFUSED, "participant answered for another register");
                return -1;
            }
            return h.length();
        } catch (DecodeException e) {
            fail(now, ConfiguratorError.REFUSED, "malformed register header: " + e.getMessage());
            return -1;
        }
    }

    private void continueRead(long now) {
        long remaining = readLength - readBuffer.size();
        if (remaining <= 0) {
            if (verifyingLadder) {
                ladderVerified(now, readBuffer.toByteArray());
                return;
            }
            succeed(now, readBuffer.toByteArray());
            return;
        }
        request(now, Cpmt.READ_SEGMENT, new byte[0], (int) Math.min(SessionServer.READ_SEGMENT_DATA, remaining));
    }

    private void continueWrite(long now) {
        byte[] value = current.value();
        if (writeOffset >= value.length) {
            succeed(now, null);
            return;
        }
        int n = Math.min(SessionServer.WRITE_SEGMENT_DATA, value.length - writeOffset);
        byte[] chunk = Arrays.copyOfRange(value, writeOffset, writeOffset + n);
        writeOffset += n;
        request(now, Cpmt.WRITE_SEGMENT, chunk, WriteStatus.LENGTH);
    }

    // ---------------------------------------------------------------- input

    @Override
    public void handleFrame(long now, CanFrame frame) {
        if (target == null || phase == Phase.IDLE || phase == Phase.OPEN || !frame.extended()) {
            return;
        }
        ControlId id = ControlId.tryDecode(frame.id(), true);
        if (id == null || id.kind() != FrameKind.SESSION || id.toParticipant() || id.participant() != target.value()) {
            return;
        }
        switch (phase) {
            case AWAIT_SERVER_HELLO -> {
                if (id.type() == Cpmt.HELLO) {
                    serverHello(now, frame);
                }
            }
            case AWAIT_SERVER_FINISHED -> {
                if (id.type() == Cpmt.FINISHED) {
                    serverFinished(now, id, frame);
                }
            }
            case AWAIT_RESPONSE -> response(now, id, frame);
            default -> { }
        }
    }

    @Override
    public void handleTimeout(long now) {
        if (now < deadline) {
            return;
        }
        deadline = TimerTable.NONE;
        Operation op = current.op();
        boolean retry = attempt < ATTEMPTS;
        switch (phase) {
            case AWAIT_SERVER_HELLO, AWAIT_SERVER_FINISHED -> {
                if (reopening && reopenHellos + 1 < REOPEN_WAITS.length && !sawForgery) {
                    reopenHellos++;
                    closeSession();
                    reopening = true;
                    sendHello(now);
                } else if (reopening) {
                    reopening = false;
                    closeSession();
                    fail(now, ConfiguratorError.TIMEOUT, "no answer to " + op + ", and the session could not be opened again");
                } else if (attempt < HELLO_ATTEMPTS && !sawForgery) {
                    attempt++;
                    hello(now, current); // a lost Hello or Finished: start the handshake afresh
                } else if (phase == Phase.AWAIT_SERVER_HELLO) {
                    fail(now, ConfiguratorError.PARTICIPANT_ABSENT,
                            "no ServerHello from " + target + ": participant absent, or it holds no " + kind + " key");
                } else {
                    fail(now, ConfiguratorError.AUTHENTICATION_FAILED, sawForgery
                            ? "ServerFinished did not verify"
                            : target + " refused the ClientFinished: wrong " + kind + " key (or every attempt was lost)");
                }
            }
            case AWAIT_RESPONSE -> {
                phase = Phase.OPEN;
                // SPEC 7, the counter rule: the unanswered request consumed its value; the next
                // request uses the value right after it (`next` already points there). No skip.
                boolean keyId = awaiting == Cpmt.READ_INITIATE && isKeyIdRegister(op.register()) && op.kind() == Operation.Kind.READ;
                if (keyId && attempt >= KEY_ID_ATTEMPTS && !sawForgery) {
                    // SPEC 7: the reference refuses a read of an unset key ID silently. Asked twice
                    // without an answer, the ID is taken as not installed (0).
                    succeed(now, LittleEndian.u32(KeyId.INVALID.unsigned()));
                } else if (verifyingLadder && !sawForgery) {
                    // 42h unanswered: unset (refused silently) or lost. Write in a new session, unchecked.
                    verifyingLadder = false;
                    skipLadderCheck = true;
                    attempt++;
                    if (kind == RootKeyKind.ZERO) {
                        begin(now, current);
                    } else {
                        reopen(now);
                    }
                } else if (retry && !sawForgery && kind == RootKeyKind.ZERO) {
                    // The Zero key is public: a nonce of its session protects nothing, so the step is
                    // retried in the same session at the next counter value, as the reference expects.
                    attempt++;
                    begin(now, current); // reads and writes restart from their Initiate: nothing is applied twice
                } else if (retry && !sawForgery) {
                    attempt++;
                    reopen(now);
                } else if (sawForgery) {
                    fail(now, ConfiguratorError.AUTHENTICATION_FAILED, "the response to " + op + " did not verify");
                } else if (awaiting == Cpmt.WRITE_INITIATE && Register.ofCode(op.register()) != null
                        && Register.ofCode(op.register()).write() == Register.Write.INTEGRATOR_LADDER) {
                    fail(now, ConfiguratorError.TIMEOUT, "no answer to " + op
                            + " (the participant refuses it if its Integrator key is already installed)");
                } else {
                    fail(now, ConfiguratorError.TIMEOUT, "no answer to " + awaiting + " of " + op + " after " + ATTEMPTS + " attempts");
                }
            }
            default -> { }
        }
    }

    // ---------------------------------------------------------------- results

    private void succeed(long now, byte[] value) {
        results.add(new ConfiguratorResult(now, current.op(), true, value, null, null));
        current = null;
        startNext(now);
    }

    /** A failure on the wire: the rest of the session's queued steps are skipped (see {@link #fail(long, ConfiguratorError, String, boolean)}). */
    private void fail(long now, ConfiguratorError error, String message) {
        fail(now, error, message, false);
    }

    /**
     * Reports a failed step. A refusal predicted locally sent nothing, so the session and its
     * queue go on. After a failure on the wire the rest of the session's queued steps are skipped:
     * they may depend on it (an Integrator key ID written after a key write that failed would seal
     * the write-once slot with the wrong key). A later OPEN starts afresh.
     */
    private void fail(long now, ConfiguratorError error, String message, boolean local) {
        fail(now, error, message, local, null);
    }

    /** @param value what the participant reported that explains the failure (the installed Integrator key ID), or null */
    private void fail(long now, ConfiguratorError error, String message, boolean local, byte[] value) {
        Operation failed = current.op();
        results.add(new ConfiguratorResult(now, failed, false, value, error, message));
        current = null;
        if (phase != Phase.OPEN) {
            closeSession();
        }
        while (!local && !queue.isEmpty() && queue.peek().op().kind() != Operation.Kind.OPEN) {
            Step skipped = queue.poll();
            results.add(new ConfiguratorResult(now, skipped.op(), false, null, ConfiguratorError.NOT_OPEN,
                    "skipped: " + failed + " failed"));
        }
        startNext(now);
    }

    private void closeSession() {
        if (cipher != null) {
            cipher.close();
        }
        cipher = null;
        phase = Phase.IDLE;
        deadline = TimerTable.NONE;
    }

    private static ConfiguratorError error(RegisterAccess.Refusal r) {
        return switch (r) {
            case UNKNOWN_REGISTER -> ConfiguratorError.UNKNOWN_REGISTER;
            case WRONG_LENGTH -> ConfiguratorError.WRONG_LENGTH;
            default -> ConfiguratorError.ACCESS_DENIED;
        };
    }

    private String explain(RegisterAccess.Refusal r, int register, boolean write) {
        Register reg = Register.ofCode(register);
        return switch (r) {
            case UNKNOWN_REGISTER -> String.format("unknown register %02Xh", register);
            case WRONG_LENGTH -> String.format("register %s takes %s%d bytes, not %d", reg, reg.variable() ? "1.." : "",
                    reg.maxSize(), current.op().length());
            default -> String.format("access denied: register %s cannot be %s in a %s session", reg,
                    write ? "written" : "read", kind.name().toLowerCase(java.util.Locale.ROOT));
        };
    }

    /** Requests other than Write Segments carry a legal CAN FD length; fill after the tag is ignored by receivers (SocketCAN fills with 00h). */
    private static byte[] fill(byte[] body) {
        int legal = CanFdLength.roundUp(body.length);
        return legal == body.length ? body : Arrays.copyOf(body, legal);
    }

    private void send(CanFrame f) {
        outbox.send(f);
    }
}
