package org.spsec.core.keys;

/** A key file that cannot be imported; the message names the line and the problem, never a key. */
public final class KeyFileException extends Exception {
    private final int line;

    public KeyFileException(int line, String problem) {
        super("line " + line + ": " + problem);
        this.line = line;
    }

    public int line() { return line; }
}
