package org.spsec.transport.capture;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * A capture read frame by frame, with memory bounded whatever the input (a capture of any length,
 * a file with no newline, {@code /dev/zero}): candump and python-can logs line by line, each line
 * at most {@link Candump#MAX_LINE_BYTES}; pcap packet by packet. The format is told by the first bytes.
 */
public interface CaptureReader extends Closeable {
    /** The next frame, or null at the end of the capture. */
    CapturedFrame next() throws IOException, CaptureFormatException;

    /** Once {@link #next()} returned null: whether the last line or packet was cut off (and so skipped). */
    boolean truncated();

    /** Whether this is a pcap capture (else a text log). */
    boolean pcap();

    /**
     * Reads a pcap file (link type 227) or a candump / python-can log, told apart by their first
     * bytes; the reader owns {@code in} and closes it.
     *
     * @param pcapIface the interface name given to frames from a pcap file (it records none)
     */
    static CaptureReader open(InputStream in, String pcapIface) throws IOException, CaptureFormatException {
        BufferedInputStream b = new BufferedInputStream(in, 1 << 16);
        b.mark(4);
        byte[] head = b.readNBytes(4);
        b.reset();
        try {
            return PcapReader.looksLikePcap(head) ? PcapReader.reader(b, pcapIface) : Candump.reader(b);
        } catch (IOException | CaptureFormatException | RuntimeException e) {
            b.close();
            throw e;
        }
    }
}
