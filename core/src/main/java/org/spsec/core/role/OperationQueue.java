package org.spsec.core.role;

import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Arrays;
import org.spsec.core.bytes.DecodeException;
import org.spsec.core.bytes.LittleEndian;
import org.spsec.core.canfd.message.RegisterHeader;
import org.spsec.core.canfd.message.Segments;
import org.spsec.core.canfd.message.WriteStatus;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.keys.KeyId;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.model.Cpmt;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.model.Register;
import org.spsec.core.role.ConfiguratorResult.Operation;

/**
 * The Configurator's operations, queued and run one at a time over a {@link SessionClient}, with
 * the retry policy ({@link RetryPolicy}). Each operation ends in exactly one
 * {@link NodeEvent.OperationFinished}, reported through the outbox.
 *
 * <p>The participant answers nothing to a refused request (as the reference does), so refusals the
 * rules predict (unknown register, access denied, wrong length) are reported before anything is
 * sent, and the session goes on. A silence after a valid request is retried; after a failure on
 * the wire the rest of that session's queued operations fail too, without being sent.
 */
final class OperationQueue implements SessionClient.Host {
    private record Step(OperationHandle handle, Operation op, RootKey key, byte[] value) {}

    private final Outbox outbox;
    private final SessionClient session;
    private final ArrayDeque<Step> queue = new ArrayDeque<>();
    private Step current;
    private int attempt;
    /** The session is being opened again for the current step (see {@link #reopen}). */
    private boolean reopening;
    private int reopenHellos;
    /** A retried Integrator-ladder write first reads 42h: the lost answer may have been to a write that took effect. */
    private boolean verifyingLadder;
    /** The next attempt writes without that check (the check itself went unanswered: the ID may be unset, which the reference refuses silently). */
    private boolean skipLadderCheck;
    private ByteArrayOutputStream readBuffer;
    private long readLength;
    private int writeOffset;

    OperationQueue(Outbox outbox, AeadAlgorithm algorithm, SecureRandom random, long responseTimeout) {
        this.outbox = outbox;
        this.session = new SessionClient(algorithm, random, responseTimeout, outbox, this);
    }

    SessionClient session() { return session; }

    boolean busy() {
        return current != null || !queue.isEmpty();
    }

    void enqueue(long now, OperationHandle handle, Operation op, RootKey key, byte[] value) {
        queue.add(new Step(handle, op, key, value));
        if (current == null) {
            startNext(now);
        }
    }

    private void startNext(long now) {
        while (current == null && !queue.isEmpty()) {
            current = queue.poll();
            attempt = 1;
            skipLadderCheck = false;
            verifyingLadder = false;
            begin(now, current);
        }
    }

    /** Starts (or restarts, after a time-out) a step from its first message. */
    private void begin(long now, Step s) {
        Operation op = s.op();
        if (op.kind() == Operation.Kind.OPEN) {
            hello(now, s);
            return;
        }
        if (!session.openWith(op.participant())) {
            fail(now, ConfiguratorError.NOT_OPEN, "no open session with P" + op.participant(), true);
            return;
        }
        switch (op.kind()) {
            case READ -> {
                RegisterAccess.Refusal r = RegisterAccess.read(op.register(), session.kind());
                if (r != RegisterAccess.Refusal.NONE) {
                    fail(now, RetryPolicy.error(r), RetryPolicy.explain(r, op, session.kind(), false), true);
                    return;
                }
                readBuffer = new ByteArrayOutputStream();
                // Like the reference configurator, announce the size we expect (the vectors show 1 for 50h).
                int announced = Register.ofCode(op.register()).maxSize();
                session.request(now, Cpmt.READ_INITIATE, new RegisterHeader(op.register(), announced).encode(), RegisterHeader.LENGTH);
            }
            case WRITE -> {
                // Most permissive view of the ladder: the Configurator cannot know which keys the participant holds.
                RegisterAccess.Refusal r = RegisterAccess.write(op.register(), op.length(), session.kind(), false, false);
                if (r != RegisterAccess.Refusal.NONE) {
                    fail(now, RetryPolicy.error(r), RetryPolicy.explain(r, op, session.kind(), true), true);
                    return;
                }
                boolean check = attempt > 1 && !skipLadderCheck && RetryPolicy.isLadder(op.register());
                skipLadderCheck = false;
                if (check) {
                    // A retry of a write-once ladder write: the lost answer may belong to a write that
                    // took effect (then every retry is refused silently). Read 42h first.
                    verifyingLadder = true;
                    readBuffer = new ByteArrayOutputStream();
                    session.request(now, Cpmt.READ_INITIATE, new RegisterHeader(Register.INTEGRATOR_KEY_ID.code(), 4).encode(), RegisterHeader.LENGTH);
                    return;
                }
                writeOffset = 0;
                session.request(now, Cpmt.WRITE_INITIATE, new RegisterHeader(op.register(), op.length()).encode(), RegisterHeader.LENGTH);
            }
            case TERMINATE -> session.request(now, Cpmt.TERMINATE, new byte[0], 0);
            default -> { }
        }
    }

    private void hello(long now, Step s) {
        session.close();
        reopening = false;
        if (!s.key().kind().opensSessions()) {
            fail(now, ConfiguratorError.ACCESS_DENIED, "sessions cannot be opened with the " + s.key().kind() + " key");
            return;
        }
        session.hello(now, ParticipantId.of(s.op().participant()), s.key(), 1);
    }

    /**
     * The current step, whose request went unanswered in a keyed session, is retried in a new
     * session ({@link SessionClient#reusableAfterSilence()}): a ClientHello goes out at once (ours
     * answers it), and more follow ({@link RetryPolicy#REOPEN_WAITS}) until the reference
     * participant's own inactivity time-out has ended the old session.
     */
    private void reopen(long now) {
        reopening = true;
        reopenHellos = 0;
        session.hello(now, session.target(), session.key(), RetryPolicy.reopenWait(0));
    }

    // ---------------------------------------------------------------- session client reports

    @Override
    public void sessionOpened(long now) {
        if (reopening) {
            reopening = false;
            begin(now, current); // the step that went unanswered, from its first message, in the new session
            return;
        }
        succeed(now, null);
    }

    @Override
    public void sessionFailed(long now, ConfiguratorError error, String message) {
        fail(now, error, message);
    }

    @Override
    public void responseReceived(long now, Cpmt type, byte[] plaintext) {
        Operation op = current.op();
        switch (type) {
            case READ_INITIATE -> {
                readLength = header(now, plaintext);
                if (readLength >= 0) {
                    continueRead(now);
                }
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
                session.close();
                succeed(now, null);
            }
            default -> { }
        }
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
        session.request(now, Cpmt.WRITE_INITIATE, new RegisterHeader(op.register(), op.length()).encode(), RegisterHeader.LENGTH);
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
        session.request(now, Cpmt.READ_SEGMENT, new byte[0], (int) Math.min(Segments.READ_SEGMENT_DATA, remaining));
    }

    private void continueWrite(long now) {
        byte[] value = current.value();
        if (writeOffset >= value.length) {
            succeed(now, null);
            return;
        }
        int n = Math.min(Segments.WRITE_SEGMENT_DATA, value.length - writeOffset);
        byte[] chunk = Arrays.copyOfRange(value, writeOffset, writeOffset + n);
        writeOffset += n;
        session.request(now, Cpmt.WRITE_SEGMENT, chunk, WriteStatus.LENGTH);
    }

    // ---------------------------------------------------------------- time-outs: the retry policy

    void handleTimeout(long now) {
        if (now < session.deadline()) {
            return;
        }
        SessionClient.Phase phase = session.timedOut();
        if (current == null) {
            return; // a deadline left from a handshake whose open was the last operation
        }
        Operation op = current.op();
        boolean forged = session.sawForgery();
        switch (phase) {
            case AWAIT_SERVER_HELLO, AWAIT_SERVER_FINISHED -> {
                if (reopening && reopenHellos + 1 < RetryPolicy.REOPEN_WAITS.length && !forged) {
                    reopenHellos++;
                    session.hello(now, session.target(), session.key(), RetryPolicy.reopenWait(reopenHellos));
                } else if (reopening) {
                    reopening = false;
                    session.close();
                    fail(now, ConfiguratorError.TIMEOUT, "no answer to " + op + ", and the session could not be opened again");
                } else if (attempt < RetryPolicy.HELLO_ATTEMPTS && !forged) {
                    attempt++;
                    hello(now, current); // a lost Hello or Finished: start the handshake afresh
                } else if (phase == SessionClient.Phase.AWAIT_SERVER_HELLO) {
                    fail(now, ConfiguratorError.PARTICIPANT_ABSENT, "no ServerHello from " + session.target()
                            + ": participant absent, or it holds no " + session.kind() + " key");
                } else {
                    fail(now, ConfiguratorError.AUTHENTICATION_FAILED, forged
                            ? "ServerFinished did not verify"
                            : session.target() + " refused the ClientFinished: wrong " + session.kind() + " key (or every attempt was lost)");
                }
            }
            case AWAIT_RESPONSE -> responseMissing(now, op, forged);
            default -> { }
        }
    }

    /** No (verified) answer to the request in flight; the session is open again under the counter rule. */
    private void responseMissing(long now, Operation op, boolean forged) {
        Cpmt awaiting = session.awaiting();
        boolean retry = attempt < RetryPolicy.ATTEMPTS;
        if (RetryPolicy.unsetKeyId(op, awaiting, attempt) && !forged) {
            // SPEC 7: the reference refuses a read of an unset key ID silently. Asked twice
            // without an answer, the ID is taken as not installed (0).
            succeed(now, LittleEndian.u32(KeyId.INVALID.unsigned()));
        } else if (verifyingLadder && !forged) {
            // 42h unanswered: unset (refused silently) or lost. Write in a new session, unchecked.
            verifyingLadder = false;
            skipLadderCheck = true;
            attempt++;
            if (session.kind() == RootKeyKind.ZERO) {
                begin(now, current);
            } else {
                reopen(now);
            }
        } else if (retry && !forged && session.reusableAfterSilence()) {
            // Retried in the same session at the next counter value, as the reference expects.
            attempt++;
            begin(now, current); // reads and writes restart from their Initiate: nothing is applied twice
        } else if (retry && !forged) {
            attempt++;
            reopen(now);
        } else if (forged) {
            fail(now, ConfiguratorError.AUTHENTICATION_FAILED, "the response to " + op + " did not verify");
        } else if (awaiting == Cpmt.WRITE_INITIATE && RetryPolicy.isLadder(op.register())) {
            fail(now, ConfiguratorError.TIMEOUT, "no answer to " + op
                    + " (the participant refuses it if its Integrator key is already installed)");
        } else {
            fail(now, ConfiguratorError.TIMEOUT, "no answer to " + awaiting + " of " + op + " after " + RetryPolicy.ATTEMPTS + " attempts");
        }
    }

    // ---------------------------------------------------------------- results

    private void succeed(long now, byte[] value) {
        finish(now, current, new ConfiguratorResult(now, current.op(), true, value, null, null));
        current = null;
        startNext(now);
    }

    /** A failure on the wire: the rest of the session's queued steps are skipped (see {@link #fail(long, ConfiguratorError, String, boolean, byte[])}). */
    private void fail(long now, ConfiguratorError error, String message) {
        fail(now, error, message, false, null);
    }

    private void fail(long now, ConfiguratorError error, String message, boolean local) {
        fail(now, error, message, local, null);
    }

    /**
     * Reports a failed step. A refusal predicted locally sent nothing, so the session and its
     * queue go on. After a failure on the wire the rest of the session's queued steps are skipped:
     * they may depend on it (an Integrator key ID written after a key write that failed would seal
     * the write-once slot with the wrong key). A later OPEN starts afresh.
     *
     * @param value what the participant reported that explains the failure (the installed Integrator key ID), or null
     */
    private void fail(long now, ConfiguratorError error, String message, boolean local, byte[] value) {
        Step failed = current;
        finish(now, failed, new ConfiguratorResult(now, failed.op(), false, value, error, message));
        current = null;
        if (session.phase() != SessionClient.Phase.OPEN) {
            session.close();
        }
        while (!local && !queue.isEmpty() && queue.peek().op().kind() != Operation.Kind.OPEN) {
            Step skipped = queue.poll();
            finish(now, skipped, new ConfiguratorResult(now, skipped.op(), false, null, ConfiguratorError.NOT_OPEN,
                    "skipped: " + failed.op() + " failed"));
        }
        startNext(now);
    }

    private void finish(long now, Step s, ConfiguratorResult r) {
        outbox.report(new NodeEvent.OperationFinished(now, 0, s.handle(), r));
    }
}
