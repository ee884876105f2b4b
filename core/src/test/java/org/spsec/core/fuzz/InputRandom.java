package org.spsec.core.fuzz;

import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/** A SecureRandom seeded from the fuzz input, so that every finding replays exactly. */
final class InputRandom {
    private InputRandom() {}

    static SecureRandom of(long seed) {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(ByteBuffer.allocate(8).putLong(seed).array());
            return r;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
