package org.spsec.core.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF-SHA256 (RFC 5869). SPsec always uses an empty {@code info} and 32 bytes of output;
 * the general form is kept for the RFC test cases.
 */
public final class Hkdf {
    private static final int HASH_LENGTH = 32;

    private Hkdf() {}

    /** SPsec's KDF: {@code HKDF(ikm, salt)} with empty info, 32-byte output. */
    public static byte[] derive32(byte[] ikm, byte[] salt) {
        return derive(ikm, salt, new byte[0], 32);
    }

    public static byte[] derive(byte[] ikm, byte[] salt, byte[] info, int length) {
        if (length <= 0 || length > 255 * HASH_LENGTH) {
            throw new IllegalArgumentException("HKDF output length out of range: " + length);
        }
        byte[] prk = null;
        byte[] t = new byte[0];
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            // RFC 5869 2.2: a missing salt is HashLen zero bytes (SecretKeySpec refuses empty keys).
            mac.init(new SecretKeySpec(salt.length == 0 ? new byte[HASH_LENGTH] : salt, "HmacSHA256"));
            prk = mac.doFinal(ikm);
            mac.init(new SecretKeySpec(prk, "HmacSHA256"));
            byte[] out = new byte[length];
            int done = 0;
            for (int i = 1; done < length; i++) {
                mac.update(t);
                mac.update(info);
                mac.update((byte) i);
                Arrays.fill(t, (byte) 0);
                t = mac.doFinal();
                int n = Math.min(t.length, length - done);
                System.arraycopy(t, 0, out, done, n);
                done += n;
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        } finally {
            if (prk != null) {
                Arrays.fill(prk, (byte) 0);
            }
            Arrays.fill(t, (byte) 0);
        }
    }
}
