package org.spsec.core.role;

import java.security.SecureRandom;
import java.util.Arrays;
import org.spsec.core.bytes.DecodeException;
import org.spsec.core.canfd.CanFdLength;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.canfd.ControlId;
import org.spsec.core.canfd.FrameKind;
import org.spsec.core.canfd.message.ClientHello;
import org.spsec.core.canfd.message.ServerHello;
import org.spsec.core.crypto.Aead;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.engine.SessionCipher;
import org.spsec.core.keys.KeyDerivation;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.model.Cpmt;
import org.spsec.core.model.ParticipantId;

/**
 * The Configurator side of a configuration session (SPEC sections 7 and 9), the mirror of
 * {@link SessionServer}: the handshake (ClientHello, ServerHello, ClientFinished, ServerFinished),
 * then one request at a time, each sealed at the next counter value, and the response to it.
 * It knows nothing of operations or retries: the {@link Host} (the operation queue) decides what
 * to send and what a silence means.
 *
 * <p>Counters: ClientFinished uses cnt0+1, ServerFinished cnt0+2, then each request and each
 * response in turn. <b>The counter rule</b>: a request consumes its value whether or not it is
 * answered (the participant stays silent on errors), and the next request uses the value right
 * after it; no value is skipped, because the reference participant accepts no skip. A response
 * that does not verify consumes nothing: the genuine one may still come.
 *
 * <p><b>A keyed session is never used again after a silence</b> ({@link #reusableAfterSilence()}).
 */
final class SessionClient {
    enum Phase { IDLE, AWAIT_SERVER_HELLO, AWAIT_SERVER_FINISHED, OPEN, AWAIT_RESPONSE }

    /** What the session client reports to the one driving it (the mirror of {@link SessionHost}). */
    interface Host {
        /** The ServerFinished verified: the session is open. */
        void sessionOpened(long now);

        /** The response to the request in flight verified; the session is open for the next request. */
        void responseReceived(long now, Cpmt type, byte[] plaintext);

        /** The session cannot go on (its counter would reach the limit); nothing was sent for it. */
        void sessionFailed(long now, ConfiguratorError error, String message);
    }

    /** Margin below the counter limit a session needs to start (the server's counter window). */
    private static final int COUNTER_MARGIN = 16;

    private final AeadAlgorithm algorithm;
    private final SecureRandom random;
    private final long responseTimeout;
    private final Outbox outbox;
    private final Host host;

    private Phase phase = Phase.IDLE;
    private long deadline = TimerTable.NONE;
    private ParticipantId target;
    private RootKeyKind kind;
    private RootKey key;
    private byte[] clientRandom;
    private byte[] serverRandom;
    private int selector;
    private SessionCipher cipher;
    /** The counter value the next request uses. */
    private long next;
    private byte[] clientFinishedTag;
    // request in flight
    private Cpmt awaiting;
    private long awaitingCounter;
    private int awaitingLength;
    private boolean sawForgery;

    SessionClient(AeadAlgorithm algorithm, SecureRandom random, long responseTimeout, Outbox outbox, Host host) {
        this.algorithm = algorithm;
        this.random = random;
        this.responseTimeout = responseTimeout;
        this.outbox = outbox;
        this.host = host;
    }

    Phase phase() { return phase; }

    /** When the answer awaited is overdue, or {@link TimerTable#NONE}. */
    long deadline() { return deadline; }

    ParticipantId target() { return target; }

    RootKey key() { return key; }

    /** The kind of key the current (or last) session was opened with. */
    RootKeyKind kind() { return kind; }

    /** The request type in flight (or last sent). */
    Cpmt awaiting() { return awaiting; }

    /** Whether a frame that failed verification came while waiting for the current answer. */
    boolean sawForgery() { return sawForgery; }

    /** Whether a session with {@code participant} is open and idle (no request in flight). */
    boolean openWith(int participant) {
        return phase == Phase.OPEN && target != null && target.value() == participant;
    }

    /**
     * Whether a session may carry another request after one went unanswered: only a Zero-key
     * session. In a keyed session, if the participant did answer and only the answer was lost,
     * the next counter value carried that answer, and sending on it would reuse a nonce under the
     * session key; skipping it is what the reference participant does not accept (SPEC 7). So a
     * keyed session is never used again after a silence: the step is retried in a new session.
     * The Zero key is public: a nonce of its session protects nothing.
     */
    boolean reusableAfterSilence() {
        return kind == RootKeyKind.ZERO;
    }

    /**
     * Closes any session and sends a ClientHello to {@code target} with {@code key} (borrowed);
     * the ServerHello is awaited for {@code waits} response time-outs.
     */
    void hello(long now, ParticipantId target, RootKey key, int waits) {
        close();
        this.target = target;
        this.key = key;
        sawForgery = false;
        kind = key.kind();
        selector = kind.selector();
        clientRandom = new byte[KeyDerivation.RANDOM_LENGTH];
        random.nextBytes(clientRandom);
        outbox.send(CanFrame.extended(ControlId.clientHello(target).encode(), new ClientHello(selector, clientRandom).encode()));
        phase = Phase.AWAIT_SERVER_HELLO;
        deadline = now + responseTimeout * waits;
    }

    /** Sends a request at the next counter value (consumed, answered or not) and awaits its response. */
    void request(long now, Cpmt type, byte[] plaintext, int responseLength) {
        if (next + 2 >= SessionCipher.COUNTER_LIMIT) {
            host.sessionFailed(now, ConfiguratorError.COUNTER_EXHAUSTED, "session counter exhausted; open a new session");
            return;
        }
        long counter = next;
        int canId = ControlId.session(type, counter, true, target).encode();
        byte[] body = cipher.seal(counter, canId, plaintext);
        // SPEC 7: Write Segments go unfilled (data + tag, e.g. 9 or 40 bytes), as the reference
        // configurator sends them: the reference participant infers the data length from the frame
        // length. Where a controller must pad, it does so itself; our receivers ignore any fill.
        outbox.send(CanFrame.extended(canId, type == Cpmt.WRITE_SEGMENT ? body : fill(body)));
        next = counter + 1; // consumed even if no response comes (the participant stays silent on errors)
        awaiting = type;
        awaitingCounter = counter + 1;
        awaitingLength = responseLength;
        sawForgery = false;
        phase = Phase.AWAIT_RESPONSE;
        deadline = now + responseTimeout;
    }

    /**
     * The answer awaited did not come by the deadline. Returns the phase it was awaited in. After
     * a request, the session is open again under the counter rule: the unanswered request consumed
     * its value, and the next request uses the value right after it ({@code next} already points
     * there); whether it may be used at all is {@link #reusableAfterSilence()}.
     */
    Phase timedOut() {
        Phase was = phase;
        deadline = TimerTable.NONE;
        if (phase == Phase.AWAIT_RESPONSE) {
            phase = Phase.OPEN;
        }
        return was;
    }

    /** Forgets the session (its keys are erased); nothing is sent. */
    void close() {
        if (cipher != null) {
            cipher.close();
        }
        cipher = null;
        phase = Phase.IDLE;
        deadline = TimerTable.NONE;
    }

    // ---------------------------------------------------------------- input

    void handleFrame(long now, CanFrame frame) {
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

    private void serverHello(long now, CanFrame frame) {
        try {
            serverRandom = ServerHello.decode(frame.data()).serverRandom();
        } catch (DecodeException e) {
            return;
        }
        long cnt0 = SessionCipher.initialCounter(clientRandom, serverRandom);
        if (cnt0 + COUNTER_MARGIN >= SessionCipher.COUNTER_LIMIT) {
            host.sessionFailed(now, ConfiguratorError.COUNTER_EXHAUSTED,
                    "these Hello randoms would start the session counter at its limit; open the session again");
            return;
        }
        cipher = SessionCipher.open(algorithm, key, clientRandom, serverRandom);
        int cfId = ControlId.session(Cpmt.FINISHED, cnt0 + 1, true, target).encode();
        clientFinishedTag = cipher.finishedTag(cnt0 + 1, SessionCipher.clientFinishedAad(selector, clientRandom, serverRandom, cfId));
        outbox.send(CanFrame.extended(cfId, clientFinishedTag));
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
        host.sessionOpened(now);
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
        host.responseReceived(now, awaiting, plaintext);
    }

    /** Requests other than Write Segments carry a legal CAN FD length; fill after the tag is ignored by receivers (SocketCAN fills with 00h). */
    private static byte[] fill(byte[] body) {
        int legal = CanFdLength.roundUp(body.length);
        return legal == body.length ? body : Arrays.copyOf(body, legal);
    }
}
