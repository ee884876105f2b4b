package org.spsec.core.testing;

import static org.spsec.core.testing.SharedVectors.hex;

import com.fasterxml.jackson.databind.JsonNode;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.engine.GroupChannel;
import org.spsec.core.engine.StampMode;
import org.spsec.core.keys.KeyMaterial;
import org.spsec.core.keys.Salt;
import org.spsec.core.model.Csalt;
import org.spsec.core.time.AcceptanceWindow;

/** The public example keys of derived.json, for tests that need a working group. */
public final class TestKeys {
    private TestKeys() {}

    public static KeyMaterial seed() {
        return KeyMaterial.copyOf(hex(SharedVectors.derived(), "seed_key"));
    }

    public static Salt seedSalt() {
        return Salt.copyOf(hex(SharedVectors.derived(), "seed_salt"));
    }

    public static Csalt csalt() {
        return Csalt.copyOf(hex(SharedVectors.derived(), "csalt"));
    }

    public static GroupChannel channel(AeadAlgorithm algorithm, StampMode mode) {
        return channel(algorithm, mode, org.spsec.core.time.TimeLine.standalone());
    }

    /** A channel on the vectors' keys that seals on {@code timeLine} (a node's one time line). */
    public static GroupChannel channel(AeadAlgorithm algorithm, StampMode mode, org.spsec.core.time.TimeLine timeLine) {
        JsonNode v = SharedVectors.derived();
        return new GroupChannel(algorithm, KeyMaterial.copyOf(hex(v, "seed_key")), Salt.copyOf(hex(v, "seed_salt")),
                Csalt.copyOf(hex(v, "csalt")), mode, AcceptanceWindow.DEFAULT, timeLine);
    }
}
