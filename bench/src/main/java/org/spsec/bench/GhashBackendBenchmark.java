package org.spsec.bench;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A rejected variant, kept so the figure can be reproduced: the JDK's own GHASH (its HotSpot
 * intrinsic, carry-less multiply instructions) called directly on the six blocks of a 48-byte
 * stamp. It is private to {@code java.base} ({@code --add-opens} needed), and the intrinsic
 * trusts its caller for bounds: see docs/PERFORMANCE.md for the numbers and why it is not used.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/com.sun.crypto.provider=ALL-UNNAMED")
@State(Scope.Thread)
public class GhashBackendBenchmark {
    static final MethodHandle PROCESS;

    static {
        try {
            Class<?> c = Class.forName("com.sun.crypto.provider.GHASH");
            PROCESS = MethodHandles.privateLookupIn(c, MethodHandles.lookup()).findStatic(c, "processBlocks",
                    MethodType.methodType(void.class, byte[].class, int.class, int.class, long[].class, long[].class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final byte[] data = new byte[96];
    private final long[] state = new long[2];
    private final long[] subH = new long[18];

    @Setup
    public void setUp() {
        subH[0] = 0x66e94bd4ef8a2c3bL;
        subH[1] = 0x884cfa59ca342b2eL;
    }

    @Benchmark
    public long[] jdkSixBlocks() throws Throwable {
        state[0] = 0;
        state[1] = 0;
        PROCESS.invokeExact(data, 0, 6, state, subH);
        return state;
    }
}
