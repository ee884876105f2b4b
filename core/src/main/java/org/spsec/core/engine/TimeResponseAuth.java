package org.spsec.core.engine;

import org.spsec.core.bytes.LittleEndian;
import org.spsec.core.crypto.Aead;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.keys.KeyDerivation;
import org.spsec.core.keys.KeyMaterial;
import org.spsec.core.keys.ParameterAuthenticationKey;
import org.spsec.core.model.Csalt;
import org.spsec.core.model.ParticipantId;

/**
 * The tag of a time response (Parameter Authentication, SPEC section 7):
 * key = HKDF(Seed key, request random[0..11] || LE64(T) || csalt), nonce all zero,
 * empty plaintext, associated data = request random (16) || LE64(T) || csalt || LE32(00230800h | 80h | pid).
 *
 * <p>The reference leaves the 06h prefix byte out of the identifier in the associated data;
 * so do we, or no reference peer would verify.
 */
public final class TimeResponseAuth {
    private TimeResponseAuth() {}

    public static byte[] tag(AeadAlgorithm algorithm, KeyMaterial seed, byte[] requestRandom, long timestamp,
                             Csalt csalt, ParticipantId participant) {
        byte[] tag = new byte[Aead.TAG_LENGTH];
        byte[] aad = associatedData(requestRandom, timestamp, csalt, participant);
        try (ParameterAuthenticationKey key = KeyDerivation.parameterAuthenticationKey(seed, requestRandom, timestamp, csalt);
             Aead aead = key.key().newAead(algorithm)) {
            byte[] nonce = new byte[algorithm.dataNonceLength()];
            aead.mac(nonce, 0, nonce.length, aad, 0, aad.length, tag, 0);
        }
        return tag;
    }

    public static boolean verify(AeadAlgorithm algorithm, KeyMaterial seed, byte[] requestRandom, long timestamp,
                                 Csalt csalt, ParticipantId participant, byte[] tag) {
        byte[] aad = associatedData(requestRandom, timestamp, csalt, participant);
        try (ParameterAuthenticationKey key = KeyDerivation.parameterAuthenticationKey(seed, requestRandom, timestamp, csalt);
             Aead aead = key.key().newAead(algorithm)) {
            byte[] nonce = new byte[algorithm.dataNonceLength()];
            return aead.verifyMac(nonce, 0, nonce.length, aad, 0, aad.length, tag, 0);
        }
    }

    static byte[] associatedData(byte[] requestRandom, long timestamp, Csalt csalt, ParticipantId participant) {
        byte[] aad = new byte[32];
        System.arraycopy(requestRandom, 0, aad, 0, 16);
        LittleEndian.putI64(aad, 16, timestamp);
        csalt.copyTo(aad, 24);
        LittleEndian.putI32(aad, 28, 0x0023_0800 | 0x80 | participant.value());
        return aad;
    }
}
