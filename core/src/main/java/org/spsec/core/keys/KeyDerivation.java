package org.spsec.core.keys;

import org.spsec.core.bytes.LittleEndian;
import org.spsec.core.crypto.Hkdf;
import org.spsec.core.model.Csalt;
import org.spsec.core.time.Timestamps;

/** The key schedule of SPEC section 4; every derivation is HKDF-SHA256 with empty info. */
public final class KeyDerivation {
    public static final int RANDOM_LENGTH = 16;

    private KeyDerivation() {}

    /** Session key = HKDF(ikm = base key of the selector, salt = client random || server random). */
    public static SessionKey sessionKey(KeyMaterial base, byte[] clientRandom, byte[] serverRandom) {
        requireLength(clientRandom, RANDOM_LENGTH, "client random");
        requireLength(serverRandom, RANDOM_LENGTH, "server random");
        byte[] salt = new byte[32];
        System.arraycopy(clientRandom, 0, salt, 0, 16);
        System.arraycopy(serverRandom, 0, salt, 16, 16);
        return new SessionKey(KeyMaterial.adopt(Hkdf.derive32(base.view(), salt)));
    }

    /** The HKDF salt of window m: LE64(m * 2^24 + 2^23) || csalt (the window's midpoint). */
    public static byte[] communicationSalt(long window, Csalt csalt) {
        byte[] salt = new byte[12];
        LittleEndian.putI64(salt, 0, Timestamps.windowMidpoint(window));
        csalt.copyTo(salt, 8);
        return salt;
    }

    /** K_m = HKDF(ikm = Seed key, salt = LE64(m * 2^24 + 2^23) || csalt). */
    public static CommunicationKey communicationKey(KeyMaterial seed, Csalt csalt, long window) {
        if (window < 0 || window > Timestamps.MAX_WINDOW) {
            throw new IllegalArgumentException("window out of range: " + window);
        }
        return new CommunicationKey(window, KeyMaterial.adopt(Hkdf.derive32(seed.view(), communicationSalt(window, csalt))));
    }

    /** HKDF(ikm = Seed key, salt = request random[0..11] || LE64(timestamp) || csalt). */
    public static ParameterAuthenticationKey parameterAuthenticationKey(KeyMaterial seed, byte[] requestRandom, long timestamp, Csalt csalt) {
        requireLength(requestRandom, RANDOM_LENGTH, "request random");
        byte[] salt = new byte[24];
        System.arraycopy(requestRandom, 0, salt, 0, 12);
        LittleEndian.putI64(salt, 12, timestamp);
        csalt.copyTo(salt, 20);
        return new ParameterAuthenticationKey(KeyMaterial.adopt(Hkdf.derive32(seed.view(), salt)));
    }

    private static void requireLength(byte[] b, int n, String what) {
        if (b.length != n) {
            throw new IllegalArgumentException(what + " must be " + n + " bytes, got " + b.length);
        }
    }
}
