package org.spsec.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the time of the runtime and the transports injectable, by reading their main sources:
 * only {@code transport.SystemClock} reads the real clocks; everything else asks a
 * {@code NodeClock} (a bus's {@code clock()}), so the node loop runs in virtual time in tests.
 * Waits in real time (a selector's, a socket's receive time-out, a queue's poll) are no clock
 * reads and are allowed; their deadlines are computed on the clock.
 */
class ClockSourceTest {
    private static final List<Path> MAIN = List.of(Path.of("src/main/java"), Path.of("../transport/src/main/java"));

    /** Reads of the real clocks (and sleeps, which assume them), each matched where no letter precedes it. */
    private static final List<String> CLOCK_READS = List.of(
            "System.nanoTime", "System.currentTimeMillis", "Instant.now", "Clock.system", "LocalDateTime.now",
            "LocalDate.now", "ZonedDateTime.now", "OffsetDateTime.now", "LocalTime.now", "new Date()", "Thread.sleep",
            "TimeUnit.NANOSECONDS.sleep", "TimeUnit.MILLISECONDS.sleep", "TimeUnit.SECONDS.sleep");

    /** The only files allowed to read them. */
    private static final Set<String> ALLOWED = Set.of("org/spsec/transport/SystemClock.java");

    @Test
    void onlyTheSystemClockReadsTheRealClocks() throws IOException {
        List<String> violations = new ArrayList<>();
        int files = 0;
        for (Path root : MAIN) {
            assertThat(root).as("source root %s", root).isDirectory();
            try (Stream<Path> s = Files.walk(root)) {
                for (Path file : s.filter(p -> p.toString().endsWith(".java")).toList()) {
                    files++;
                    String name = root.relativize(file).toString().replace('\\', '/');
                    if (ALLOWED.contains(name)) {
                        continue;
                    }
                    String code = withoutComments(Files.readString(file));
                    for (String read : CLOCK_READS) {
                        if (java.util.regex.Pattern.compile("(?<!\\w)" + java.util.regex.Pattern.quote(read)).matcher(code).find()) {
                            violations.add(name + " uses " + read);
                        }
                    }
                }
            }
        }
        assertThat(files).as("sources read").isGreaterThan(10);
        assertThat(violations).isEmpty();
        assertThat(withoutComments(Files.readString(Path.of("../transport/src/main/java/org/spsec/transport/SystemClock.java"))))
                .as("the system clock is where the real clocks are read").contains("System.nanoTime").contains("Instant.now");
    }

    @Test
    void commentsAreNotCode() {
        assertThat(withoutComments("a /* System.nanoTime */ b // Instant.now\nc \"//x\"")).isEqualTo("a  b \nc \"//x\"");
    }

    /** The source without its comments (string literals kept as they are). */
    static String withoutComments(String src) {
        StringBuilder out = new StringBuilder(src.length());
        int i = 0;
        while (i < src.length()) {
            char c = src.charAt(i);
            if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < src.length() && src.charAt(j) != c) {
                    j += src.charAt(j) == '\\' ? 2 : 1;
                }
                j = Math.min(j + 1, src.length());
                out.append(src, i, j);
                i = j;
            } else if (src.startsWith("//", i)) {
                int end = src.indexOf('\n', i);
                i = end < 0 ? src.length() : end;
            } else if (src.startsWith("/*", i)) {
                int end = src.indexOf("*/", i + 2);
                i = end < 0 ? src.length() : end + 2;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
