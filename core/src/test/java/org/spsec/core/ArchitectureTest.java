package org.spsec.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the layering honest by reading the sources: the protocol packages are sans I/O (no
 * sockets, files, threads or wall clocks), and each package imports only the layers below it.
 */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src/main/java/org/spsec/core");

    /** Which project packages each package may import (besides itself). */
    private static final Map<String, List<String>> ALLOWED = Map.of(
            "bytes", List.of(),
            "crypto", List.of("bytes"),
            "model", List.of("bytes", "keys"),
            "time", List.of("bytes"),
            "keys", List.of("bytes", "crypto", "time"),
            "canfd", List.of("bytes", "model", "keys", "time"),
            "engine", List.of("bytes", "crypto", "keys", "time", "model", "canfd"),
            "store", List.of("bytes", "keys", "time"),
            "role", List.of("bytes", "crypto", "keys", "time", "model", "canfd", "engine"),
            "audit", List.of("bytes", "model", "role"));

    /** Forbidden in every package but store and audit: I/O, threads, wall-clock time, weak randomness. */
    private static final List<String> SANS_IO_FORBIDDEN = List.of(
            "java.net.", "java.nio.file.", "java.nio.channels.", "java.io.File", "java.util.concurrent.",
            "System.currentTimeMillis", "System.nanoTime", "Instant.now", "Thread.sleep", "new Thread",
            "java.util.Random;", "new Random(");

    @Test
    void packagesImportOnlyTheLayersBelowThem() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path file : sources()) {
            String pkg = topPackage(file);
            List<String> allowed = ALLOWED.get(pkg);
            assertThat(allowed).as("package %s has no layering rule", pkg).isNotNull();
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith("import org.spsec.core.") || line.startsWith("import static org.spsec.core.")) {
                    String target = line.replaceFirst("import (static )?org\\.spsec\\.core\\.", "").split("[.;]")[0];
                    if (!target.equals(pkg) && !allowed.contains(target)) {
                        violations.add(MAIN.relativize(file) + " imports " + target);
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void protocolPackagesAreSansIo() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path file : sources()) {
            if (topPackage(file).equals("store") || topPackage(file).equals("audit")) {
                continue;
            }
            String text = Files.readString(file);
            for (String forbidden : SANS_IO_FORBIDDEN) {
                if (text.contains(forbidden)) {
                    violations.add(MAIN.relativize(file) + " uses " + forbidden);
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> s = Files.walk(MAIN)) {
            return s.filter(p -> p.toString().endsWith(".java")).toList();
        }
    }

    private static String topPackage(Path file) {
        return MAIN.relativize(file).getName(0).toString();
    }
}
