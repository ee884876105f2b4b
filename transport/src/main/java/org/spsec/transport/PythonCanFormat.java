package org.spsec.transport;

import java.io.IOException;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;
import org.spsec.core.canfd.CanFrame;

/**
 * python-can's udp_multicast datagram (4.x). Any data length up to 64 (8 for classic CAN) is
 * carried as it is, and bit 31 of the arbitration ID (SocketCAN's extended flag, which the
 * reference sets) is masked off and read as "extended". The datagram: one msgpack map of the message's fields,
 * {@code timestamp} (float seconds), {@code arbitration_id}, {@code is_extended_id},
 * {@code is_remote_frame}, {@code is_error_frame}, {@code channel} (nil), {@code dlc} (the data
 * length in bytes), {@code data} (binary), {@code is_fd}, {@code bitrate_switch},
 * {@code error_state_indicator}.
 */
public final class PythonCanFormat {
    /**
     * Buffers sized for a CAN frame's datagram (about 220 bytes for 64 data bytes; a packer grows
     * past its buffer, and a string longer than the decoding buffer is decoded in pieces, so these
     * sizes bound nothing but the allocation): msgpack-core's defaults
     * (8 KiB for a packer, 8 KiB for decoding strings) made every frame sent or received allocate
     * 9 and 17 KB, and the garbage collector pause with them.
     */
    private static final MessagePack.PackerConfig PACKER = new MessagePack.PackerConfig().withBufferSize(256);
    private static final MessagePack.UnpackerConfig UNPACKER = new MessagePack.UnpackerConfig().withStringDecoderBufferSize(64);

    private PythonCanFormat() {}

    public static byte[] encode(CanFrame f, double timestampSeconds) {
        try (MessageBufferPacker p = PACKER.newBufferPacker()) {
            p.packMapHeader(11);
            p.packString("timestamp").packDouble(timestampSeconds);
            p.packString("arbitration_id").packInt(f.id());
            p.packString("is_extended_id").packBoolean(f.extended());
            p.packString("is_remote_frame").packBoolean(false);
            p.packString("is_error_frame").packBoolean(false);
            p.packString("channel").packNil();
            p.packString("dlc").packInt(f.length());
            byte[] data = f.data();
            p.packString("data").packBinaryHeader(data.length).writePayload(data);
            p.packString("is_fd").packBoolean(f.fd());
            p.packString("bitrate_switch").packBoolean(f.bitRateSwitch());
            p.packString("error_state_indicator").packBoolean(false);
            return p.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("msgpack into memory cannot fail", e);
        }
    }

    /** The frame in a datagram, or null for remote and error frames (SPsec carries none). */
    public static CanFrame decode(byte[] datagram, int length) throws IOException {
        int id = -1;
        boolean sawId = false;
        boolean extended = false;
        boolean fd = false;
        boolean brs = false;
        boolean special = false;
        byte[] data = new byte[0];
        try (MessageUnpacker u = UNPACKER.newUnpacker(datagram, 0, length)) {
            int n = u.unpackMapHeader();
            for (int i = 0; i < n; i++) {
                String key = u.unpackString();
                ValueType t = u.getNextFormat().getValueType();
                switch (key) {
                    case "arbitration_id" -> {
                        id = (int) u.unpackLong();
                        sawId = true;
                    }
                    case "is_extended_id" -> extended = u.unpackBoolean();
                    case "is_fd" -> fd = u.unpackBoolean();
                    case "bitrate_switch" -> brs = u.unpackBoolean();
                    case "is_remote_frame", "is_error_frame" -> special |= t == ValueType.BOOLEAN && u.unpackBoolean();
                    case "data" -> {
                        if (t == ValueType.BINARY) {
                            data = u.readPayload(u.unpackBinaryHeader());
                        } else if (t == ValueType.ARRAY) {
                            int len = u.unpackArrayHeader();
                            data = new byte[len];
                            for (int j = 0; j < len; j++) {
                                data[j] = (byte) u.unpackInt();
                            }
                        } else {
                            u.skipValue();
                        }
                    }
                    default -> u.skipValue();
                }
            }
        } catch (RuntimeException e) {
            throw new IOException("not a python-can datagram: " + e.getMessage(), e);
        }
        if (id == -1 && !sawId) {
            throw new IOException("not a python-can datagram: no arbitration_id");
        }
        if ((id & 0x8000_0000) != 0) {
            // The reference sets SocketCAN's CAN_EFF_FLAG (bit 31) even on this bus: an extended frame (SPEC 5).
            id &= 0x1FFF_FFFF;
            extended = true;
        }
        if (data.length > (fd ? 64 : 8)) {
            throw new IOException("python-can datagram with " + data.length + " data bytes (at most " + (fd ? 64 : 8) + ")");
        }
        if (special) {
            return null;
        }
        try {
            return CanFrame.of(id, extended, fd, fd && brs, data);
        } catch (IllegalArgumentException e) {
            throw new IOException("python-can datagram with an invalid frame: " + e.getMessage());
        }
    }
}
