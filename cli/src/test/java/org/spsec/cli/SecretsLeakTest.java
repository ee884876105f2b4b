package org.spsec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spsec.core.bytes.Hex;
import org.spsec.core.keys.KeyFile;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;

/**
 * Runs what the suite's commands produce (demo output, audit logs, captures, node output, inspect
 * output, error messages) and searches all of it for any key or salt, in hex of either case and in
 * 6-byte windows (so a partial leak is caught too). Only the key file may hold them.
 */
class SecretsLeakTest {
    @TempDir
    Path tmp;

    private final List<String> produced = new ArrayList<>();

    private void run(String... args) {
        CliRun r = CliRun.of(args);
        produced.add(r.out);
        produced.add(r.err);
    }

    @Test
    void noKeyOrSaltAppearsInAnyOutputLogOrMessage() throws Exception {
        Path d = tmp.resolve("d");
        run("demo", "--seed", "99", "--minutes", "1", "--out", d.toString());
        Path keys = d.resolve("keys.txt");
        run("inspect", "--keys", keys.toString(), d.resolve("capture.log").toString());
        run("inspect", "--json", "--keys", keys.toString(), d.resolve("capture.log").toString());
        run("sync", "--store", tmp.resolve("s").toString(), "--id", "1", "--keys", keys.toString(), "--bus", "mem", "--duration", "1",
                "--audit", tmp.resolve("s.jsonl").toString(), "--capture", tmp.resolve("s.log").toString());
        // Bad inputs: their messages must not echo key material either.
        String text = Files.readString(keys);
        Path broken = Files.writeString(tmp.resolve("broken.txt"), text.replace("seed_salt:", "seed_salt:zz"));
        run("inspect", "--keys", broken.toString(), d.resolve("capture.log").toString());
        Path truncated = Files.writeString(tmp.resolve("truncated.txt"), text.replaceAll("(seed_key:[0-9a-f]{60})[0-9a-f]{4}", "$1"));
        run("sync", "--store", tmp.resolve("s2").toString(), "--id", "1", "--keys", truncated.toString(), "--bus", "mem", "--duration", "1");
        for (Path p : new Path[] {d.resolve("audit.jsonl"), d.resolve("capture.log"), tmp.resolve("s.jsonl"), tmp.resolve("s.log")}) {
            produced.add(Files.readString(p));
        }
        try (Stream<Path> regs = Files.walk(tmp.resolve("s/registers"))) {
            for (Path p : regs.filter(Files::isRegularFile).toList()) {
                produced.add(Files.readString(p));
            }
        }

        Map<RootKeyKind, RootKey> secrets = KeyFile.parse(text);
        assertThat(secrets).containsKeys(RootKeyKind.INTEGRATOR, RootKeyKind.SEED);
        List<String> needles = new ArrayList<>();
        for (RootKey k : secrets.values()) {
            windows(needles, Hex.of(k.key().copyBytes()));
            windows(needles, Hex.of(k.salt().copyBytes()));
            produced.add(k.toString() + k.key() + k.salt());
        }
        String all = String.join("\n", produced);
        String lower = all.toLowerCase(Locale.ROOT);
        for (String n : needles) {
            assertThat(lower).as("a key or salt fragment leaked").doesNotContain(n);
        }
        assertThat(all).contains("RESULT: PASS").contains("line "); // the runs really happened, errors included
    }

    /** Every 6-byte (12 hex digit) window of a secret. */
    private static void windows(List<String> out, String hex) {
        for (int i = 0; i + 12 <= hex.length(); i += 2) {
            out.add(hex.substring(i, i + 12));
        }
    }
}
