package org.spsec.cli;

import picocli.CommandLine.Command;

/** {@code spsec participant}. */
@Command(name = "participant", mixinStandardHelpOptions = true,
        description = {"Run a participant on a bus until Ctrl-C (or --duration).",
            "It synchronizes to the Sync (Parameter Authentication), sends heartbeats, monitors others,",
            "serves configuration sessions and prints state changes and security events."},
        footer = {"", "Examples:",
            "  spsec participant --store p2 --id 2 --keys site-keys.txt --bus udp:239.74.163.2:43113@lo",
            "  spsec participant --store p3 --id 3 --send 183=0102 --period 500 --print-data"})
public final class ParticipantCommand extends NodeCommand {
    @Override
    boolean sync() { return false; }
}
