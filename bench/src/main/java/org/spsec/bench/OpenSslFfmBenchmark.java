package org.spsec.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A candidate backend measured before deciding on it: the system's OpenSSL 3 (libcrypto.so.3)
 * called through the FFM API, the same EVP sequence as {@code ../shared/tools/stampbench.c}
 * (context and key set once; per frame: set the nonce, AAD, data, final, tag), on the same
 * 48-byte seal as {@link AeadChoiceBenchmark}. Heap arrays are passed directly ("critical"
 * downcalls), so nothing is copied or allocated per call. {@code emptyDowncall} is the cost of
 * one such call into libcrypto doing nothing useful.
 *
 * <p>Not a backend of the library: see docs/PERFORMANCE.md for why.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class OpenSslFfmBenchmark {
    private static final int EVP_CTRL_GCM_GET_TAG = 0x10;

    private final byte[] key = new byte[32];
    private final byte[] nonce = new byte[12];
    private final byte[] aad = {1, 2, 3, 4, 5};
    private final byte[] plaintext = new byte[48];
    private final byte[] out = new byte[64];
    private final byte[] tag = new byte[16];
    private Arena arena;
    private MemorySegment ctx;
    private MemorySegment outLen;
    private MethodHandle init;
    private MethodHandle update;
    private MethodHandle finalEx;
    private MethodHandle ctrl;
    private MethodHandle blockSize;
    private long counter;

    @Setup
    public void setUp() throws Throwable {
        arena = Arena.ofConfined();
        Linker linker = Linker.nativeLinker();
        SymbolLookup crypto = SymbolLookup.libraryLookup("libcrypto.so.3", arena);
        Linker.Option critical = Linker.Option.critical(true);
        MethodHandle newCtx = linker.downcallHandle(crypto.findOrThrow("EVP_CIPHER_CTX_new"), FunctionDescriptor.of(ValueLayout.ADDRESS));
        MethodHandle aes256gcm = linker.downcallHandle(crypto.findOrThrow("EVP_aes_256_gcm"), FunctionDescriptor.of(ValueLayout.ADDRESS));
        init = linker.downcallHandle(crypto.findOrThrow("EVP_EncryptInit_ex"), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS), critical);
        update = linker.downcallHandle(crypto.findOrThrow("EVP_EncryptUpdate"), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), critical);
        finalEx = linker.downcallHandle(crypto.findOrThrow("EVP_EncryptFinal_ex"), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS), critical);
        ctrl = linker.downcallHandle(crypto.findOrThrow("EVP_CIPHER_CTX_ctrl"), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS), critical);
        blockSize = linker.downcallHandle(crypto.findOrThrow("EVP_CIPHER_CTX_get_block_size"), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS), critical);
        for (int i = 0; i < 32; i++) {
            key[i] = (byte) i;
        }
        ctx = (MemorySegment) newCtx.invokeExact();
        MemorySegment cipher = (MemorySegment) aes256gcm.invokeExact();
        outLen = arena.allocate(ValueLayout.JAVA_INT);
        check((int) init.invokeExact(ctx, cipher, MemorySegment.NULL, MemorySegment.ofArray(key), MemorySegment.NULL));
    }

    @TearDown
    public void tearDown() throws Throwable {
        MethodHandle free = Linker.nativeLinker().downcallHandle(
                SymbolLookup.libraryLookup("libcrypto.so.3", arena).findOrThrow("EVP_CIPHER_CTX_free"),
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
        free.invokeExact(ctx);
        arena.close();
    }

    @Benchmark
    public byte[] seal() throws Throwable {
        nonce[0] = (byte) ++counter;
        MemorySegment o = MemorySegment.ofArray(out);
        check((int) init.invokeExact(ctx, MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL, MemorySegment.ofArray(nonce)));
        check((int) update.invokeExact(ctx, MemorySegment.NULL, outLen, MemorySegment.ofArray(aad), aad.length));
        check((int) update.invokeExact(ctx, o, outLen, MemorySegment.ofArray(plaintext), plaintext.length));
        check((int) finalEx.invokeExact(ctx, o, outLen));
        check((int) ctrl.invokeExact(ctx, EVP_CTRL_GCM_GET_TAG, 16, MemorySegment.ofArray(tag)));
        return tag;
    }

    @Benchmark
    public int emptyDowncall() throws Throwable {
        return (int) blockSize.invokeExact(ctx);
    }

    private static void check(int rc) {
        if (rc != 1) {
            throw new IllegalStateException("OpenSSL call failed");
        }
    }
}
