package org.spsec.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistentTimestampTest {
    @TempDir
    Path tmp;

    /** Many "restarts" (each a new instance over the same file): no T is ever used twice. */
    @Test
    void aRestartedNodeNeverReusesATimestamp() throws IOException {
        TimestampStore store = new TimestampStore(tmp.resolve("timestamp"));
        SecureRandom random = new SecureRandom();
        long highestUsed = 0;
        for (int run = 0; run < 50; run++) {
            PersistentTimestamp ts = PersistentTimestamp.open(store, random);
            assertThat(ts.start()).as("run %d starts after everything used before", run).isGreaterThan(highestUsed);
            assertThat(ts.start()).isGreaterThanOrEqualTo(1L << 24);
            long t = ts.start();
            long steps = random.nextInt(2_000);
            for (int i = 0; i < steps; i++) {
                t += random.nextInt(20_000); // up to 2 s between frames
                ts.beforeUse(t);
                assertThat(store.load().getAsLong()).as("mark durably ahead of t").isGreaterThan(t);
                highestUsed = t;
            }
        }
    }

    @Test
    void aFreshNodeStartsAtARandomKeyableValue() throws IOException {
        PersistentTimestamp a = PersistentTimestamp.open(new TimestampStore(tmp.resolve("a")), new SecureRandom());
        PersistentTimestamp b = PersistentTimestamp.open(new TimestampStore(tmp.resolve("b")), new SecureRandom());
        assertThat(a.start()).isNotEqualTo(b.start());
        assertThat(a.mark()).isGreaterThan(a.start());
    }
}
