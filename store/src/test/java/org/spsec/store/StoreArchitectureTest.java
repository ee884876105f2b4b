package org.spsec.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layering of the store module, read from the sources as the core's {@code ArchitectureTest}
 * does: the key store works on key material and never sees the protocol's roles; the audit log
 * records the roles' events and never touches keys; neither starts threads (the audit appender
 * that owns one is the runtime's).
 */
class StoreArchitectureTest {
    private static final Path MAIN = Path.of("src/main/java/org/spsec/store");

    /** Which core packages each package of this module may use; other modules none. */
    private static final Map<String, List<String>> ALLOWED = Map.of(
            "store", List.of("bytes", "keys", "time", "model"),
            "audit", List.of("bytes", "model", "role"));

    private static final Pattern REFERENCE = Pattern.compile("\\borg\\.spsec\\.([a-z]+(?:\\.[a-z]+)?)\\.");

    private static final List<String> FORBIDDEN = List.of("java.net.", "java.util.concurrent.", "new Thread", "Thread.sleep");

    @Test
    void packagesUseOnlyTheCoreLayersTheyNeed() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path file : sources()) {
            String pkg = pkg(file);
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith("package ")) {
                    continue;
                }
                Matcher m = REFERENCE.matcher(line);
                while (m.find()) {
                    String target = m.group(1);
                    if (!allowed(pkg, target)) {
                        violations.add(MAIN.relativize(file) + " uses org.spsec." + target);
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void noThreadsOrSockets() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path file : sources()) {
            String text = Files.readString(file);
            for (String forbidden : FORBIDDEN) {
                if (text.contains(forbidden)) {
                    violations.add(MAIN.relativize(file) + " uses " + forbidden);
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    /** Whether {@code pkg} may refer to {@code org.spsec.<target>}: the core layers listed, and only itself here. */
    private static boolean allowed(String pkg, String target) {
        if (target.startsWith("core.")) {
            return ALLOWED.get(pkg).contains(target.substring("core.".length()));
        }
        return target.equals(pkg.equals("store") ? "store" : "store." + pkg);
    }

    /** {@code store} for org.spsec.store, {@code audit} for org.spsec.store.audit. */
    private static String pkg(Path file) {
        Path rel = MAIN.relativize(file);
        return rel.getNameCount() == 1 ? "store" : rel.getName(0).toString();
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> s = Files.walk(MAIN)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }
}
