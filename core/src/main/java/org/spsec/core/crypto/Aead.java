package org.spsec.core.crypto;

/**
 * One AEAD bound to one key, as SPsec uses it: every tag on the wire is the first
 * {@value #TAG_LENGTH} bytes of the algorithm's 16-byte tag.
 *
 * <p>Instances keep scratch state so that sealing and opening allocate nothing; they are not
 * thread-safe. Input and output may be the same array at the same offset.
 */
public interface Aead extends AutoCloseable {
    /** Bytes of tag carried on the wire. */
    int TAG_LENGTH = 8;

    AeadAlgorithm algorithm();

    /** Encrypts {@code len} bytes and writes the 8-byte tag. */
    void seal(byte[] nonce, int nonceOff, int nonceLen,
              byte[] aad, int aadOff, int aadLen,
              byte[] in, int inOff, int len,
              byte[] out, int outOff,
              byte[] tag, int tagOff);

    /**
     * Verifies the 8-byte tag in constant time and only then decrypts. On failure returns false
     * and writes nothing to {@code out}: unverified plaintext is never released.
     */
    boolean open(byte[] nonce, int nonceOff, int nonceLen,
                 byte[] aad, int aadOff, int aadLen,
                 byte[] in, int inOff, int len,
                 byte[] out, int outOff,
                 byte[] tag, int tagOff);

    /** Authentication only: the tag over {@code data} as associated data, empty plaintext. */
    default void mac(byte[] nonce, int nonceOff, int nonceLen, byte[] data, int off, int len, byte[] tag, int tagOff) {
        seal(nonce, nonceOff, nonceLen, data, off, len, data, off, 0, data, off, tag, tagOff);
    }

    /** Verifies a tag made by {@link #mac}. */
    default boolean verifyMac(byte[] nonce, int nonceOff, int nonceLen, byte[] data, int off, int len, byte[] tag, int tagOff) {
        return open(nonce, nonceOff, nonceLen, data, off, len, data, off, 0, data, off, tag, tagOff);
    }

    /** Wipes the key schedule this instance holds; the instance is unusable afterwards. */
    @Override
    void close();
}
