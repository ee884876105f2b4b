package org.spsec.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the layering honest by reading the sources: every package of the core is sans I/O (no
 * sockets, files, threads or wall clocks; file I/O lives in the store module), and each package
 * reaches, directly or through others, only the layers listed for it.
 */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src/main/java/org/spsec/core");

    /**
     * Which project packages each package may reach, directly or transitively (besides itself).
     * {@code model} is vocabulary on bytes only, so {@code canfd} (frame layout and message
     * codecs) never reaches crypto or keys.
     */
    private static final Map<String, List<String>> ALLOWED = Map.of(
            "bytes", List.of(),
            "crypto", List.of("bytes"),
            "model", List.of("bytes"),
            "time", List.of("bytes"),
            "keys", List.of("bytes", "crypto", "time", "model"),
            "canfd", List.of("bytes", "model", "time"),
            "engine", List.of("bytes", "crypto", "keys", "time", "model", "canfd"),
            "role", List.of("bytes", "crypto", "keys", "time", "model", "canfd", "engine"));

    /** Forbidden in every package: I/O, threads, wall-clock time, weak randomness. */
    private static final List<String> SANS_IO_FORBIDDEN = List.of(
            "java.net.", "java.nio.file.", "java.nio.channels.", "java.io.File", "java.util.concurrent.",
            "System.currentTimeMillis", "System.nanoTime", "Instant.now", "Thread.sleep", "new Thread",
            "java.util.Random;", "new Random(");

    /** A reference to another core package: an import line or a fully qualified name. */
    private static final Pattern REFERENCE = Pattern.compile("\\borg\\.spsec\\.core\\.([a-z]+)\\.");

    @Test
    void packagesUseOnlyTheLayersBelowThem() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Map.Entry<Path, Set<String>> e : references().entrySet()) {
            String pkg = topPackage(e.getKey());
            for (String target : e.getValue()) {
                if (!ALLOWED.get(pkg).contains(target)) {
                    violations.add(MAIN.relativize(e.getKey()) + " uses " + target);
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    /** Through other packages too: canfd must not reach crypto by way of some package it may use. */
    @Test
    void noPackageReachesALayerItMayNotUseThroughAnother() throws IOException {
        Map<String, Set<String>> edges = new TreeMap<>();
        references().forEach((file, targets) -> edges.computeIfAbsent(topPackage(file), k -> new TreeSet<>()).addAll(targets));
        List<String> violations = new ArrayList<>();
        for (String from : edges.keySet()) {
            // Breadth-first from each package, remembering how each reached package was reached.
            Map<String, String> via = new LinkedHashMap<>();
            Deque<String> queue = new ArrayDeque<>(List.of(from));
            while (!queue.isEmpty()) {
                String p = queue.poll();
                for (String q : edges.getOrDefault(p, Set.of())) {
                    if (!q.equals(from) && via.putIfAbsent(q, p) == null) {
                        queue.add(q);
                    }
                }
            }
            for (String reached : via.keySet()) {
                if (!ALLOWED.get(from).contains(reached)) {
                    violations.add(from + " reaches " + reached + path(via, from, reached));
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void theRulesThemselvesAreClosed() {
        ALLOWED.forEach((pkg, allowed) -> {
            for (String below : allowed) {
                assertThat(ALLOWED).as("%s may use %s, which has no rule", pkg, below).containsKey(below);
                assertThat(allowed).as("%s may use %s but not all that %s may use", pkg, below, below)
                        .containsAll(ALLOWED.get(below));
            }
        });
    }

    @Test
    void everyPackageIsSansIo() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path file : sources()) {
            String text = Files.readString(file);
            for (String forbidden : SANS_IO_FORBIDDEN) {
                if (text.contains(forbidden)) {
                    violations.add(MAIN.relativize(file) + " uses " + forbidden);
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    /** Each source file and the other core packages it refers to (its own package left out). */
    private static Map<Path, Set<String>> references() throws IOException {
        Map<Path, Set<String>> refs = new TreeMap<>();
        for (Path file : sources()) {
            String pkg = topPackage(file);
            assertThat(ALLOWED).as("package %s has no layering rule", pkg).containsKey(pkg);
            Set<String> targets = new TreeSet<>();
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith("package ")) {
                    continue;
                }
                Matcher m = REFERENCE.matcher(line);
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        targets.add(m.group(1));
                    }
                }
            }
            refs.put(file, targets);
        }
        return refs;
    }

    private static String path(Map<String, String> via, String from, String to) {
        List<String> steps = new ArrayList<>();
        for (String p = via.get(to); !p.equals(from); p = via.get(p)) {
            steps.addFirst(p);
        }
        return steps.isEmpty() ? " directly" : " via " + String.join(" -> ", steps);
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> s = Files.walk(MAIN)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    private static String topPackage(Path file) {
        return MAIN.relativize(file).getName(0).toString();
    }
}
