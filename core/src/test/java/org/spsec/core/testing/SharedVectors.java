package org.spsec.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.spsec.core.bytes.Hex;

/**
 * Loads the project's shared vectors from {@code ../shared/vectors} (never copied into the code).
 * The location comes from the {@code spsec.shared.dir} system property that the build sets, or is
 * searched upwards from the working directory.
 */
public final class SharedVectors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SharedVectors() {}

    public static Path sharedDir() {
        String configured = System.getProperty("spsec.shared.dir");
        if (configured != null && Files.isDirectory(Path.of(configured, "vectors"))) {
            return Path.of(configured);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolveSibling("shared");
            if (Files.isDirectory(candidate.resolve("vectors"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("cannot find ../shared/vectors beside the checkout");
    }

    public static JsonNode load(String name) {
        Path file = sharedDir().resolve("vectors").resolve(name);
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The first (example-keys) vector of derived.json. */
    public static JsonNode derived() {
        return load("derived.json").get("vectors").get(0);
    }

    public static JsonNode aeadKat() {
        return load("aead-kat.json");
    }

    public static byte[] hex(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null) {
            throw new IllegalArgumentException("vector has no field " + field);
        }
        return Hex.parse(v.asText());
    }

    /** A CAN ID given as hex text in the vectors. */
    public static int canId(JsonNode node) {
        return (int) Long.parseLong(node.get("can_id").asText(), 16);
    }
}
