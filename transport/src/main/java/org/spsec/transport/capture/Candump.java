package org.spsec.transport.capture;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.spsec.core.canfd.CanFdLength;
import org.spsec.core.canfd.CanFrame;

/**
 * The candump log format ({@code candump -l}, read by {@code canplayer}):
 *
 * <pre>
 *   (1700000000.123456) can0 181#0102030405060708            classic, 11-bit
 *   (1700000000.123456) can0 12020A7B##1AABBCC...            CAN FD, 29-bit, flags digit (1 = BRS, 2 = ESI)
 * </pre>
 *
 * 11-bit identifiers have 3 hex digits, 29-bit ones 8. Remote frames ({@code #R}) are refused:
 * SPsec carries none. python-can's logger writes the same lines with a direction after the data
 * ({@code  R} received, {@code  T} transmitted); it is accepted and ignored.
 */
public final class Candump {
    /**
     * The longest line read (a CAN FD line of a candump or python-can log has under 200 bytes):
     * a longer one is refused where it passes this length, so input without newlines is never
     * buffered whole.
     */
    public static final int MAX_LINE_BYTES = 64 * 1024;

    private static final Pattern LINE = Pattern.compile(
            "^\\((\\d+)\\.(\\d{6})\\)\\s+(\\S+)\\s+([0-9A-Fa-f]{3}|[0-9A-Fa-f]{8})(##([0-9A-Fa-f])|#)([0-9A-Fa-f]*)(?:\\s+[RT])?\\s*$");
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private Candump() {}

    public static String format(CapturedFrame c) {
        CanFrame f = c.frame();
        long micros = Math.floorDiv(c.timeNanos(), 1000);
        String id = CanFrame.idText(f.id(), f.extended());
        String sep = f.fd() ? "##" + ((f.bitRateSwitch() ? 1 : 0)) : "#";
        return String.format(Locale.ROOT, "(%d.%06d) %s %s%s%s", Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000),
                c.iface(), id, sep, HEX.formatHex(f.data()));
    }

    public static void write(Writer out, CapturedFrame c) throws IOException {
        out.write(format(c));
        out.write('\n');
    }

    /** Parses one line ({@code lineNo} for messages). */
    public static CapturedFrame parse(String line, int lineNo) throws CaptureFormatException {
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            throw new CaptureFormatException(lineNo, "not a candump log line (expected '(seconds.micros) iface ID#data' or 'ID##Fdata')");
        }
        long nanos;
        try {
            nanos = Math.multiplyExact(Math.addExact(Math.multiplyExact(Long.parseLong(m.group(1)), 1_000_000L),
                    Long.parseLong(m.group(2))), 1000L);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new CaptureFormatException(lineNo, "timestamp out of range"); // found by CandumpFuzzTest
        }
        String idText = m.group(4);
        boolean extended = idText.length() == 8;
        int id = (int) Long.parseLong(idText, 16);
        String dataText = m.group(7);
        if (dataText.length() % 2 != 0) {
            throw new CaptureFormatException(lineNo, "odd number of hex digits in the data");
        }
        byte[] data = HexFormat.of().parseHex(dataText);
        boolean fd = m.group(6) != null;
        try {
            if (fd) {
                int flags = Integer.parseInt(m.group(6), 16);
                if (data.length > CanFdLength.MAX) {
                    throw new CaptureFormatException(lineNo, "CAN FD frame longer than 64 bytes (" + data.length + ")");
                }
                return new CapturedFrame(nanos, m.group(3), CanFrame.of(id, extended, true, (flags & 1) != 0, data));
            }
            return new CapturedFrame(nanos, m.group(3), CanFrame.of(id, extended, false, false, data));
        } catch (IllegalArgumentException e) {
            throw new CaptureFormatException(lineNo, e.getMessage());
        }
    }

    /**
     * A log read line by line from {@code in} (which the reader closes), with at most
     * {@link #MAX_LINE_BYTES} of a line in memory. Blank lines are skipped; a last line without a
     * newline (a capture cut off mid-line) is skipped and reported by {@link CaptureReader#truncated()},
     * since its data may be cut short and still parse. A line over the limit, or a byte that is not
     * ASCII text, is refused with its line and byte offset.
     */
    public static CaptureReader reader(InputStream in) {
        return new LogReader(in);
    }

    private static final class LogReader implements CaptureReader {
        private final InputStream in;
        private final byte[] buf = new byte[1 << 16];
        private final byte[] line = new byte[MAX_LINE_BYTES];
        private int pos;
        private int limit;
        private long offset; // of buf[pos] in the input
        private int lineNo;
        private boolean truncated;

        LogReader(InputStream in) {
            this.in = in;
        }

        private int read() throws IOException {
            if (pos == limit) {
                int n = in.read(buf, 0, buf.length);
                if (n <= 0) {
                    return -1;
                }
                pos = 0;
                limit = n;
            }
            offset++;
            return buf[pos++] & 0xFF;
        }

        @Override
        public CapturedFrame next() throws IOException, CaptureFormatException {
            while (true) {
                lineNo++;
                long start = offset;
                int len = 0;
                int b;
                while ((b = read()) >= 0 && b != '\n') {
                    if (b >= 0x7F || (b < 0x20 && b != '\t' && b != '\r')) {
                        boolean bom = offset == 1 && b == 0xEF;
                        throw new CaptureFormatException(lineNo, String.format("byte 0x%02X at byte offset %d: not a candump or python-can log"
                                + " (those are ASCII text%s)", b, offset - 1, bom ? "; remove the byte-order mark" : ""));
                    }
                    if (len == MAX_LINE_BYTES) {
                        throw new CaptureFormatException(lineNo, "longer than " + MAX_LINE_BYTES + " bytes (no newline between byte offsets "
                                + start + " and " + (offset - 1) + "): not a candump or python-can log");
                    }
                    line[len++] = (byte) b;
                }
                String text = new String(line, 0, len, java.nio.charset.StandardCharsets.ISO_8859_1);
                if (b < 0) {
                    truncated = !text.isBlank(); // no newline at the end: a capture cut off mid-line
                    return null;
                }
                if (!text.isBlank()) {
                    return parse(text.strip(), lineNo);
                }
            }
        }

        @Override
        public boolean truncated() { return truncated; }

        @Override
        public boolean pcap() { return false; }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** Reads a whole log; blank lines are skipped. */
    public static List<CapturedFrame> read(BufferedReader in) throws IOException, CaptureFormatException {
        return read(in, true);
    }

    /**
     * Reads a whole log. With {@code lastLineComplete} false (the file does not end with a
     * newline: a capture cut off mid-line), the last line is skipped, since its data may be cut
     * short and still parse.
     */
    public static List<CapturedFrame> read(BufferedReader in, boolean lastLineComplete) throws IOException, CaptureFormatException {
        List<CapturedFrame> out = new ArrayList<>();
        String line;
        String pending = null;
        int n = 0;
        while ((line = in.readLine()) != null) {
            if (pending != null && !pending.isBlank()) {
                out.add(parse(pending.strip(), n));
            }
            n++;
            pending = line;
        }
        if (pending != null && !pending.isBlank() && lastLineComplete) {
            out.add(parse(pending.strip(), n));
        }
        return out;
    }
}
