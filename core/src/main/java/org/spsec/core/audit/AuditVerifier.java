package org.spsec.core.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks the chain of an {@link AuditLog}: reports the first line that does not chain, if any. */
public final class AuditVerifier {
    /** {@code brokenLine} is 0 when intact (1-based otherwise). */
    public record Result(long lines, long brokenLine, String problem) {
        public boolean intact() { return brokenLine == 0; }
    }

    private static final Pattern PREV = Pattern.compile(",\"prev\":\"([0-9a-f]{64})\"}$");
    private static final Pattern SEQ = Pattern.compile("^\\{\"seq\":(\\d+),");

    private AuditVerifier() {}

    public static Result verify(Path file) throws IOException {
        return verifyText(Files.readString(file, StandardCharsets.UTF_8));
    }

    /** Checks the chain of a log's whole text. */
    public static Result verifyText(String content) {
        List<String> lines = content.lines().toList();
        String expectedPrev = AuditLog.GENESIS;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            long n = i + 1;
            if (i == lines.size() - 1 && !content.endsWith("\n")) {
                return new Result(lines.size(), n, "the last line is incomplete");
            }
            Matcher prev = PREV.matcher(line);
            Matcher seq = SEQ.matcher(line);
            if (!prev.find() || !seq.find()) {
                return new Result(lines.size(), n, "not an audit log line");
            }
            if (Long.parseLong(seq.group(1)) != n) {
                return new Result(lines.size(), n, "sequence number " + seq.group(1) + " where " + n + " was expected");
            }
            if (!prev.group(1).equals(expectedPrev)) {
                return new Result(lines.size(), n, n == 1 ? "the first line does not start the chain"
                        : "does not chain to line " + (n - 1) + " (that line, or this one, was changed, removed or reordered)");
            }
            expectedPrev = AuditLog.sha256(line);
        }
        return new Result(lines.size(), 0, null);
    }
}
