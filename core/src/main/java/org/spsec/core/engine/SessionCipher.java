package org.spsec.core.engine;

import java.util.Arrays;
import org.spsec.core.bytes.LittleEndian;
import org.spsec.core.crypto.Aead;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.keys.KeyDerivation;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.Salt;
import org.spsec.core.keys.SessionKey;

/**
 * The cryptography of one configuration session (SPEC section 7), shared by both ends:
 * the session key, the counter, the 16-byte nonces, the Finished transcripts and the register
 * messages. Holds no protocol state beyond the keys; the engines own the counter.
 *
 * <pre>
 *  nonce (16) = LE32(cnt) || salt of the key that opened the session (8) || 00 00 00 00
 *  cnt0       = LE32(client random[0..3] XOR server random[0..3])
 * </pre>
 */
public final class SessionCipher implements AutoCloseable {
    public static final int NONCE_LENGTH = 16;
    /** Refuse to go on at or beyond this counter value. */
    public static final long COUNTER_LIMIT = 0xFFFF_FFFFL - 1000;

    private final Aead aead;
    private final byte[] salt;
    private final byte[] nonce = new byte[NONCE_LENGTH];

    private SessionCipher(Aead aead, Salt salt) {
        this.aead = aead;
        this.salt = salt.copyBytes();
    }

    /** Derives the session key from the base key of the selector and both Hello randoms. */
    public static SessionCipher open(AeadAlgorithm algorithm, RootKey base, byte[] clientRandom, byte[] serverRandom) {
        try (SessionKey key = KeyDerivation.sessionKey(base.key(), clientRandom, serverRandom)) {
            return new SessionCipher(key.key().newAead(algorithm), base.salt());
        }
    }

    /** cnt0 = LE32(client random[0..3] XOR server random[0..3]), as an unsigned 32-bit value. */
    public static long initialCounter(byte[] clientRandom, byte[] serverRandom) {
        return LittleEndian.getU32(clientRandom, 0) ^ LittleEndian.getU32(serverRandom, 0);
    }

    /** ClientFinished associated data: selector, FF FF FF || client random || server random || LE32(CF CAN ID). */
    public static byte[] clientFinishedAad(int selector, byte[] clientRandom, byte[] serverRandom, int clientFinishedId) {
        byte[] a = new byte[40];
        a[0] = (byte) selector;
        a[1] = a[2] = a[3] = (byte) 0xFF;
        System.arraycopy(clientRandom, 0, a, 4, 16);
        System.arraycopy(serverRandom, 0, a, 20, 16);
        LittleEndian.putI32(a, 36, clientFinishedId);
        return a;
    }

    /** ServerFinished associated data: LE32(CF CAN ID) || client random || server random || CF tag8 || LE32(SF CAN ID). */
    public static byte[] serverFinishedAad(int clientFinishedId, byte[] clientRandom, byte[] serverRandom,
                                           byte[] clientFinishedTag, int serverFinishedId) {
        byte[] a = new byte[48];
        LittleEndian.putI32(a, 0, clientFinishedId);
        System.arraycopy(clientRandom, 0, a, 4, 16);
        System.arraycopy(serverRandom, 0, a, 20, 16);
        System.arraycopy(clientFinishedTag, 0, a, 36, 8);
        LittleEndian.putI32(a, 44, serverFinishedId);
        return a;
    }

    /** A Finished tag: the transcript as associated data, empty plaintext. */
    public byte[] finishedTag(long counter, byte[] transcript) {
        byte[] tag = new byte[Aead.TAG_LENGTH];
        aead.mac(nonce(counter), 0, NONCE_LENGTH, transcript, 0, transcript.length, tag, 0);
        return tag;
    }

    public boolean verifyFinished(long counter, byte[] transcript, byte[] tag, int tagOff) {
        return aead.verifyMac(nonce(counter), 0, NONCE_LENGTH, transcript, 0, transcript.length, tag, tagOff);
    }

    /** A register message or Terminate: ct(plaintext) || tag8, associated data LE32(CAN ID of that frame). */
    public byte[] seal(long counter, int canId, byte[] plaintext) {
        byte[] out = new byte[plaintext.length + Aead.TAG_LENGTH];
        byte[] aad = LittleEndian.u32(canId);
        aead.seal(nonce(counter), 0, NONCE_LENGTH, aad, 0, 4, plaintext, 0, plaintext.length, out, 0, out, plaintext.length);
        return out;
    }

    /**
     * Opens {@code plaintextLength} bytes of ciphertext followed by the tag at the start of
     * {@code data} (fill after the tag is ignored). Returns the plaintext, or null if it does not verify.
     */
    public byte[] open(long counter, int canId, byte[] data, int plaintextLength) {
        if (plaintextLength < 0 || data.length < plaintextLength + Aead.TAG_LENGTH) {
            return null;
        }
        byte[] out = new byte[plaintextLength];
        byte[] aad = LittleEndian.u32(canId);
        if (!aead.open(nonce(counter), 0, NONCE_LENGTH, aad, 0, 4, data, 0, plaintextLength, out, 0, data, plaintextLength)) {
            return null;
        }
        return out;
    }

    @Override
    public void close() {
        aead.close();
        Arrays.fill(salt, (byte) 0);
        Arrays.fill(nonce, (byte) 0);
    }

    private byte[] nonce(long counter) {
        if (counter < 0 || counter >= COUNTER_LIMIT) {
            throw new IllegalStateException("session counter exhausted");
        }
        LittleEndian.putI32(nonce, 0, (int) counter);
        System.arraycopy(salt, 0, nonce, 4, Salt.LENGTH);
        Arrays.fill(nonce, 12, 16, (byte) 0);
        return nonce;
    }
}
