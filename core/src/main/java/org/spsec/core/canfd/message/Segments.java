package org.spsec.core.canfd.message;

/**
 * The data sizes of the segmented register transfer (SPEC 7), the same on both sides of a
 * configuration session: the participant's session server fills Read Segment responses to them,
 * and the Configurator's session client cuts Write Segment requests to them.
 */
public final class Segments {
    /** Data bytes per Read Segment response: 56 + 8-byte tag = one 64-byte frame. */
    public static final int READ_SEGMENT_DATA = 56;
    /** Data bytes per Write Segment request (sent unfilled: data + tag, e.g. 40 bytes). */
    public static final int WRITE_SEGMENT_DATA = 32;

    private Segments() {}
}
