package org.spsec.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.spsec.conformance.CaseResult;
import org.spsec.conformance.Conformance;
import org.spsec.conformance.Group;
import org.spsec.conformance.RealBusHarness;
import org.spsec.conformance.Report;
import org.spsec.conformance.Setup;
import org.spsec.conformance.ToolNode;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.transport.CanBus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code spsec conformance}: tests one participant on the bus against SPEC.md, case by case (docs/CONFORMANCE.md). */
@Command(name = "conformance", mixinStandardHelpOptions = true,
        description = {"Test participant N on the bus against the specification: the tool plays Sync, Configurator,",
            "peer participant, monitor and attacker, and reports each case (pass, FAIL, n/a, inconclusive) with its",
            "SPEC section and evidence. No other Sync may be active on the bus. Exit 0 only when no case failed."},
        footer = {"", "Groups: sessions, dataplane, heartbeat, timesync, paramauth, nonce, commissioning.",
            "--keys (required): the device's key files (e.g. group.keys and device-N.keys of spsec keys generate --devices);",
            "the Seed key is required, Integrator and Provisioning keys enable more cases.",
            "Example:", "  spsec conformance --bus socketcan:can0 --id 5 --keys site-keys.txt --report dut5.json"})
public final class ConformanceCommand implements Callable<Integer> {
    @Mixin
    CommonOptions.Bus bus;

    @Option(names = "--id", paramLabel = "N", required = true, description = "Participant ID of the device under test (1..127).")
    int id;

    @Mixin
    CommonOptions.KeyFileList keys;

    @Mixin
    CommonOptions.Aead aead;

    @Option(names = "--only", paramLabel = "GROUP", split = ",", description = "Run only these groups (repeatable or comma-separated).")
    List<String> only;

    @Option(names = "--tool-id", paramLabel = "N", description = "Participant ID the tool uses for its Sync and heartbeats (default 127, or 126 for device 127).")
    Integer toolId;

    @Option(names = "--response-timeout", paramLabel = "MS", defaultValue = "400",
            description = "How long a session request waits before it counts as unanswered (default: ${DEFAULT-VALUE}; under 1000, the session time-out).")
    int responseTimeout;

    @Option(names = "--data-id", paramLabel = "HEX", defaultValue = "7F0",
            description = "First of the ten 11-bit data identifiers the tool sends on (HEX .. HEX+9; default: ${DEFAULT-VALUE})."
                    + " Pick ones the device does not send on: two senders on identifiers with the same low 16 bits share nonces.")
    String dataId;

    @Option(names = "--window", paramLabel = "TICKS", defaultValue = "150",
            description = "The acceptance window the device is configured with, in ticks of T (default: ${DEFAULT-VALUE}, SPEC section 2).")
    int window;

    @Option(names = "--strict", description = "Exit 1 also when a case is inconclusive (by default only a failed case does).")
    boolean strict;

    @Option(names = "--json", description = "Print the report as JSON instead of the table.")
    boolean json;

    @Option(names = "--report", paramLabel = "FILE", description = "Also write the JSON report to FILE.")
    Path report;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        keys.require();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (id < 1 || id > 127) {
            throw new UserException("--id: a participant ID is 1..127, not " + id, SpsecMain.EXIT_USAGE);
        }
        int firstDataId;
        try {
            firstDataId = Integer.parseInt(dataId.replaceFirst("(?i)^0x", "").replaceFirst("(?i)h$", ""), 16);
        } catch (NumberFormatException e) {
            throw new UserException("--data-id: '" + dataId + "' is not a hex CAN ID", SpsecMain.EXIT_USAGE);
        }
        if (firstDataId < 0 || firstDataId > 0x7F6) {
            throw new UserException("--data-id: the tool sends on ten 11-bit identifiers from it, so it is 000..7F6, not " + dataId,
                    SpsecMain.EXIT_USAGE);
        }
        if (window < 1 || window > 2047) {
            throw new UserException("--window must be 1..2047 ticks (half the 12-bit range of T in a stamp), got " + window, SpsecMain.EXIT_USAGE);
        }
        if (toolId != null && (toolId < 1 || toolId > 127 || toolId == id)) {
            throw new UserException("--tool-id: 1..127 and not the device's ID", SpsecMain.EXIT_USAGE);
        }
        if (responseTimeout < 50 || responseTimeout >= 1000) {
            throw new UserException("--response-timeout: 50..999 ms", SpsecMain.EXIT_USAGE);
        }
        Set<Group> groups = EnumSet.noneOf(Group.class);
        if (only != null) {
            for (String g : only) {
                Group parsed = Group.byLabel(g);
                if (parsed == null) {
                    throw new UserException("--only: unknown group '" + g + "' (sessions, dataplane, heartbeat, timesync, paramauth, nonce, commissioning)",
                            SpsecMain.EXIT_USAGE);
                }
                groups.add(parsed);
            }
        }
        AeadAlgorithm algorithm = aead.algorithm();
        Map<RootKeyKind, RootKey> keyMap = keys.all();
        if (!keyMap.containsKey(RootKeyKind.SEED)) {
            throw new UserException(keys + ": no seed_key and seed_salt");
        }
        Setup setup = Setup.of(id, algorithm, keyMap, groups).withResponseTimeout(responseTimeout * 1_000_000L)
                .withDataId(firstDataId).withWindow(window);
        if (toolId != null) {
            setup = setup.withToolId(toolId);
        }
        if (report != null && report.getParent() != null && !Files.isDirectory(report.getParent())) {
            throw new UserException("--report: no such directory: " + report.getParent());
        }
        Report result;
        try (CanBus canBus = bus.open("conformance")) {
            err.printf("spsec conformance: device P%d on %s, the tool is P%d (Sync); groups %s%n", id, canBus.describe(), setup.toolId(),
                    setup.groups().stream().map(Group::label).toList());
            err.flush();
            ToolNode node = new ToolNode();
            result = Conformance.run(setup, node, new RealBusHarness(canBus, node), new SecureRandom(), r -> progress(err, r));
        }
        if (json) {
            out.print(result.json());
        } else {
            result.notes().forEach(n -> out.println("note: " + n));
            out.print(result.table());
        }
        out.flush();
        if (report != null) {
            try {
                Files.writeString(report, result.json(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UserException("cannot write " + report + ": " + e.getMessage());
            }
        }
        boolean inconclusive = result.results().stream().anyMatch(r -> r.verdict() == org.spsec.conformance.CaseVerdict.INCONCLUSIVE);
        return result.passed() && !(strict && inconclusive) ? 0 : SpsecMain.EXIT_FAILURE;
    }

    private static void progress(PrintWriter err, CaseResult r) {
        err.printf("  %-6s %-12s %s%n", r.id(), r.verdict().label(), r.title());
        err.flush();
    }
}
