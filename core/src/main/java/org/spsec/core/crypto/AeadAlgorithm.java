package org.spsec.core.crypto;

import java.util.Locale;

/** The three AEADs an SPsec network may be commissioned with (exactly one per network). */
public enum AeadAlgorithm {
    /** Default. Uses the whole nonce it is given (12 bytes on the data plane, 16 in sessions). */
    AES_256_GCM("aes-256-gcm", 12),
    /** Uses the first 12 bytes of the nonce it is given. */
    CHACHA20_POLY1305("chacha20-poly1305", 12),
    /** NIST SP 800-232; uses the last 16 bytes of the 32-byte key and a 16-byte nonce. */
    ASCON_AEAD128("ascon-aead128", 16);

    /** All SPsec keys are 32 bytes, whatever the algorithm uses of them. */
    public static final int KEY_LENGTH = 32;

    private final String cliName;
    private final int dataNonceLength;

    AeadAlgorithm(String cliName, int dataNonceLength) {
        this.cliName = cliName;
        this.dataNonceLength = dataNonceLength;
    }

    /** The lower-case name used on the command line and in files. */
    public String cliName() { return cliName; }

    /** Nonce length of data-plane stamps and parameter authentication (12, or 16 for Ascon). */
    public int dataNonceLength() { return dataNonceLength; }

    /** A keyed instance; the key bytes are copied into the cipher's own state. */
    public Aead newAead(byte[] key32) {
        if (key32.length != KEY_LENGTH) {
            throw new IllegalArgumentException("SPsec keys are 32 bytes, got " + key32.length);
        }
        return switch (this) {
            case AES_256_GCM -> new AesGcm(key32);
            case CHACHA20_POLY1305 -> new ChaCha20Poly1305(key32);
            case ASCON_AEAD128 -> new AsconAead128(key32);
        };
    }

    /** Parses a CLI or file name such as {@code aes-256-gcm} (case-insensitive; '_' accepted for '-'). */
    public static AeadAlgorithm parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (AeadAlgorithm a : values()) {
            if (a.cliName.equals(n)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown AEAD '" + name
                + "' (expected aes-256-gcm, chacha20-poly1305 or ascon-aead128)");
    }
}
