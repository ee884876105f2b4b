package org.spsec.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.keys.KeyFile;
import org.spsec.core.keys.KeyFileException;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.transport.BusSpec;
import org.spsec.transport.CanBus;

/** Turning command-line input into protocol objects, with the same one-line errors everywhere. */
final class CliInputs {
    private CliInputs() {}

    /** {@code --aead}: a usage error for an unknown name. */
    static AeadAlgorithm aead(String name) {
        try {
            return AeadAlgorithm.parse(name);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage(), SpsecMain.EXIT_USAGE);
        }
    }

    /** A key file (SPEC section 12), read whole; the caller owns the keys. */
    static Map<RootKeyKind, RootKey> keyFile(Path file) {
        try {
            return KeyFile.parse(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (NoSuchFileException e) {
            throw new UserException("no such file: " + file);
        } catch (KeyFileException e) {
            throw new UserException(file + ": " + e.getMessage());
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** The Seed key and salt of a key file. */
    static RootKey seedKey(Path file) {
        RootKey seed = keyFile(file).get(RootKeyKind.SEED);
        if (seed == null) {
            throw new UserException(file + " has no seed_key and seed_salt");
        }
        return seed;
    }

    /** {@code --bus}: a usage error for a bad specification, a failure for a bus that cannot be opened. */
    static CanBus openBus(String spec, String nodeName) {
        BusSpec parsed;
        try {
            parsed = BusSpec.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new UserException("--bus: " + e.getMessage(), SpsecMain.EXIT_USAGE);
        }
        try {
            return parsed.open(nodeName);
        } catch (IOException e) {
            throw new UserException("cannot open bus " + spec + ": " + e.getMessage());
        }
    }
}
