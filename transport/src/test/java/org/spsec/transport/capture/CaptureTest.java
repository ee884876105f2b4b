package org.spsec.transport.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spsec.core.bytes.Hex;
import org.spsec.core.canfd.CanFrame;

class CaptureTest {
    @TempDir
    Path tmp;

    private static final CapturedFrame FD29 = new CapturedFrame(1_700_000_000_123_456_000L, "can0",
            CanFrame.extended(0x12020A7B, Hex.parse("7afcab0909f2f7c0c674495f")));
    private static final CapturedFrame FD11 = new CapturedFrame(5_000L, "vcan0",
            CanFrame.fd(0x181, false, Hex.parse("71779968c0bb348a67b2ab299b1ee6053f78bcec")));
    private static final CapturedFrame CLASSIC = new CapturedFrame(2_000_000_000L, "can1",
            CanFrame.of(0x7FF, false, false, false, Hex.parse("0102")));

    @Test
    void candumpLinesBothWays() throws Exception {
        assertThat(Candump.format(FD29)).isEqualTo("(1700000000.123456) can0 12020A7B##17AFCAB0909F2F7C0C674495F");
        assertThat(Candump.format(FD11)).isEqualTo("(0.000005) vcan0 181##171779968C0BB348A67B2AB299B1EE6053F78BCEC");
        assertThat(Candump.format(CLASSIC)).isEqualTo("(2.000000) can1 7FF#0102");
        for (CapturedFrame c : List.of(FD29, FD11, CLASSIC)) {
            assertThat(Candump.parse(Candump.format(c), 1)).isEqualTo(c);
        }
        String log = Candump.format(FD29) + "\n\n" + Candump.format(CLASSIC) + "\n";
        assertThat(Candump.read(new BufferedReader(new StringReader(log)))).containsExactly(FD29, CLASSIC);
    }

    @Test
    void badLinesNameTheLine() throws Exception {
        assertThatThrownBy(() -> Candump.read(new BufferedReader(new StringReader("(1.000000) can0 181#01\ngarbage\n"))))
                .isInstanceOf(CaptureFormatException.class).hasMessageStartingWith("line 2: not a candump log line");
        assertThatThrownBy(() -> Candump.parse("(1.000000) can0 181##1" + "00".repeat(65), 3))
                .hasMessage("line 3: CAN FD frame longer than 64 bytes (65)");
        // vcan and python-can's UDP bus carry exact lengths: the reference's 9- and 40-byte frames are kept as they are
        assertThat(Candump.parse("(1.000000) can0 1E000582##1" + "00".repeat(9), 3).frame().length()).isEqualTo(9);
        assertThatThrownBy(() -> Candump.parse("(1.000000) can0 181#" + "00".repeat(9), 4))
                .hasMessageContaining("illegal classic CAN data length 9");
        assertThatThrownBy(() -> Candump.parse("(" + "6".repeat(40) + ".000000) can0 181#01", 5))
                .isInstanceOf(CaptureFormatException.class).hasMessage("line 5: timestamp out of range");
        assertThatThrownBy(() -> Candump.parse("(9223372036854.000000) can0 181#01", 6))
                .isInstanceOf(CaptureFormatException.class).hasMessage("line 6: timestamp out of range");
    }

    @Test
    void pcapHeaderAndRecords() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(bytes)) {
            w.write(FD29);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(0)).isEqualTo(0xA1B23C4D);
        assertThat(b.getInt(20)).isEqualTo(227);
        assertThat(b.getInt(24)).isEqualTo(1_700_000_000);
        assertThat(b.getInt(28)).isEqualTo(123_456_000);
        assertThat(b.getInt(32)).isEqualTo(8 + 12);
        assertThat(b.order(ByteOrder.BIG_ENDIAN).getInt(40)).isEqualTo(0x92020A7B);
        assertThat(b.get(44)).isEqualTo((byte) 12);
        assertThat(b.get(45)).isEqualTo((byte) 0x05); // FDF | BRS
    }

    @Test
    void pcapReadsBackWhatPcapWriterWrote() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CanFrame nonDlc = CanFrame.fd(0x1E00_0582, true, new byte[9]);
        try (PcapWriter w = new PcapWriter(bytes)) {
            w.write(FD29);
            w.write(CLASSIC);
            w.write(new CapturedFrame(1_700_000_001_000_000_000L, "can0", nonDlc));
        }
        byte[] all = bytes.toByteArray();
        PcapReader.Result r = PcapReader.read(new java.io.ByteArrayInputStream(all), "can0");
        assertThat(r.truncated()).isFalse();
        assertThat(r.frames()).extracting(CapturedFrame::frame).containsExactly(FD29.frame(), CLASSIC.frame(), nonDlc);
        assertThat(r.frames().get(0).timeNanos()).isEqualTo(FD29.timeNanos());
        PcapReader.Result cut = PcapReader.read(new java.io.ByteArrayInputStream(java.util.Arrays.copyOf(all, all.length - 3)), "can0");
        assertThat(cut.truncated()).isTrue();
        assertThat(cut.frames()).hasSize(2);
        assertThatThrownBy(() -> PcapReader.read(new java.io.ByteArrayInputStream(new byte[30]), "can0"))
                .isInstanceOf(CaptureFormatException.class).hasMessage("packet 0: not a pcap file");
    }

    /** Wireshark's reader agrees, where tshark is installed. */
    @Test
    void tsharkReadsThePcap() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/tshark")), "tshark is not installed: skipping the Wireshark check");
        Path file = tmp.resolve("bus.pcap");
        try (PcapWriter w = new PcapWriter(Files.newOutputStream(file))) {
            w.write(FD29);
            w.write(FD11);
            w.write(CLASSIC);
        }
        Process p = new ProcessBuilder("/usr/bin/tshark", "-r", file.toString(), "-T", "fields", "-e", "can.id", "-e", "can.len")
                .redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out.lines().toList()).hasSize(3);
        // tshark prints can.id in decimal: 12020A7Bh, 181h, 7FFh
        assertThat(out.lines().toList()).containsExactly("302123643\t12", "385\t20", "2047\t2");
    }

    /** An input stream of {@code length} copies of one byte, without a newline (like /dev/zero, but finite). */
    private static java.io.InputStream endless(byte b, long length) {
        return new java.io.InputStream() {
            long left = length;

            @Override
            public int read() {
                return left-- > 0 ? b & 0xFF : -1;
            }

            @Override
            public int read(byte[] buf, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                java.util.Arrays.fill(buf, off, off + n, b);
                left -= n;
                return n;
            }
        };
    }

    /** A capture with no newline is refused where a line passes 64 KiB, naming the line and offset; nothing is buffered whole. */
    @Test
    void textCapturesAreStreamedWithABoundedLine() throws Exception {
        String good = Candump.format(FD29) + "\n";
        java.io.InputStream in = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(good.getBytes()), endless((byte) 'a', 1L << 30));
        try (CaptureReader r = CaptureReader.open(in, "pcap")) {
            assertThat(r.pcap()).isFalse();
            assertThat(r.next()).isEqualTo(FD29);
            int start = good.length();
            assertThatThrownBy(r::next).isInstanceOf(CaptureFormatException.class)
                    .hasMessage("line 2: longer than 65536 bytes (no newline between byte offsets " + start + " and " + (start + 65536)
                            + "): not a candump or python-can log");
        }
        try (CaptureReader r = CaptureReader.open(endless((byte) 0, 1L << 30), "pcap")) { // /dev/zero
            assertThatThrownBy(r::next).hasMessage("line 1: byte 0x00 at byte offset 0: not a candump or python-can log (those are ASCII text)");
        }
        byte[] bom = ("\uFEFF" + good).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (CaptureReader r = CaptureReader.open(new java.io.ByteArrayInputStream(bom), "pcap")) {
            assertThatThrownBy(r::next).hasMessageEndingWith("(those are ASCII text; remove the byte-order mark)");
        }
        // blank lines are skipped, a last line without its newline is skipped and reported
        String log = good + "\r\n\n" + Candump.format(CLASSIC) + "\n" + Candump.format(FD11).substring(0, 30);
        try (CaptureReader r = CaptureReader.open(new java.io.ByteArrayInputStream(log.getBytes()), "pcap")) {
            assertThat(r.next()).isEqualTo(FD29);
            assertThat(r.next()).isEqualTo(CLASSIC);
            assertThat(r.next()).isNull();
            assertThat(r.truncated()).isTrue();
        }
    }

    @Test
    void pcapIsToldByItsFirstBytesAndStreamed() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(bytes)) {
            w.write(FD29);
            w.write(CLASSIC);
        }
        try (CaptureReader r = CaptureReader.open(new java.io.ByteArrayInputStream(bytes.toByteArray()), "pcap")) {
            assertThat(r.pcap()).isTrue();
            assertThat(r.next().frame()).isEqualTo(FD29.frame());
            assertThat(r.next().frame()).isEqualTo(CLASSIC.frame());
            assertThat(r.next()).isNull();
            assertThat(r.truncated()).isFalse();
        }
    }
}
