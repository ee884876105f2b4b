package org.spsec.conformance;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.spsec.core.bytes.Hex;
import org.spsec.core.canfd.CanFdLength;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.canfd.ControlId;
import org.spsec.core.canfd.FrameKind;
import org.spsec.core.canfd.StampLayout;
import org.spsec.core.crypto.Aead;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.engine.GroupChannel;
import org.spsec.core.engine.StampMode;
import org.spsec.core.engine.Verdict;
import org.spsec.core.keys.RootKey;
import org.spsec.core.model.Csalt;
import org.spsec.core.time.AcceptanceWindow;
import org.spsec.core.time.Timestamps;

/**
 * Judges every stamped frame the device under test sends (data, heartbeats): does its tag
 * verify, at which full T (rebuilt from 12 bits against the tool's group clock, or against an
 * offset the tool itself induced), how far from the group clock, with correct padding and
 * header. It also keeps the nonce record of SPEC 6: every (csalt, T, ID & FFFFh) the device
 * sealed with, and every repetition of one (a nonce reused under one key).
 */
final class Judge implements AutoCloseable {
    /** One stamped frame of the device, as judged. {@code t} and {@code offsetTicks} are meaningful only when {@code verified}. */
    record Stamped(long at, CanFrame frame, FrameKind kind, boolean verified, long t, long offsetTicks, int payloadLength,
                   byte[] payload, String problem, Csalt csalt) {
        int status() {
            return kind == FrameKind.HEARTBEAT ? (frame.id() >>> 16) & 0xFF : -1;
        }
    }

    /** A nonce used twice under one key: the first and the second frame. */
    record Reuse(Stamped first, Stamped second) {}

    private final AeadAlgorithm algorithm;
    private final RootKey seed;
    private final StampMode mode;
    /** Newest first: frames around a csalt change may still carry the old one. */
    private final LinkedHashMap<Csalt, GroupChannel> channels = new LinkedHashMap<>();
    private final List<Long> offsets = new ArrayList<>(List.of(0L));
    private final List<Stamped> stamped = new ArrayList<>();
    private final Map<String, Stamped> nonces = new HashMap<>();
    private final List<Reuse> reuses = new ArrayList<>();
    private final byte[] buf = new byte[64];
    private final byte[] out = new byte[64];

    Judge(AeadAlgorithm algorithm, RootKey seed, StampMode mode) {
        this.algorithm = algorithm;
        this.seed = seed;
        this.mode = mode;
    }

    /** A csalt in force (the Sync's; a restarted Sync brings a new one). */
    void useCsalt(Csalt c) {
        if (!channels.containsKey(c)) {
            LinkedHashMap<Csalt, GroupChannel> copy = new LinkedHashMap<>(channels);
            channels.clear();
            channels.put(c, new GroupChannel(algorithm, seed.key(), seed.salt(), c, mode, new AcceptanceWindow(2047)));
            channels.putAll(copy);
        }
    }

    /** The tool moved the device's clock by {@code ticks} on purpose: frames may be rebuilt against that offset too. */
    void expectOffset(long ticks) {
        if (!offsets.contains(ticks)) {
            offsets.add(ticks);
        }
    }

    List<Stamped> stamped() { return stamped; }

    List<Reuse> reuses() { return reuses; }

    /** Judges one stamped frame of the device received at {@code at}, when the group clock read {@code groupT}. */
    Stamped judge(long at, long groupT, CanFrame frame, FrameKind kind) {
        Stamped s = open(at, groupT, frame, kind);
        stamped.add(s);
        if (s.verified()) {
            Csalt c = s.csalt();
            String key = Hex.of(c.copyBytes()) + ":" + s.t() + ":" + (frame.id() & 0xFFFF);
            Stamped first = nonces.putIfAbsent(key, s);
            // The very same frame again within a moment is a duplicate on the bus, not a second seal.
            if (first != null && (!first.frame().equals(frame) || at - first.at() > 50_000_000L)) {
                reuses.add(new Reuse(first, s));
            }
        }
        return s;
    }

    private Stamped open(long at, long groupT, CanFrame frame, FrameKind kind) {
        int len = frame.length();
        if (len < StampLayout.MIN_FRAME || len > CanFdLength.MAX) {
            return new Stamped(at, frame, kind, false, 0, 0, 0, null, "length " + len + " is not a stamped frame", null);
        }
        for (long off : offsets) {
            for (Map.Entry<Csalt, GroupChannel> e : channels.entrySet()) {
                GroupChannel ch = e.getValue();
                ch.replayGuard().clear(); // the judge checks tags; replays are the cases' business
                frame.copyData(buf, 0);
                Verdict v = ch.open(groupT + off, frame.id(), buf, 0, len, out, 0);
                if (v == Verdict.OK) {
                    long t = ch.openedTimestamp();
                    int payloadLength = ch.openedLength();
                    byte[] payload = java.util.Arrays.copyOf(out, payloadLength);
                    return new Stamped(at, frame, kind, true, t, t - groupT, payloadLength, payload, structure(ch, t, frame, payloadLength), e.getKey());
                }
            }
        }
        return new Stamped(at, frame, kind, false, 0, 0, 0, null, "tag does not verify under the group keys near the group time", null);
    }

    /** SPEC 6: legal length, minimal padding count, padding bytes FFh (decrypted), header low 12 bits = T. */
    private String structure(GroupChannel ch, long t, CanFrame frame, int payloadLength) {
        int len = frame.length();
        int header = StampLayout.readHeader(frame.data(), len - StampLayout.OVERHEAD);
        int padding = StampLayout.headerPadding(header);
        if (!CanFdLength.isLegal(len)) {
            return "frame length " + len + " is not a legal CAN FD length";
        }
        if (padding != StampLayout.paddingFor(payloadLength)) {
            return "padding " + padding + " for a " + payloadLength + "-byte payload (expected " + StampLayout.paddingFor(payloadLength) + ")";
        }
        if (StampLayout.headerLow12(header) != Timestamps.low12(t)) {
            return "header timestamp bits do not match";
        }
        byte[] body = paddingPlain(ch, t, frame, payloadLength, padding);
        if (body != null) {
            for (int i = payloadLength; i < payloadLength + padding; i++) {
                if (body[i] != StampLayout.PADDING_BYTE) {
                    return "padding byte " + (i - payloadLength) + " is " + String.format("%02Xh", body[i] & 0xFF) + ", not FFh";
                }
            }
        }
        return null;
    }

    /** The decrypted body (payload and padding) of a frame that verified at T, or null in authenticate-only mode. */
    private byte[] paddingPlain(GroupChannel ch, long t, CanFrame frame, int payloadLength, int padding) {
        byte[] data = frame.data();
        int body = payloadLength + padding;
        if (mode != StampMode.ENCRYPT) {
            return data;
        }
        byte[] nonce = new byte[16];
        byte[] aad = new byte[StampLayout.AAD_LENGTH];
        GroupChannel.writeNonce(nonce, algorithm.dataNonceLength(), t, frame.id(), seed.salt());
        StampLayout.writeAad(aad, frame.id(), payloadLength);
        byte[] plain = new byte[body];
        long w = Timestamps.window(t);
        ch.keys().prepare(t);
        for (Aead a : new Aead[] {ch.keys().forWindow(w), ch.keys().otherThan(w)}) {
            if (a != null && a.open(nonce, 0, algorithm.dataNonceLength(), aad, 0, aad.length, data, 0, body, plain, 0, data, body + StampLayout.HEADER_LENGTH)) {
                return plain;
            }
        }
        return null;
    }

    /** Whether {@code frame}, received by the tool, was sent by participant {@code device} (control plane) or is data. */
    static FrameKind stampedKindFrom(CanFrame frame, int device) {
        ControlId c = frame.extended() ? ControlId.tryDecode(frame.id(), true) : null;
        if (c == null) {
            return FrameKind.DATA;
        }
        return c.kind() == FrameKind.HEARTBEAT && c.participant() == device ? FrameKind.HEARTBEAT : null;
    }

    @Override
    public void close() {
        channels.values().forEach(GroupChannel::close);
    }
}
