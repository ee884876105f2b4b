package org.spsec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.canfd.ControlId;
import org.spsec.core.canfd.FrameKind;
import org.spsec.core.canfd.StampLayout;
import org.spsec.core.model.Cpmt;
import org.spsec.transport.capture.CapturedFrame;
import org.spsec.transport.capture.PcapReader;
import org.spsec.transport.capture.PcapWriter;

/**
 * tools/wireshark/spsec.lua, run by tshark, against the Java code: every field it shows for a
 * frame must be what {@link ControlId}, {@link StampLayout} and the message codecs say of that
 * frame, and its kind and participant what {@code spsec inspect --json} says. Skipped, with the
 * reason, where tshark is not installed.
 */
class WiresharkDissectorTest {
    @TempDir
    static Path tmp;

    static final String[] FIELDS = {"frame.number", "spsec.kind", "spsec.ctl.prefix", "spsec.ctl.type", "spsec.ctl.dir",
        "spsec.ctl.participant", "spsec.ctl.counter", "spsec.ctl.status", "spsec.stamp.padding", "spsec.stamp.t12",
        "spsec.stamp.tag", "spsec.session.type", "spsec.time.random", "spsec.time.t", "spsec.time.csalt"};

    private static final Pattern JSON = Pattern.compile("\\{\"type\":\"frame\",\"frame\":(\\d+),.*\"kind\":\"([a-z-]+)\",\"participant\":(null|\\d+),.*");

    @BeforeAll
    static void demo() {
        Tshark.assumeInstalled();
        CliRun r = CliRun.of("demo", "--seed", "5", "--minutes", "1", "--out", tmp.resolve("d").toString());
        assertThat(r.code).as(r.out + r.err).isZero();
    }

    /** What the dissector must show for a frame, computed with the Java code. */
    static String[] expected(int number, CanFrame f) {
        ControlId c = ControlId.tryDecode(f.id(), f.extended());
        FrameKind kind = c == null ? FrameKind.DATA : c.kind();
        String[] e = new String[FIELDS.length];
        java.util.Arrays.fill(e, "");
        e[0] = Integer.toString(number);
        e[1] = kind.label();
        byte[] d = f.data();
        HexFormat hex = HexFormat.of();
        if (c != null) {
            e[2] = String.format("0x%02x", f.id() >>> 24);
            e[3] = Integer.toString(c.type().code());
            if (kind != FrameKind.TIME_BROADCAST) {
                e[4] = c.toParticipant() ? "1" : "0";
                e[5] = Integer.toString(c.participant());
            }
            if (kind == FrameKind.SESSION && c.type() != Cpmt.HELLO) {
                e[6] = String.format("0x%02x", c.counterByte());
            }
            if (kind == FrameKind.HEARTBEAT) {
                e[7] = String.format("0x%02x", c.b2());
            }
            if (kind == FrameKind.SESSION) {
                e[11] = sessionName(c);
            }
        }
        if (kind.stamped() && d.length >= StampLayout.MIN_FRAME) {
            int header = StampLayout.readHeader(d, d.length - StampLayout.OVERHEAD);
            e[8] = Integer.toString(StampLayout.headerPadding(header));
            e[9] = String.format("0x%04x", StampLayout.headerLow12(header));
            e[10] = hex.formatHex(d, d.length - 8, d.length);
        }
        if (kind == FrameKind.TIME_REQUEST && d.length >= 16) {
            e[12] = hex.formatHex(d, 0, 16);
        }
        if (kind == FrameKind.TIME_RESPONSE && d.length >= 20) {
            e[13] = Long.toUnsignedString(java.nio.ByteBuffer.wrap(d, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong());
            e[14] = hex.formatHex(d, 8, 12);
        }
        return e;
    }

    private static String sessionName(ControlId c) {
        boolean req = c.toParticipant();
        return switch (c.type()) {
            case HELLO -> req ? "ClientHello" : "ServerHello";
            case FINISHED -> req ? "ClientFinished" : "ServerFinished";
            case READ_INITIATE -> "Read Initiate" + (req ? " request" : " response");
            case READ_SEGMENT -> "Read Segment" + (req ? " request" : " response");
            case WRITE_INITIATE -> "Write Initiate" + (req ? " request" : " response");
            case WRITE_SEGMENT -> "Write Segment" + (req ? " request" : " response");
            case TERMINATE -> "Terminate" + (req ? " request" : " response");
            default -> throw new IllegalArgumentException(c.toString());
        };
    }

    private static List<CanFrame> read(Path pcap) throws Exception {
        try (InputStream in = Files.newInputStream(pcap)) {
            return PcapReader.read(in, "pcap").frames().stream().map(CapturedFrame::frame).toList();
        }
    }

    private static void assertSame(List<CanFrame> frames, List<String[]> rows) {
        assertThat(rows).hasSameSizeAs(frames);
        for (int i = 0; i < frames.size(); i++) {
            String[] row = rows.get(i).clone();
            for (int k = 0; k < row.length; k++) {
                row[k] = row[k].replace(":", ""); // bytes fields: with or without separators, by version
            }
            assertThat(row).as("frame %d: %s", i + 1, frames.get(i)).containsExactly(expected(i + 1, frames.get(i)));
        }
    }

    /** Every frame of a demo capture: the dissector's fields are the Java code's, kind and participant those of inspect --json. */
    @Test
    void dissectorAgreesWithTheJavaCodeAndInspectOnADemoCapture() throws Exception {
        Path pcap = tmp.resolve("d/capture.pcap");
        List<CanFrame> frames = read(pcap);
        List<String[]> rows = Tshark.fields(pcap, true, tmp, FIELDS);
        assertSame(frames, rows);

        CliRun json = CliRun.of("inspect", "--json", "--exit-zero", "--keys", tmp.resolve("d/keys.txt").toString(), pcap.toString());
        assertThat(json.code).as(json.err).isZero();
        List<String> lines = json.out.lines().toList();
        assertThat(lines).hasSameSizeAs(rows);
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = JSON.matcher(lines.get(i));
            assertThat(m.matches()).as(lines.get(i)).isTrue();
            assertThat(rows.get(i)[1]).as("kind of frame %d", i + 1).isEqualTo(m.group(2));
            assertThat(rows.get(i)[5]).as("participant of frame %d", i + 1).isEqualTo(m.group(3).equals("null") ? "" : m.group(3));
        }
        assertThat(rows).extracting(r -> r[1]).contains("data", "heartbeat", "time-broadcast", "time-request", "time-response", "session");
    }

    /**
     * Identifiers near every control-plane pattern (each prefix, message type, b2 and direction
     * byte that matters, and 11-bit ones), with data of several lengths: the same classification
     * and fields as the Java code, including the frames it calls data plane.
     */
    @Test
    void dissectorClassifiesEdgeCaseIdentifiersAsControlIdDoes() throws Exception {
        List<CanFrame> frames = new ArrayList<>();
        Random r = new Random(12);
        int[] lengths = {0, 5, 12, 16, 20, 64};
        int n = 0;
        for (int prefix : new int[] {0x1E, 0x0A, 0x06, 0x02, 0x12, 0x13, 0x1F, 0x00}) {
            for (int type = 0; type <= 13; type++) {
                for (int b2 : new int[] {0x00, 0xFF, 0x23, 0x21, 0x74}) {
                    for (int b0 : new int[] {0x00, 0x01, 0x7F, 0x80, 0x81, 0xFF}) {
                        byte[] data = new byte[lengths[n++ % lengths.length]];
                        r.nextBytes(data);
                        frames.add(CanFrame.extended(prefix << 24 | b2 << 16 | type << 8 | b0, data));
                    }
                }
            }
        }
        for (int id : new int[] {0x0221_0900, 0x0221_0901, 0x0221_0980, 0x1FFF_FFFF, 0x0000_0000}) {
            frames.add(CanFrame.extended(id, new byte[20]));
        }
        for (int id : new int[] {0x000, 0x181, 0x1E0, 0x7FF}) {
            frames.add(CanFrame.fd(id, false, new byte[16]));
            frames.add(CanFrame.of(id, false, false, false, new byte[8]));
        }
        Path pcap = tmp.resolve("edges.pcap");
        try (PcapWriter w = new PcapWriter(Files.newOutputStream(pcap))) {
            for (CanFrame f : frames) {
                w.write(new CapturedFrame(1_000_000_000L, "can0", f));
            }
        }
        assertSame(frames, Tshark.fields(pcap, true, tmp, FIELDS));
    }
}
