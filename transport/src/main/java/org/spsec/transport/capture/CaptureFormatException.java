package org.spsec.transport.capture;

/** A capture line that cannot be read; the message names the line. */
public final class CaptureFormatException extends Exception {
    private final int line;

    public CaptureFormatException(int line, String problem) {
        super("line " + line + ": " + problem);
        this.line = line;
    }

    public int line() { return line; }
}
