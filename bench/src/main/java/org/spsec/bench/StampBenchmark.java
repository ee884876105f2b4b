package org.spsec.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.engine.GroupChannel;
import org.spsec.core.engine.StampMode;
import org.spsec.core.engine.Verdict;
import org.spsec.core.keys.KeyMaterial;
import org.spsec.core.keys.Salt;
import org.spsec.core.model.Csalt;
import org.spsec.core.time.AcceptanceWindow;

/**
 * The data-plane hot path: sealing and opening one Security Stamp, as a node does per frame
 * (window check, replay check, key slot, AEAD, padding). Sample mode gives the median per operation.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class StampBenchmark {
    private static final long T0 = 0x0000_0123_4500_0000L + 1000;
    private static final int RING = 4096;
    private static final int ID = 0x181;

    @Param({"AES_256_GCM", "CHACHA20_POLY1305", "ASCON_AEAD128"})
    public AeadAlgorithm algorithm;

    @Param({"8", "48", "54"})
    public int payloadLength;

    private GroupChannel sender;
    private GroupChannel receiver;
    private byte[] payload;
    private byte[] frame;
    private byte[][] ring;
    private int[] ringLength;
    private byte[] out;
    private long t;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        byte[] seed = new byte[32];
        for (int i = 0; i < 32; i++) {
            seed[i] = (byte) (0x41 + i);
        }
        byte[] salt = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, (byte) 0x88};
        Csalt csalt = Csalt.copyOf(new byte[] {(byte) 0xA1, (byte) 0xB2, (byte) 0xC3, (byte) 0xD4});
        sender = new GroupChannel(algorithm, KeyMaterial.copyOf(seed), Salt.copyOf(salt), csalt, StampMode.ENCRYPT, AcceptanceWindow.DEFAULT);
        receiver = new GroupChannel(algorithm, KeyMaterial.copyOf(seed), Salt.copyOf(salt), csalt, StampMode.ENCRYPT, AcceptanceWindow.DEFAULT);
        payload = new byte[payloadLength];
        frame = new byte[64];
        out = new byte[64];
        ring = new byte[RING][64];
        ringLength = new int[RING];
        GroupChannel ringSender = new GroupChannel(algorithm, KeyMaterial.copyOf(seed), Salt.copyOf(salt), csalt, StampMode.ENCRYPT, AcceptanceWindow.DEFAULT);
        for (int i = 0; i < RING; i++) {
            ringLength[i] = ringSender.seal(T0 + i, ID, payload, 0, payloadLength, ring[i], 0);
        }
        ringSender.close();
        for (int i = 0; i < RING; i++) {
            if (receiver.open(T0 + i, ID, ring[i], 0, ringLength[i], out, 0) != Verdict.OK) {
                throw new IllegalStateException("benchmark frames do not verify");
            }
        }
        receiver.replayGuard().clear();
        t = T0;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sender.close();
        receiver.close();
    }

    /** A fresh timestamp each time, as a sender at one frame per tick. */
    @Benchmark
    public int seal() {
        return sender.seal(++t, ID, payload, 0, payloadLength, frame, 0);
    }

    /** Opens distinct frames in turn; the replay history is cleared each time the ring wraps. */
    @Benchmark
    public Verdict open() {
        int i = next;
        next = (i + 1) & (RING - 1);
        if (i == 0) {
            receiver.replayGuard().clear();
        }
        Verdict v = receiver.open(T0 + i, ID, ring[i], 0, ringLength[i], out, 0);
        if (v != Verdict.OK) {
            throw new IllegalStateException("benchmark frame rejected: " + v); // never measure a rejection path
        }
        return v;
    }
}
