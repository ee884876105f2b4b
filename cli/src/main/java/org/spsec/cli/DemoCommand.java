package org.spsec.cli;

import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import org.spsec.cli.demo.DataPlaneDemo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code spsec demo}: the README's main command. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the SPsec data-plane demonstration on the in-memory bus.",
            "Participants exchange stamped data units and heartbeats for 3 s of simulated time; then forged,",
            "replayed, re-addressed, stale and altered frames are injected and must each be rejected.",
            "Exits 0 only if every legitimate frame verified and every attack was detected."},
        footer = {"", "Examples:", "  spsec demo", "  spsec demo --participants 10 --seed 42"})
public final class DemoCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--participants", paramLabel = "N", defaultValue = "5", description = "Number of participants, 2..127 (default: ${DEFAULT-VALUE}).")
    int participants;

    @Option(names = "--seed", paramLabel = "S", description = "Seed the random source for a reproducible run (demo only; never for real keys).")
    Long seed;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (participants < 2 || participants > 127) {
            throw new UserException("--participants must be 2..127, got " + participants, SpsecMain.EXIT_USAGE);
        }
        DataPlaneDemo.Outcome outcome = DataPlaneDemo.run(participants, random(), spec.commandLine().getOut());
        return outcome.passed() ? 0 : SpsecMain.EXIT_FAILURE;
    }

    private SecureRandom random() {
        if (seed == null) {
            return new SecureRandom();
        }
        try {
            // SHA1PRNG seeded before first use is deterministic: reproducible demo runs.
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(Long.toString(seed).getBytes(StandardCharsets.US_ASCII));
            return r;
        } catch (NoSuchAlgorithmException e) {
            throw new UserException("this JDK has no SHA1PRNG for --seed");
        }
    }
}
