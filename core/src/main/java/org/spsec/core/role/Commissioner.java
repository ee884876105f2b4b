package org.spsec.core.role;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.spsec.core.bytes.LittleEndian;
import org.spsec.core.keys.KeyId;
import org.spsec.core.keys.RootKey;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.model.Register;

/**
 * Commissioning from factory state, driving a {@link ConfiguratorEngine} (sans I/O): for each
 * participant, in order,
 * <ol>
 *   <li>a Provisioning session (or, where the participant has no Provisioning key, a Zero-key
 *       session: trust on first use) that reads 42h and installs the Integrator triple only if it
 *       is not installed yet (ID FFFFFFFFh, key, salt, ID, the sequence of the reference), so a
 *       retry after a lost acknowledgement is harmless;</li>
 *   <li>an Integrator session that installs the Seed triple and writes 61h, 62h and 63h.</li>
 * </ol>
 * A failed phase is retried up to {@code attempts} times. Commission the Sync first: the others
 * synchronize to it as soon as their own session ends.
 */
public final class Commissioner {
    /** One participant to commission. {@code provisioning} null means: use the Zero key. */
    public record Target(ParticipantId id, RootKey provisioning, boolean sync, int heartbeatTiming, long monitor) {}

    private enum Phase { CHECK_INTEGRATOR, INSTALL_INTEGRATOR, INSTALL_SEED, DONE }

    private final ConfiguratorEngine configurator;
    private final RootKey integrator;
    private final RootKey seed;
    private final List<Target> targets;
    private final int attempts;
    private final List<String> failures = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    /** The IDs of this Commissioner's operations still running. */
    private final Set<Long> mine = new HashSet<>();
    private int index;
    private Phase phase;
    private int attempt;
    private int outstanding;
    private ConfiguratorResult firstFailure;
    private byte[] integratorIdRead;
    /** In the current phase, a refusal showed our Integrator key already installed. */
    private boolean foundInstalled;
    private boolean finished;

    public Commissioner(ConfiguratorEngine configurator, RootKey integrator, RootKey seed, List<Target> targets, int attempts) {
        this.configurator = configurator;
        this.integrator = integrator;
        this.seed = seed;
        this.targets = List.copyOf(targets);
        this.attempts = attempts;
    }

    public void start(long now) {
        index = 0;
        beginTarget(now);
    }

    public boolean done() { return finished; }

    /** Participants that could not be commissioned, with the reason. */
    public List<String> failures() { return failures; }

    /** One line per phase completed or failed. */
    public List<String> log() { return log; }

    /**
     * Feed every event of the Configurator here (at the Configurator's time {@code now}): the
     * {@link NodeEvent.OperationFinished} of operations this Commissioner started drive it on;
     * other events are ignored.
     */
    public void onEvent(long now, NodeEvent event) {
        if (event instanceof NodeEvent.OperationFinished f && mine.remove(f.handle().id())) {
            onResult(now, f.result());
        }
    }

    private void onResult(long now, ConfiguratorResult r) {
        if (finished) {
            return;
        }
        outstanding--;
        boolean terminateLost = r.operation().kind() == ConfiguratorResult.Operation.Kind.TERMINATE
                && r.error() == ConfiguratorError.TIMEOUT;
        // A Terminate whose answer was lost still ends the session: the participant times out by itself.
        // A ladder write refused because the Integrator key is installed, with the ID the participant
        // reported: if it is ours, an earlier attempt got through and only its answers were lost.
        boolean ourIntegratorInstalled = !r.ok() && r.error() == ConfiguratorError.REFUSED && r.value() != null
                && r.value().length == 4 && LittleEndian.getU32(r.value(), 0) == integrator.id().unsigned();
        if (ourIntegratorInstalled) {
            integratorIdRead = r.value();
            foundInstalled = true;
        }
        boolean skippedAfterIt = foundInstalled && r.error() == ConfiguratorError.NOT_OPEN;
        if (!r.ok() && !terminateLost && !ourIntegratorInstalled && !skippedAfterIt && firstFailure == null) {
            firstFailure = r;
        }
        if (r.ok() && r.operation().kind() == ConfiguratorResult.Operation.Kind.READ
                && r.operation().register() == Register.INTEGRATOR_KEY_ID.code()) {
            integratorIdRead = r.value();
        }
        if (outstanding > 0) {
            return;
        }
        Target t = targets.get(index);
        if (firstFailure != null) {
            ConfiguratorResult f = firstFailure;
            firstFailure = null;
            if (++attempt < attempts) {
                log.add(t.id() + " " + phase + " failed (" + f.message() + "); retrying");
                run(now, phase == Phase.INSTALL_INTEGRATOR ? Phase.CHECK_INTEGRATOR : phase);
            } else {
                failures.add(t.id() + ": " + f.operation() + ": " + f.message());
                nextTarget(now);
            }
            return;
        }
        switch (phase) {
            case CHECK_INTEGRATOR -> {
                long installed = integratorIdRead == null ? 0 : LittleEndian.getU32(integratorIdRead, 0);
                if (installed == integrator.id().unsigned()) {
                    log.add(t.id() + " Integrator key already installed");
                    run(now, Phase.INSTALL_SEED);
                } else if (new KeyId((int) installed).isInstalled()) {
                    failures.add(t.id() + ": another Integrator key (ID " + String.format("%08Xh", installed)
                            + ") is installed; a manufacturer reset is needed");
                    nextTarget(now);
                } else {
                    run(now, Phase.INSTALL_INTEGRATOR);
                }
            }
            case INSTALL_INTEGRATOR -> {
                log.add(t.id() + (foundInstalled ? " Integrator key already installed (an earlier attempt got through)" : " Integrator key installed"));
                run(now, Phase.INSTALL_SEED);
            }
            case INSTALL_SEED -> {
                log.add(t.id() + " Seed key and configuration installed" + (t.sync() ? " (Sync)" : ""));
                nextTarget(now);
            }
            default -> { }
        }
    }

    private void beginTarget(long now) {
        if (index >= targets.size()) {
            finished = true;
            return;
        }
        attempt = 0;
        run(now, Phase.CHECK_INTEGRATOR);
    }

    private void nextTarget(long now) {
        index++;
        beginTarget(now);
    }

    private void run(long now, Phase p) {
        phase = p;
        foundInstalled = false;
        Target t = targets.get(index);
        ParticipantId id = t.id();
        RootKey first = t.provisioning() == null ? RootKey.zero() : t.provisioning();
        List<Supplier<OperationHandle>> ops = new ArrayList<>();
        switch (p) {
            case CHECK_INTEGRATOR -> {
                // Read in a Zero-key session (SPEC 8 allows 41h-43h there): a reference device in
                // factory state refuses the read of its unset ID silently, and the Configurator then
                // goes on at the next counter value, which is harmless only under the public Zero key.
                integratorIdRead = null;
                ops.add(() -> configurator.open(now, id, RootKey.zero()));
                ops.add(() -> configurator.read(now, id, Register.INTEGRATOR_KEY_ID.code()));
                ops.add(() -> configurator.terminate(now, id));
            }
            case INSTALL_INTEGRATOR -> {
                ops.add(() -> configurator.open(now, id, first));
                installTriple(ops, now, id, integrator, Register.INTEGRATOR_KEY_ID, Register.INTEGRATOR_KEY, Register.INTEGRATOR_SALT);
                ops.add(() -> configurator.terminate(now, id));
            }
            case INSTALL_SEED -> {
                ops.add(() -> configurator.open(now, id, integrator));
                installTriple(ops, now, id, seed, Register.SEED_KEY_ID, Register.SEED_KEY, Register.SEED_SALT);
                ops.add(() -> configurator.write(now, id, Register.HEARTBEAT_TIMING.code(), new byte[] {(byte) t.heartbeatTiming()}));
                ops.add(() -> configurator.write(now, id, Register.HEARTBEAT_MONITOR.code(), LittleEndian.u32(t.monitor())));
                ops.add(() -> configurator.write(now, id, Register.SYNC_ROLE.code(), new byte[] {(byte) (t.sync() ? 1 : 0)}));
                ops.add(() -> configurator.terminate(now, id));
            }
            default -> { }
        }
        outstanding = ops.size();
        mine.clear();
        ops.forEach(op -> mine.add(op.get().id()));
    }

    /** The reference's install sequence: ID erased, key, salt, then the real ID. */
    private void installTriple(List<Supplier<OperationHandle>> ops, long now, ParticipantId id, RootKey k, Register idReg, Register keyReg, Register saltReg) {
        ops.add(() -> configurator.write(now, id, idReg.code(), LittleEndian.u32(KeyId.ERASED.unsigned())));
        ops.add(() -> configurator.write(now, id, keyReg.code(), k.key().copyBytes()));
        ops.add(() -> configurator.write(now, id, saltReg.code(), k.salt().copyBytes()));
        ops.add(() -> configurator.write(now, id, idReg.code(), LittleEndian.u32(k.id().unsigned())));
    }
}
