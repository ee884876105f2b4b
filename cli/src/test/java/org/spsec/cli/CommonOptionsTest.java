package org.spsec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The shared options ({@link CommonOptions}) read the same in every command, and keep their behaviour. */
class CommonOptionsTest {
    private static final String NL = System.lineSeparator();

    @Test
    void eachSharedOptionHasOneHelpTextAndDefaultEverywhere() {
        Map<String, List<String>> where = new TreeMap<>();
        for (String name : List.of("--bus", "--aead", "--duration", "--capture", "--config")) {
            List<String> seen = new ArrayList<>();
            String first = null;
            for (CommandSpec c : commands(new CommandLine(new SpsecMain()).getCommandSpec())) {
                OptionSpec o = c.findOption(name);
                if (o == null || (name.equals("--config") && c.name().equals("provision"))) { // provision's --config is its register file
                    continue;
                }
                String text = String.join(" ", o.description()) + " default=" + o.defaultValue();
                first = first == null ? text : first;
                assertThat(text).as("%s of %s", name, c.qualifiedName()).isEqualTo(first);
                seen.add(c.qualifiedName());
            }
            where.put(name, seen);
        }
        assertThat(where.get("--bus")).contains("spsec participant", "spsec sync", "spsec monitor", "spsec configure read", "spsec conformance");
        assertThat(where.get("--aead")).contains("spsec participant", "spsec monitor", "spsec inspect", "spsec configure write", "spsec conformance");
        assertThat(where.get("--duration")).containsExactlyInAnyOrder("spsec participant", "spsec sync", "spsec monitor");
    }

    @Test
    void aRequiredKeyFileIsStillPicoclisMissingOptionError() {
        CliRun picocli = CliRun.of("configure", "discover"); // --id is declared required: picocli's own message
        assertThat(picocli.code).isEqualTo(2);
        assertThat(picocli.err).isEqualTo("spsec: Missing required option: '--id=N'" + NL + "Try 'spsec configure discover --help' for usage." + NL);

        CliRun inspect = CliRun.of("inspect", "capture.log");
        assertThat(inspect.code).isEqualTo(2);
        assertThat(inspect.err).isEqualTo("spsec: Missing required option: '--keys=FILE'" + NL + "Try 'spsec inspect --help' for usage." + NL);

        CliRun conformance = CliRun.of("conformance", "--id", "5", "--bus", "mem");
        assertThat(conformance.code).isEqualTo(2);
        assertThat(conformance.err).isEqualTo("spsec: Missing required option: '--keys=FILE'" + NL + "Try 'spsec conformance --help' for usage." + NL);
    }

    @Test
    void sharedChecksGiveTheSameOneLineErrors() {
        CliRun badBus = CliRun.of("configure", "discover", "--id", "2", "--bus", "carrier-pigeon");
        assertThat(badBus.code).isEqualTo(2);
        assertThat(badBus.err).startsWith("spsec: --bus: ");
        CliRun badAead = CliRun.of("inspect", "--keys", "k", "--aead", "des", "capture.log");
        assertThat(badAead.code).isEqualTo(2);
        assertThat(badAead.err).startsWith("spsec: --aead: ");
        CliRun shortRun = CliRun.of("monitor", "--keys", "k", "--duration", "0");
        assertThat(shortRun.code).isEqualTo(2);
        assertThat(shortRun.err).isEqualTo("spsec: --duration must be at least 1 s, got 0" + NL);
    }

    private static List<CommandSpec> commands(CommandSpec root) {
        List<CommandSpec> all = new ArrayList<>();
        for (CommandLine sub : root.subcommands().values()) {
            all.add(sub.getCommandSpec());
            all.addAll(commands(sub.getCommandSpec()));
        }
        return all;
    }
}
