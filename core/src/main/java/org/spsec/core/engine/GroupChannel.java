package org.spsec.core.engine;

import java.util.Arrays;
import org.spsec.core.canfd.StampLayout;
import org.spsec.core.crypto.Aead;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.keys.KeyMaterial;
import org.spsec.core.keys.Salt;
import org.spsec.core.model.Csalt;
import org.spsec.core.time.AcceptanceWindow;
import org.spsec.core.time.TimeLine;
import org.spsec.core.time.Timestamps;

/**
 * The data-plane service: seals and opens Security Stamps for the whole group with the shared
 * communication keys. Data units, heartbeats and time broadcasts all go through it, with the same
 * acceptance window and replay checks (**Ours**: the reference skips them for heartbeats and broadcasts).
 *
 * <p>Allocation-free in steady state; not thread-safe (one per node, driven by its engine).
 * Opening checks, in order: structure, acceptance window, tag with the key of the frame's window
 * then the other slot, replay (query only; so a tampered copy of an accepted frame is a forgery,
 * not a replay); only a verified new frame is released and marked in the replay guard.
 */
public final class GroupChannel implements AutoCloseable {
    /**
     * Returned by {@link #seal} when T is not after the last T this node sealed with (on any
     * identifier): the caller waits until {@link TimeLine#nanosWhenClaimable(long)} and seals again.
     */
    public static final int SAME_TICK = -1;

    private final AeadAlgorithm algorithm;
    private final Salt seedSalt;
    private final StampMode mode;
    private final AcceptanceWindow window;
    private final CommunicationKeyRing keys;
    private final ReplayGuard replay = new ReplayGuard();
    private final TimeLine timeLine;
    private final int nonceLength;
    private final byte[] nonce = new byte[16];
    private final byte[] aad = new byte[StampLayout.AAD_LENGTH + StampLayout.MAX_PAYLOAD];
    /** Decrypted payload and padding, released to the caller only after the tag verified. */
    private byte[] scratch = new byte[64];
    private long openedTimestamp;
    private int openedLength;

    /**
     * A channel with a time line of its own, for a channel used alone (tools, benchmarks, tests).
     * A node that rebuilds channels must pass its one {@link TimeLine} to each instead.
     */
    public GroupChannel(AeadAlgorithm algorithm, KeyMaterial seed, Salt seedSalt, Csalt csalt,
                        StampMode mode, AcceptanceWindow window) {
        this(algorithm, seed, seedSalt, csalt, mode, window, TimeLine.standalone());
    }

    /**
     * @param seed     the Seed key (borrowed: the caller keeps and eventually erases it)
     * @param seedSalt the Seed key's salt (borrowed)
     * @param timeLine the node's time line: every seal claims its T there, so no T is sealed
     *                 twice by this node across every channel built on the same time line
     */
    public GroupChannel(AeadAlgorithm algorithm, KeyMaterial seed, Salt seedSalt, Csalt csalt,
                        StampMode mode, AcceptanceWindow window, TimeLine timeLine) {
        this.timeLine = timeLine;
        this.algorithm = algorithm;
        this.seedSalt = seedSalt;
        this.mode = mode;
        this.window = window;
        this.keys = new CommunicationKeyRing(algorithm, seed, csalt);
        this.nonceLength = algorithm.dataNonceLength();
    }

    public AeadAlgorithm algorithm() { return algorithm; }

    public Csalt csalt() { return keys.csalt(); }

    /**
     * Writes the nonce of a Security Stamp at {@code nonce[0]}:
     * {@code LE64(T) || LE16(CAN ID & FFFFh) ||} the first {@code nonceLength - 10} bytes of the
     * Seed salt (SPEC section 6; the layout is {@link StampLayout}'s).
     */
    public static void writeNonce(byte[] nonce, int nonceLength, long t, int canId, Salt seedSalt) {
        StampLayout.writeNonceHead(nonce, t, canId);
        seedSalt.copyTo(nonce, StampLayout.NONCE_HEAD_LENGTH, nonceLength - StampLayout.NONCE_HEAD_LENGTH);
    }

    public CommunicationKeyRing keys() { return keys; }

    public ReplayGuard replayGuard() { return replay; }

    /** See {@link CommunicationKeyRing#prepare}; call at {@link CommunicationKeyRing#nextPreparation}. */
    public void prepare(long now) {
        keys.prepare(now);
    }

    /**
     * Seals {@code len} payload bytes sent at time {@code t} on {@code canId} into {@code frame}.
     *
     * @return the frame length (a legal CAN FD length), or {@link #SAME_TICK} if {@code t} is not
     *         after the last T claimed on this channel's time line (on any identifier): nothing
     *         was sealed, the caller waits for a later T
     * @throws IllegalArgumentException if the payload is longer than 54 bytes
     * @throws IllegalStateException    if no key exists for t (T below 2^23)
     */
    public int seal(long t, int canId, byte[] payload, int off, int len, byte[] frame, int frameOff) {
        StampLayout.requirePayloadLength(len);
        if (t < Timestamps.MIN_KEYED) {
            throw new IllegalStateException("no communication key for T=" + t + " (T must be at least 2^23)");
        }
        if (!timeLine.claim(t)) {
            return SAME_TICK;
        }
        keys.prepare(t);
        Aead aead = keys.forWindow(Timestamps.window(t));
        if (aead == null) {
            throw new IllegalStateException("no communication key for T=" + t + " (T must be at least 2^23)");
        }
        int padding = StampLayout.paddingFor(len);
        int body = len + padding;
        writeNonce(nonce, nonceLength, t, canId, seedSalt);
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
        return body + StampLayout.OVERHEAD;
    }

    /**
     * Opens a stamped frame received at the receiver's time {@code now}. On {@link Verdict#OK}
     * the unpadded payload is in {@code out} ({@link #openedLength()} bytes, sent at
     * {@link #openedTimestamp()}); otherwise {@code out} is untouched.
     */
    public Verdict open(long now, int canId, byte[] frame, int off, int len, byte[] out, int outOff) {
        return open(now, canId, frame, off, len, out, outOff, true);
    }

    /**
     * Checks only whether a frame that {@link #open} judged {@link Verdict#OUTSIDE_WINDOW} carries
     * a valid tag (its sender is mis-timed, or this node is): {@link Verdict#OK} if it verifies,
     * with its T in {@link #openedTimestamp()}. Nothing is released and the replay guard is not
     * touched; the frame stays rejected. Costs one more AEAD operation, for diagnosis only.
     */
    public Verdict verifyOutsideWindow(long now, int canId, byte[] frame, int off, int len) {
        return open(now, canId, frame, off, len, null, 0, false);
    }

    private Verdict open(long now, int canId, byte[] frame, int off, int len, byte[] out, int outOff, boolean deliver) {
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
        if (deliver && !window.accepts(t, now)) {
            return Verdict.OUTSIDE_WINDOW;
        }
        if (t < Timestamps.MIN_KEYED) {
            return Verdict.UNVERIFIABLE;
        }
        keys.prepare(now);
        long w = Timestamps.window(t);
        Aead first = keys.forWindow(w);
        if (first == null) {
            return Verdict.UNVERIFIABLE;
        }
        writeNonce(nonce, nonceLength, t, canId, seedSalt);
        StampLayout.writeAad(aad, canId, payloadLength);
        boolean ok = verify(first, frame, off, body, payloadLength);
        if (!ok) {
            // SPEC: a receiver whose first try fails tries the other slot (a sender may lag a roll-over).
            Aead other = keys.otherThan(w);
            ok = other != null && verify(other, frame, off, body, payloadLength);
        }
        if (!ok) {
            return Verdict.AUTH_FAILED; // a tampered copy of an accepted frame is a forgery, not a replay
        }
        if (!deliver) {
            wipe(body);
            openedTimestamp = t;
            return Verdict.OK;
        }
        // Only a frame whose tag verifies can be a replay: the replay check comes after the tag.
        if (replay.seen(canId, t)) {
            wipe(body);
            return Verdict.REPLAY;
        }
        release(frame, off, body, payloadLength, out, outOff);
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

    /** Checks the tag; in encrypt mode the plaintext is left in the private scratch buffer (see {@link #release}). */
    private boolean verify(Aead aead, byte[] frame, int off, int body, int payloadLength) {
        int tagOff = off + body + StampLayout.HEADER_LENGTH;
        if (mode == StampMode.ENCRYPT) {
            // The padding is decrypted with the payload; only the payload is released.
            return aead.open(nonce, 0, nonceLength, aad, 0, StampLayout.AAD_LENGTH, frame, off, body, scratch(body), 0, frame, tagOff);
        }
        System.arraycopy(frame, off, aad, StampLayout.AAD_LENGTH, payloadLength);
        return aead.verifyMac(nonce, 0, nonceLength, aad, 0, StampLayout.AAD_LENGTH + payloadLength, frame, tagOff);
    }

    /** Copies the verified payload to the caller and wipes the private copy. */
    private void release(byte[] frame, int off, int body, int payloadLength, byte[] out, int outOff) {
        if (mode == StampMode.ENCRYPT) {
            System.arraycopy(scratch, 0, out, outOff, payloadLength);
        } else {
            System.arraycopy(frame, off, out, outOff, payloadLength);
        }
        wipe(body);
    }

    private void wipe(int body) {
        if (mode == StampMode.ENCRYPT) {
            Arrays.fill(scratch, 0, body, (byte) 0);
        }
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
