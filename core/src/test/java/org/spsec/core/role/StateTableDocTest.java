package org.spsec.core.role;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.spsec.core.model.ParticipantState;

/**
 * The state table in {@code docs/ARCHITECTURE.md} is {@link StateTransition}: the same rows, in
 * the same order, with the same states and triggers. Change one, and this test says to change the
 * other.
 */
class StateTableDocTest {
    private static final Path DOC = Path.of("../docs/ARCHITECTURE.md");
    private static final String BEGIN = "<!-- state-table:begin (StateTransition; StateTableDocTest compares) -->";
    private static final String END = "<!-- state-table:end -->";

    static String row(StateTransition t) {
        return "| `" + t.name() + "` | " + t.from().stream().map(ParticipantState::name).collect(Collectors.joining(", "))
                + " | " + t.to().name() + " | " + t.trigger() + " |";
    }

    @Test
    void documentedTableIsTheCodeTable() throws IOException {
        List<String> lines = Files.readAllLines(DOC);
        int begin = lines.indexOf(BEGIN);
        int end = lines.indexOf(END);
        assertThat(begin).as("marker %s in %s", BEGIN, DOC).isNotNegative();
        assertThat(end).as("marker %s in %s", END, DOC).isGreaterThan(begin);
        List<String> rows = new ArrayList<>();
        for (String line : lines.subList(begin + 1, end)) {
            if (line.startsWith("| `")) {
                rows.add(line.strip());
            }
        }
        assertThat(rows).containsExactlyElementsOf(Arrays.stream(StateTransition.values()).map(StateTableDocTest::row).toList());
    }

    @Test
    void everyStateButShutdownIsReachedAndLeft() {
        for (ParticipantState s : ParticipantState.values()) {
            if (s == ParticipantState.SHUTDOWN) {
                continue; // SPEC names it; a participant reaches it only by powering off
            }
            boolean reached = s == ParticipantState.NOT_SET || Arrays.stream(StateTransition.values()).anyMatch(t -> t.to() == s);
            boolean left = Arrays.stream(StateTransition.values()).anyMatch(t -> t.allowedFrom(s));
            assertThat(reached).as("%s reached", s).isTrue();
            assertThat(left).as("%s left", s).isTrue();
        }
    }
}
