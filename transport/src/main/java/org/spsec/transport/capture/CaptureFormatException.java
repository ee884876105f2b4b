package org.spsec.transport.capture;

/** A capture line (or pcap packet) that cannot be read; the message names it. */
public final class CaptureFormatException extends Exception {
    private final int line;

    public CaptureFormatException(int line, String problem) {
        this("line", line, problem);
    }

    /** @param unit what {@code line} counts: "line" in text captures, "packet" in pcap files */
    public CaptureFormatException(String unit, int line, String problem) {
        super(unit + " " + line + ": " + problem);
        this.line = line;
    }

    public int line() { return line; }
}
