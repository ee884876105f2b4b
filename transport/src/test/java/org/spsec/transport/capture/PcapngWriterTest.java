package org.spsec.transport.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spsec.core.bytes.Hex;
import org.spsec.core.canfd.CanFrame;

class PcapngWriterTest {
    @TempDir
    Path tmp;

    private static final CapturedFrame FD29 = new CapturedFrame(1_700_000_000_123_456_789L, "can0",
            CanFrame.extended(0x12020A7B, Hex.parse("7afcab0909f2f7c0c674495f")));
    private static final CapturedFrame FD11 = new CapturedFrame(1_700_000_001_000_000_005L, "can0",
            CanFrame.fd(0x181, false, Hex.parse("71779968c0bb348a67b2ab299b1ee6053f78bcec")));
    private static final CapturedFrame NINE = new CapturedFrame(1_700_000_002_000_000_000L, "can0",
            CanFrame.fd(0x1E00_0582, true, new byte[9]));

    private static byte[] write(String... comments) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PcapngWriter w = new PcapngWriter(bytes)) {
            w.write(FD29, comments[0]);
            w.write(FD11, comments[1]);
            w.write(NINE, comments[2]);
        }
        return bytes.toByteArray();
    }

    /** Walks the blocks: each total length is repeated at its end and a multiple of 4; the EPB fields are where the draft puts them. */
    @Test
    void blocksAreWellFormed() throws Exception {
        ByteBuffer b = ByteBuffer.wrap(write("data 0x12020A7B: ok", null, "x")).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(0)).isEqualTo(0x0A0D0D0A);
        assertThat(b.getInt(8)).isEqualTo(0x1A2B3C4D);
        int[] types = new int[5];
        int n = 0;
        int pos = 0;
        while (pos < b.limit()) {
            int type = b.getInt(pos);
            int len = b.getInt(pos + 4);
            assertThat(len % 4).isZero();
            assertThat(b.getInt(pos + len - 4)).isEqualTo(len);
            types[n++] = type;
            if (type == 1) {
                assertThat(b.getShort(pos + 8)).isEqualTo((short) 227);
                assertThat(b.getShort(pos + 16)).isEqualTo((short) 9); // if_tsresol
                assertThat(b.get(pos + 20)).isEqualTo((byte) 9);
            }
            if (type == 6 && n == 3) {
                long t = ((long) b.getInt(pos + 12) << 32) | (b.getInt(pos + 16) & 0xFFFF_FFFFL);
                assertThat(t).isEqualTo(FD29.timeNanos());
                assertThat(b.getInt(pos + 20)).isEqualTo(20).isEqualTo(b.getInt(pos + 24));
                assertThat(b.order(ByteOrder.BIG_ENDIAN).getInt(pos + 28)).isEqualTo(0x92020A7B);
                b.order(ByteOrder.LITTLE_ENDIAN);
                assertThat(b.getShort(pos + 48)).isEqualTo((short) 1); // opt_comment after the 20-byte packet
                assertThat(b.getShort(pos + 50)).isEqualTo((short) 19);
                assertThat(new String(b.array(), pos + 52, 19, StandardCharsets.UTF_8)).isEqualTo("data 0x12020A7B: ok");
            }
            pos += len;
        }
        assertThat(n).isEqualTo(5);
        assertThat(types).containsExactly(0x0A0D0D0A, 1, 6, 6, 6);
    }

    /** Wireshark's reader agrees: frames, nanosecond timestamps and comments read back, where tshark is installed. */
    @Test
    void tsharkReadsTheCommentsBack() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/tshark")), "tshark is not installed: skipping the Wireshark check");
        Path file = tmp.resolve("bus.pcapng");
        Files.write(file, write("data 0x12020A7B: ok payload 0102", "µ-unicode, and\ttab", null));
        Process p = new ProcessBuilder("/usr/bin/tshark", "-r", file.toString(), "-T", "fields", "-E", "separator=|",
                "-e", "frame.time_epoch", "-e", "can.id", "-e", "can.len", "-e", "frame.comment")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out.lines().toList()).containsExactly(
                "1700000000.123456789|302123643|12|data 0x12020A7B: ok payload 0102",
                "1700000001.000000005|385|20|µ-unicode, and\\ttab",
                "1700000002.000000000|503317890|9|");
    }
}
