package org.spsec.store.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.role.NodeEvent;

class AuditLogTest {
    @TempDir
    Path tmp;

    private Path writeLog(int entries) throws IOException {
        Path file = tmp.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.open(file)) {
            for (int i = 0; i < entries; i++) {
                NodeEvent e = i % 2 == 0
                        ? new NodeEvent.SecurityEventRaised(i, 3, 0xEF05, "heartbeat of P5 missing for 2.5 cycles", ParticipantState.WARNING, null)
                        : new NodeEvent.StateChanged(i, 3, ParticipantState.SECURE, ParticipantState.WARNING, "security event \"EF05h\"");
                log.append(AuditEntry.of("2026-11-24T17:00:0" + i + "Z", e));
            }
        }
        return file;
    }

    @Test
    void writesOwnerOnlyJsonLinesThatChain() throws IOException {
        Path file = writeLog(6);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(6);
        assertThat(lines.get(0)).isEqualTo("{\"seq\":1,\"time\":\"2026-11-24T17:00:00Z\",\"participant\":3,\"state\":\"warning\","
                + "\"event\":\"EF05\",\"name\":\"heartbeat-missing\",\"details\":\"event EF05h heartbeat-missing: heartbeat of P5 missing for 2.5 cycles\","
                + "\"prev\":\"" + "0".repeat(64) + "\"}");
        assertThat(lines.get(1)).contains("\"event\":null,\"name\":\"state-change\"").contains("\\\"EF05h\\\"");
        assertThat(AuditVerifier.verify(file).intact()).isTrue();
    }

    @Test
    void reportsTheFirstLineThatDoesNotChain() throws IOException {
        Path file = writeLog(6);
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(2, lines.get(2).replace("P5", "P6"));
        Files.write(file, lines);
        AuditVerifier.Result r = AuditVerifier.verify(file);
        assertThat(r.intact()).isFalse();
        assertThat(r.brokenLine()).isEqualTo(4);

        lines = new ArrayList<>(Files.readAllLines(writeLogAgain()));
        lines.remove(1);
        Files.write(file, lines);
        assertThat(AuditVerifier.verify(file).brokenLine()).isEqualTo(2);
    }

    private Path writeLogAgain() throws IOException {
        Files.delete(tmp.resolve("audit.jsonl"));
        return writeLog(6);
    }

    @Test
    void reopeningContinuesTheChainAndCutsATornLine() throws IOException {
        Path file = writeLog(3);
        Files.writeString(file, "{\"seq\":4,\"time\":\"2026", StandardOpenOption.APPEND); // crash mid-line
        assertThat(AuditVerifier.verify(file).problem()).isEqualTo("the last line is incomplete");
        try (AuditLog log = AuditLog.open(file)) {
            log.append(AuditEntry.of("t", new NodeEvent.SecurityEventRaised(9, 1, 0xEE00, "data", ParticipantState.SECURE, null)));
        }
        assertThat(Files.readAllLines(file)).hasSize(4);
        assertThat(AuditVerifier.verify(file).intact()).isTrue();
    }

    /** verify and reopen read line by line: a line with no end (or a device that never ends) is reported, not buffered whole. */
    @Test
    void aLineThatIsNotUtf8BreaksTheChainRatherThanDecodingLikeAnother() throws IOException {
        // Lenient decoding would read a lone FFh as U+FFFD, the same text as the bytes EF BF BD.
        Path file = writeLog(2);
        byte[] bytes = Files.readAllBytes(file);
        int at = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("\"seq\":2");
        bytes[at + 3] = (byte) 0xFF;
        Files.write(file, bytes);
        AuditVerifier.Result r = AuditVerifier.verify(file);
        org.assertj.core.api.Assertions.assertThat(r.brokenLine()).isEqualTo(2);
        org.assertj.core.api.Assertions.assertThat(r.problem()).contains("not UTF-8");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AuditLog.open(file)).hasMessageContaining("not UTF-8");
    }

    @Test
    void hostileLogsAreReadWithBoundedMemory() throws IOException {
        Path file = writeLog(3);
        byte[] endless = new byte[LineScanner.MAX_LINE_BYTES * 3];
        java.util.Arrays.fill(endless, (byte) 'a');
        Files.write(file, endless, StandardOpenOption.APPEND);
        Files.writeString(file, "\n", StandardOpenOption.APPEND);
        AuditVerifier.Result r = AuditVerifier.verify(file);
        assertThat(r.brokenLine()).isEqualTo(4);
        assertThat(r.lines()).isEqualTo(4);
        assertThat(r.problem()).isEqualTo("longer than 65536 bytes: not an audit log line");
        assertThatThrownBy(() -> AuditLog.open(file)).hasMessageContaining("line 4 is longer than 65536 bytes: not an audit log");
        Path zero = Path.of("/dev/zero");
        if (Files.exists(zero)) {
            assertThatThrownBy(() -> AuditVerifier.verify(zero)).hasMessageContaining("not a regular file");
            assertThatThrownBy(() -> AuditLog.open(zero)).hasMessageContaining("not a regular file");
        }
        // the streamed check agrees with the whole-text one on an intact and a broken log
        Path again = writeLogAgain();
        assertThat(AuditVerifier.verify(again)).isEqualTo(AuditVerifier.verifyText(Files.readString(again)));
        List<String> lines = new ArrayList<>(Files.readAllLines(again));
        lines.set(2, lines.get(2).replace("\"seq\":3", "\"seq\":30"));
        Files.write(again, lines);
        assertThat(AuditVerifier.verify(again)).isEqualTo(AuditVerifier.verifyText(Files.readString(again)));
        assertThat(AuditVerifier.verify(again).problem()).isEqualTo("sequence number 30 where 3 was expected");
    }

    @Test
    void aWarningIsAuditedAndAPlainNoticeIsNot() {
        AuditEntry warning = AuditEntry.of("t", new NodeEvent.Notice(1, 2, "trust on first use", true, ParticipantState.CONFIGURATION));
        assertThat(warning).isNotNull();
        assertThat(warning.name()).isEqualTo("warning");
        assertThat(warning.state()).isEqualTo("configuration");
        assertThat(AuditEntry.of("t", new NodeEvent.Notice(1, 2, "a note", false, ParticipantState.SECURE))).isNull();
    }
}
