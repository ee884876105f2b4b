package org.spsec.bench;

import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The floor under AES-GCM: what the JDK's AES-NI-backed AES costs for 1 and 5 blocks (a 48-byte stamp needs 5). */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class AesBlockBenchmark {
    @Param({"1", "5"})
    public int blocks;

    private Cipher aes;
    private final byte[] in = new byte[80];
    private final byte[] out = new byte[80];

    @Setup
    public void setUp() throws Exception {
        aes = Cipher.getInstance("AES/ECB/NoPadding");
        aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[32], "AES"));
    }

    @Benchmark
    public byte[] encrypt() throws ShortBufferException {
        aes.update(in, 0, 16 * blocks, out, 0);
        return out;
    }
}
