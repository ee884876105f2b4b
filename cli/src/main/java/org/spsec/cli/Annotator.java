package org.spsec.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.spsec.core.bytes.Hex;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.canfd.ControlId;
import org.spsec.core.canfd.FrameKind;
import org.spsec.core.role.Observer;
import org.spsec.transport.capture.CapturedFrame;
import org.spsec.transport.capture.PcapngWriter;

/**
 * {@code spsec inspect --annotate OUT.pcapng}: the capture rewritten as pcapng with inspect's own
 * judgement of each frame as its packet comment (Wireshark shows it without a plugin), e.g.
 * <pre>
 *   data 0x181: ok payload 0102
 *   heartbeat 0x12020A03 from P3: ok payload ffff
 *   session 0x1E000282 to P2: unverifiable (session messages need the session key)
 * </pre>
 * Same frames in the same order with the same timestamps as the input; kind, participant,
 * verdict and payload are those of {@code inspect --json}.
 */
final class Annotator implements AutoCloseable {
    private final Path file;
    private final PcapngWriter writer;

    private Annotator(Path file, PcapngWriter writer) {
        this.file = file;
        this.writer = writer;
    }

    /** Opens OUT before any work starts; null for no annotation. Refuses to overwrite the capture itself. */
    static Annotator open(Path out, Path capture) {
        if (out == null) {
            return null;
        }
        CliInputs.parentDirectory(out, "");
        if (Files.isDirectory(out)) {
            throw new UserException("cannot write " + out + ": a directory");
        }
        try {
            if (Files.exists(out) && Files.isSameFile(out, capture)) {
                throw new UserException("--annotate " + out + " is the capture itself: name another file", SpsecMain.EXIT_USAGE);
            }
        } catch (IOException e) {
            throw new UserException("cannot write " + out + ": " + CliInputs.reason(e, out));
        }
        try {
            return new Annotator(out, new PcapngWriter(new BufferedOutputStream(Files.newOutputStream(out), 1 << 16)));
        } catch (IOException e) {
            throw new UserException("cannot write " + out + ": " + CliInputs.reason(e, out));
        }
    }

    void write(CapturedFrame c, Observer.Judgement j) {
        try {
            writer.write(c, comment(c.frame(), j));
        } catch (IOException e) {
            throw new UserException("cannot write " + file + ": " + CliInputs.reason(e, file));
        }
    }

    /** The comment for one frame: kind, identifier, direction and participant, verdict, verified payload, note. */
    static String comment(CanFrame f, Observer.Judgement j) {
        StringBuilder b = new StringBuilder(j.kind().label()).append(' ')
                .append(f.extended() ? String.format("0x%08X", f.id()) : String.format("0x%03X", f.id()));
        if (j.participant() != null) {
            ControlId cid = j.kind() == FrameKind.DATA ? null : ControlId.tryDecode(f.id(), f.extended());
            b.append(cid != null && cid.toParticipant() ? " to P" : " from P").append(j.participant());
        }
        b.append(": ").append(j.verdict().label());
        if (j.payload() != null) {
            b.append(" payload ").append(Hex.of(j.payload()));
        }
        if (j.note() != null) {
            b.append(" (").append(j.note()).append(')');
        }
        return b.toString();
    }

    @Override
    public void close() {
        try {
            writer.close();
        } catch (IOException e) {
            throw new UserException("cannot write " + file + ": " + CliInputs.reason(e, file));
        }
    }
}
