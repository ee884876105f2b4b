package org.spsec.cli;

import java.util.concurrent.Callable;
import org.spsec.sim.ScaleHarness;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code spsec bench}: measurements that are not JMH benchmarks. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure the simulator at scale, or end-to-end latency between processes (JMH benchmarks: bench/run).",
        subcommands = {BenchCommand.Scale.class, LatencyCommand.class})
public final class BenchCommand implements java.util.concurrent.Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return SpsecMain.missingSubcommand(spec);
    }

    @Command(name = "scale", mixinStandardHelpOptions = true,
            description = {"A Sync and N participants in this JVM on a simulated 1 Mbit/s / 8 Mbit/s CAN FD bus under load",
                "(every participant sending 48-byte data units, heartbeats on, each accepting its neighbours' data);",
                "prints frames per second, rejections and the share of one core that one second of bus time costs."},
            footer = {"", "Examples:", "  spsec bench scale", "  spsec bench scale --participants 126 --load 95 --seconds 20"})
    static final class Scale implements Callable<Integer> {
        @Option(names = "--participants", paramLabel = "N", defaultValue = "126", description = "Participants besides the Sync, 1..126 (default: ${DEFAULT-VALUE}).")
        int participants;

        @Option(names = "--seconds", paramLabel = "S", defaultValue = "10", description = "Bus seconds to measure (default: ${DEFAULT-VALUE}).")
        int seconds;

        @Option(names = "--load", paramLabel = "PERCENT", defaultValue = "80",
                description = "Data load offered, in percent of the bus's capacity, 1..100 (default: ${DEFAULT-VALUE}).")
        int load;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (participants < 1 || participants > 126) {
                throw new UserException("--participants must be 1..126 (127 IDs in all, one is the Sync), got " + participants, SpsecMain.EXIT_USAGE);
            }
            if (seconds < 1 || seconds > 3600) {
                throw new UserException("--seconds must be 1..3600, got " + seconds, SpsecMain.EXIT_USAGE);
            }
            if (load < 1 || load > 100) {
                throw new UserException("--load must be 1..100, got " + load, SpsecMain.EXIT_USAGE);
            }
            ScaleHarness.run(Math.min(participants, 20), load / 100.0, 2, 1); // warm the JIT first
            spec.commandLine().getOut().println(ScaleHarness.run(participants, load / 100.0, seconds, 1));
            return 0;
        }
    }
}
