package org.spsec.store.audit;

import java.io.IOException;
import java.io.InputStream;
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

    /** Checks the chain of a log file, line by line: memory stays bounded whatever the file's size. */
    public static Result verify(Path file) throws IOException {
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            // a device or a pipe may never end (/dev/zero): only a file has a last line
            throw new java.nio.file.FileSystemException(file.toString(), null, "not a regular file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            LineScanner lines = new LineScanner(in);
            String expectedPrev = AuditLog.GENESIS;
            long n = 0;
            long broken = 0;
            String problem = null;
            while (lines.next()) {
                n++;
                if (broken != 0) {
                    continue; // only counted, for "line 5 of 118"
                }
                String line = lines.line();
                if (!lines.terminated()) {
                    problem = "the last line is incomplete";
                } else if (line == null) {
                    problem = lines.notUtf8() ? "not UTF-8 text: not an audit log line"
                            : "longer than " + LineScanner.MAX_LINE_BYTES + " bytes: not an audit log line";
                } else {
                    problem = check(line, n, expectedPrev);
                    expectedPrev = AuditLog.sha256(line);
                }
                if (problem != null) {
                    broken = n;
                }
            }
            return new Result(n, broken, problem);
        }
    }

    /** Why line {@code n} does not chain to its predecessor, or null if it does. */
    private static String check(String line, long n, String expectedPrev) {
        Matcher prev = PREV.matcher(line);
        Matcher seq = SEQ.matcher(line);
        if (!prev.find() || !seq.find()) {
            return "not an audit log line";
        }
        if (!seq.group(1).equals(Long.toString(n))) {
            return "sequence number " + seq.group(1) + " where " + n + " was expected";
        }
        if (!prev.group(1).equals(expectedPrev)) {
            return n == 1 ? "the first line does not start the chain"
                    : "does not chain to line " + (n - 1) + " (that line, or this one, was changed, removed or reordered)";
        }
        return null;
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
            String problem = check(line, n, expectedPrev);
            if (problem != null) {
                return new Result(lines.size(), n, problem);
            }
            expectedPrev = AuditLog.sha256(line);
        }
        return new Result(lines.size(), 0, null);
    }
}
