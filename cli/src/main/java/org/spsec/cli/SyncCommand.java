package org.spsec.cli;

import picocli.CommandLine.Command;

/** {@code spsec sync}. */
@Command(name = "sync", mixinStandardHelpOptions = true,
        description = {"Run the Sync role (a participant with register 63h = 1) until Ctrl-C (or --duration).",
            "It owns the group clock, answers time requests and broadcasts time every 10 s. Its timestamp",
            "never repeats across restarts (a high-water mark in the store)."},
        footer = {"", "Example:", "  spsec sync --store sync --id 1 --keys site-keys.txt --bus udp:239.74.163.2:43113@lo"})
public final class SyncCommand extends NodeCommand {
    @Override
    boolean sync() { return true; }
}
