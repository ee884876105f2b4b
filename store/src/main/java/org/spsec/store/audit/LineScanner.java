package org.spsec.store.audit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The lines of an audit log, read with bounded memory: at most {@link #MAX_LINE_BYTES} of a line
 * are kept, and a longer line is reported as such (and skipped) instead of being buffered, so a
 * log of any size, or a file with no newline at all, never exhausts memory.
 */
final class LineScanner {
    /** An audit line is a few hundred bytes; anything past this is not one. */
    static final int MAX_LINE_BYTES = 64 * 1024;

    private final InputStream in;
    private final byte[] buf = new byte[1 << 16];
    private final byte[] line = new byte[MAX_LINE_BYTES];
    private int pos;
    private int limit;
    private long offset;
    private long lineEnd;
    private int length;
    private boolean tooLong;
    private boolean terminated;

    LineScanner(InputStream in) {
        this.in = in;
    }

    /** Reads the next line; false at the end of the input (no byte left). */
    boolean next() throws IOException {
        length = 0;
        tooLong = false;
        terminated = false;
        boolean any = false;
        while (true) {
            if (pos == limit) {
                int n = in.read(buf, 0, buf.length);
                if (n <= 0) {
                    return any;
                }
                pos = 0;
                limit = n;
            }
            any = true;
            byte b = buf[pos++];
            offset++;
            if (b == '\n') {
                terminated = true;
                lineEnd = offset;
                return true;
            }
            if (length == MAX_LINE_BYTES) {
                tooLong = true;
            } else {
                line[length++] = b;
            }
        }
    }

    /**
     * The line just read (without its newline), or null if it was longer than {@link #MAX_LINE_BYTES}
     * or is not UTF-8 ({@link #notUtf8()}). Decoding is strict: the hash chain is over the text, and
     * two different byte sequences must never decode to the same text.
     */
    String line() {
        if (tooLong) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(line, 0, length)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    /** Whether the line just read is within the length limit but not valid UTF-8. */
    boolean notUtf8() {
        return !tooLong && line() == null;
    }

    /** Whether the line just read ended with a newline (else the input ended in it). */
    boolean terminated() { return terminated; }

    /** The byte offset just past the last newline read (0 if none). */
    long endOfLastCompleteLine() { return lineEnd; }
}
