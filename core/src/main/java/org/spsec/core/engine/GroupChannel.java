package org.spsec.core.engine;

import java.util.Arrays;
import org.spsec.core.canfd.StampLayout;
import org.spsec.core.crypto.Aead;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.keys.Csalt;
import org.spsec.core.keys.KeyMaterial;
import org.spsec.core.keys.Salt;
import org.spsec.core.time.AcceptanceWindow;
import org.spsec.core.time.Timestamps;

/**
 * The data-plane service: seals and opens Security Stamps for the whole group with the shared
 * communication keys. Data units, heartbeats and time broadcasts all go through it, with the same
 * acceptance window and replay checks (**Ours**: the reference skips them for heartbeats and broadcasts).
 *
 * <p>Allocation-free in steady state; not thread-safe (one per node, driven by its engine).
 * Opening checks, in order: structure, acceptance window, replay (query only), tag with the key of
 * the frame's window then the other slot; only a verified frame is marked in the replay guard.
 */
public final class GroupChannel implements AutoCloseable {
    /** Returned by {@link #seal} when this (T, CAN ID) was already used: wait for the next tick. */
    public static final int SAME_TICK = -1;

    private final AeadAlgorithm algorithm;
    private final Salt seedSalt;
    private final StampMode mode;
    private final AcceptanceWindow window;
    private final CommunicationKeyRing keys;
    private final ReplayGuard replay = new ReplayGuard();
    private final IdTable sentIds = new IdTable(16);
    private long[] lastSent = new long[16];
    private final int nonceLength;
    private final byte[] nonce = new byte[16];
    private final byte[] aad = new byte[StampLayout.AAD_LENGTH + StampLayout.MAX_PAYLOAD];
    /** Decrypted payload and padding, released to the caller only after the tag verified. */
    private byte[] scratch = new byte[64];
    private long openedTimestamp;
    private int openedLength;

    /**
     * @param seed     the Seed key (borrowed: the caller keeps and eventually erases it)
     * @param seedSalt the Seed key's salt (borrowed)
     */
    public GroupChannel(AeadAlgorithm algorithm, KeyMaterial seed, Salt seedSalt, Csalt csalt,
                        StampMode mode, AcceptanceWindow window) {
        this.algorithm = algorithm;
        this.seedSalt = seedSalt;
        this.mode = mode;
        this.window = window;
        this.keys = new CommunicationKeyRing(algorithm, seed, csalt);
        this.nonceLength = algorithm.dataNonceLength();
    }

    public AeadAlgorithm algorithm() { return algorithm; }

    public Csalt csalt() { return keys.csalt(); }

    public CommunicationKeyRing keys() { return keys; }

    public ReplayGuard replayGuard() { return replay; }

    /** See {@link CommunicationKeyRing#prepare}; call at {@link CommunicationKeyRing#nextPreparation}. */
    public void prepare(long now) {
        keys.prepare(now);
    }

    /**
     * Seals {@code len} payload bytes sent at time {@code t} on {@code canId} into {@code frame}.
     *
     * @return the frame length (a legal CAN FD length), or {@link #SAME_TICK} if this sender
     *         already used (t, canId): the caller waits for the next tick
     * @throws IllegalArgumentException if the payload is longer than 54 bytes
     * @throws IllegalStateException    if no key exists for t (T below 2^23)
     */
    public int seal(long t, int canId, byte[] payload, int off, int len, byte[] frame, int frameOff) {
        StampLayout.requirePayloadLength(len);
        int slot = sentIds.findOrAdd(canId & 0x1FFF_FFFF);
        if (slot >= lastSent.length) {
            lastSent = Arrays.copyOf(lastSent, lastSent.length * 2);
        }
        if (lastSent[slot] >= t) {
            return SAME_TICK;
        }
        keys.prepare(t);
        Aead aead = keys.forWindow(Timestamps.window(t));
        if (aead == null) {
            throw new IllegalStateException("no communication key for T=" + t + " (T must be at least 2^23)");
        }
        int padding = StampLayout.paddingFor(len);
        int body = len + padding;
        StampLayout.writeNonce(nonce, nonceLength, t, canId, seedSalt);
        StampLayout.writeAad(aad, canId, len);
        System.arraycopy(payload, off, frame, frameOff, len);
        Arrays.fill(frame, frameOff + len, frameOff + body, StampLayout.PADDING_BYTE);
        int tagOff = frameOff + body + StampLayout.HEADER_LENGTH;
        if (mode == StampMode.ENCRYPT) {
            aead.seal(nonce, 0, nonceLength, aad, 0, StampLayout.AAD_LENGTH, frame, frameOff, body, frame, frameOff, frame, tagOff);
        } else {
            System.arraycopy(payload, off, aad, StampLayout.AAD_LENGTH, len);
            aead.mac(nonce, 0, nonceLength, aad, 0, StampLayout.AAD_LENGTH + len, frame, tagOff);
        }
        StampLayout.writeHeader(frame, frameOff + body, padding, t);
        lastSent[slot] = t;
        return body + StampLayout.OVERHEAD;
    }

    /**
     * Opens a stamped frame received at the receiver's time {@code now}. On {@link Verdict#OK}
     * the unpadded payload is in {@code out} ({@link #openedLength()} bytes, sent at
     * {@link #openedTimestamp()}); otherwise {@code out} is untouched.
     */
    public Verdict open(long now, int canId, byte[] frame, int off, int len, byte[] out, int outOff) {
        if (len < StampLayout.MIN_FRAME) {
            return Verdict.MALFORMED;
        }
        int header = StampLayout.readHeader(frame, off + len - StampLayout.OVERHEAD);
        int padding = StampLayout.headerPadding(header);
        int body = len - StampLayout.OVERHEAD;
        int payloadLength = body - padding;
        if (payloadLength < 0 || payloadLength > StampLayout.MAX_PAYLOAD) {
            return Verdict.MALFORMED;
        }
        if (mode == StampMode.AUTHENTICATE_ONLY && !clearPaddingIntact(frame, off + payloadLength, padding)) {
            // Clear padding is outside the tag in this mode; senders always pad with FFh.
            return Verdict.MALFORMED;
        }
        long t = Timestamps.expand(StampLayout.headerLow12(header), now);
        if (!window.accepts(t, now)) {
            return Verdict.OUTSIDE_WINDOW;
        }
        if (t < Timestamps.MIN_KEYED) {
            return Verdict.UNVERIFIABLE;
        }
        if (replay.seen(canId, t)) {
            return Verdict.REPLAY;
        }
        keys.prepare(now);
        long w = Timestamps.window(t);
        Aead first = keys.forWindow(w);
        if (first == null) {
            return Verdict.UNVERIFIABLE;
        }
        StampLayout.writeNonce(nonce, nonceLength, t, canId, seedSalt);
        StampLayout.writeAad(aad, canId, payloadLength);
        boolean ok = verify(first, frame, off, body, payloadLength, out, outOff);
        if (!ok) {
            // SPEC: a receiver whose first try fails tries the other slot (a sender may lag a roll-over).
            Aead other = keys.otherThan(w);
            ok = other != null && verify(other, frame, off, body, payloadLength, out, outOff);
        }
        if (!ok) {
            return Verdict.AUTH_FAILED;
        }
        replay.mark(canId, t);
        openedTimestamp = t;
        openedLength = payloadLength;
        return Verdict.OK;
    }

    /** T of the last frame that opened OK. */
    public long openedTimestamp() { return openedTimestamp; }

    /** Unpadded payload length of the last frame that opened OK. */
    public int openedLength() { return openedLength; }

    @Override
    public void close() {
        keys.close();
    }

    private boolean verify(Aead aead, byte[] frame, int off, int body, int payloadLength, byte[] out, int outOff) {
        int tagOff = off + body + StampLayout.HEADER_LENGTH;
        if (mode == StampMode.ENCRYPT) {
            // The padding is decrypted with the payload; only the payload is released.
            if (!aead.open(nonce, 0, nonceLength, aad, 0, StampLayout.AAD_LENGTH, frame, off, body, scratch(body), 0, frame, tagOff)) {
                return false;
            }
            System.arraycopy(scratch, 0, out, outOff, payloadLength);
            Arrays.fill(scratch, 0, body, (byte) 0);
            return true;
        }
        System.arraycopy(frame, off, aad, StampLayout.AAD_LENGTH, payloadLength);
        if (!aead.verifyMac(nonce, 0, nonceLength, aad, 0, StampLayout.AAD_LENGTH + payloadLength, frame, tagOff)) {
            return false;
        }
        System.arraycopy(frame, off, out, outOff, payloadLength);
        return true;
    }

    private static boolean clearPaddingIntact(byte[] frame, int from, int padding) {
        int acc = 0;
        for (int i = from; i < from + padding; i++) {
            acc |= ~frame[i] & 0xFF;
        }
        return acc == 0;
    }

    private byte[] scratch(int n) {
        if (scratch.length < n) {
            scratch = new byte[n];
        }
        return scratch;
    }
}
