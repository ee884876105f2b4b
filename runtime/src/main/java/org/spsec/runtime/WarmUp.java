package org.spsec.runtime;

import java.security.SecureRandom;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.engine.GroupChannel;
import org.spsec.core.engine.StampMode;
import org.spsec.core.engine.TimeResponseAuth;
import org.spsec.core.keys.KeyMaterial;
import org.spsec.core.keys.Salt;
import org.spsec.core.model.Csalt;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.time.AcceptanceWindow;

/**
 * Runs the time-critical crypto paths with throw-away keys before a node joins the bus, so the
 * JIT has compiled them: a Sync reads T when a time request arrives and answers after deriving a
 * key, and every millisecond of a cold answer becomes clock error at the participant.
 */
public final class WarmUp {
    private WarmUp() {}

    public static void run(AeadAlgorithm algorithm, int rounds) {
        SecureRandom r = new SecureRandom();
        byte[] k = new byte[32];
        r.nextBytes(k);
        try (KeyMaterial key = KeyMaterial.copyOf(k);
             GroupChannel a = new GroupChannel(algorithm, key, Salt.zero(), Csalt.copyOf(new byte[] {1, 2, 3, 4}), StampMode.ENCRYPT, AcceptanceWindow.DEFAULT);
             GroupChannel b = new GroupChannel(algorithm, key, Salt.zero(), Csalt.copyOf(new byte[] {1, 2, 3, 4}), StampMode.ENCRYPT, AcceptanceWindow.DEFAULT)) {
            byte[] frame = new byte[64];
            byte[] out = new byte[64];
            byte[] random = new byte[16];
            long t = 1L << 30;
            for (int i = 0; i < rounds; i++) {
                TimeResponseAuth.tag(algorithm, key, random, t + i, Csalt.copyOf(new byte[] {1, 2, 3, 4}), ParticipantId.of(1 + i % 127));
                int n = a.seal(t + i, 0x100, frame, 0, 16, frame, 0);
                b.open(t + i, 0x100, frame, 0, n, out, 0);
            }
        }
    }
}
