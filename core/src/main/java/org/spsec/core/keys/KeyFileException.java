package org.spsec.core.keys;

/** A key file that cannot be imported; the message names the line and the problem, never a key. */
public final class KeyFileException extends Exception {
    private final int line;

    public KeyFileException(int line, String problem) {
        super("line " + line + ": " + problem);
        this.line = line;
    }

    /** A problem with the file as a whole (its size, its bytes): no line to name, or the line is in the message. */
    public KeyFileException(String problem) {
        super(problem);
        this.line = 0;
    }

    /** The 1-based line, or 0 for a problem with the whole file. */
    public int line() { return line; }
}
