package org.spsec.core.role;

import java.security.SecureRandom;
import java.time.Duration;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.keys.RootKey;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.role.ConfiguratorResult.Operation;

/**
 * The Configurator, sans I/O: opens sessions with the Zero, Provisioning or Integrator key,
 * reads and writes registers (segmented both ways) and terminates. A thin dispatcher: the
 * {@link OperationQueue} runs the operations one at a time with the retry policy, over a
 * {@link SessionClient} (the mirror of the participant's session server).
 *
 * <p>Each operation returns an {@link OperationHandle} at once and finishes as exactly one
 * {@link NodeEvent.OperationFinished} with that handle, delivered through {@link #pollEvent()}
 * like every endpoint's events (a {@code NodeRunner} hands it to its listener). Refusals the rules
 * predict (unknown register, access denied, wrong length) finish before anything is sent; a
 * silence after a valid request is retried; after a failure on the wire the rest of that
 * session's queued operations finish as failed too, without being sent.
 */
public final class ConfiguratorEngine implements Endpoint {
    private final Outbox outbox = new Outbox();
    private final OperationQueue queue;
    private final SessionClient session;
    private long nextId = 1;

    public ConfiguratorEngine(AeadAlgorithm algorithm, SecureRandom random, Duration responseTimeout) {
        this.queue = new OperationQueue(outbox, algorithm, random, responseTimeout.toNanos());
        this.session = queue.session();
    }

    /** SPEC section 9: 100 ms per response. */
    public ConfiguratorEngine(AeadAlgorithm algorithm, SecureRandom random) {
        this(algorithm, random, Duration.ofMillis(100));
    }

    // ---------------------------------------------------------------- operations

    /** Opens a session with {@code participant} using {@code key} (Zero, Provisioning or Integrator; borrowed). */
    public OperationHandle open(long now, ParticipantId participant, RootKey key) {
        return enqueue(now, new Operation(Operation.Kind.OPEN, participant.value(), -1, 0), key, null);
    }

    /** Reads {@code register} in the open session with {@code participant}. */
    public OperationHandle read(long now, ParticipantId participant, int register) {
        return enqueue(now, new Operation(Operation.Kind.READ, participant.value(), register, 0), null, null);
    }

    /** Writes {@code value} (copied) to {@code register} in the open session with {@code participant}. */
    public OperationHandle write(long now, ParticipantId participant, int register, byte[] value) {
        return enqueue(now, new Operation(Operation.Kind.WRITE, participant.value(), register, value.length), null, value.clone());
    }

    /** Ends the open session with {@code participant}. */
    public OperationHandle terminate(long now, ParticipantId participant) {
        return enqueue(now, new Operation(Operation.Kind.TERMINATE, participant.value(), -1, 0), null, null);
    }

    /** Whether operations are queued or running. */
    public boolean busy() {
        return queue.busy();
    }

    private OperationHandle enqueue(long now, Operation op, RootKey key, byte[] value) {
        OperationHandle h = new OperationHandle(nextId++, op.kind(), op.participant(), op.register());
        queue.enqueue(now, h, op, key, value);
        return h;
    }

    // ---------------------------------------------------------------- endpoint

    @Override
    public void handleFrame(long now, CanFrame frame) { session.handleFrame(now, frame); }

    @Override
    public void handleTimeout(long now) { queue.handleTimeout(now); }

    @Override
    public CanFrame pollTransmit() { return outbox.pollTransmit(); }

    /** The next {@link NodeEvent.OperationFinished}, or null. */
    @Override
    public NodeEvent pollEvent() { return outbox.pollEvent(); }

    @Override
    public long nextDeadline() { return session.deadline(); }
}
