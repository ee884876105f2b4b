package org.spsec.bench;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
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
import org.spsec.core.crypto.Aead;
import org.spsec.core.crypto.AeadAlgorithm;

/**
 * Why AES-256-GCM is composed in-house: the same 48-byte seal (12-byte nonce, 5-byte associated
 * data, 8-byte tag) with the JDK's GCM cipher (a new nonce needs a new init, and a 16-byte tag is
 * computed and cut) and with Bouncy Castle's GCM at 64 bits, against ours.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class AeadChoiceBenchmark {
    private final byte[] key = new byte[32];
    private final byte[] nonce = new byte[12];
    private final byte[] aad = {1, 2, 3, 4, 5};
    private final byte[] plaintext = new byte[48];
    private final byte[] out = new byte[64];
    private final byte[] tag = new byte[8];
    private Aead ours;
    private Cipher jdk;
    private SecretKeySpec jdkKey;
    private GCMBlockCipher bc;
    private KeyParameter bcKey;
    private long counter;

    @Setup
    public void setUp() throws Exception {
        for (int i = 0; i < 32; i++) {
            key[i] = (byte) i;
        }
        ours = AeadAlgorithm.AES_256_GCM.newAead(key);
        jdk = Cipher.getInstance("AES/GCM/NoPadding");
        jdkKey = new SecretKeySpec(key, "AES");
        bc = (GCMBlockCipher) GCMBlockCipher.newInstance(AESEngine.newInstance());
        bcKey = new KeyParameter(key);
    }

    private void nextNonce() {
        ByteBuffer.wrap(nonce).putLong(++counter);
    }

    @Benchmark
    public byte[] ours() {
        nextNonce();
        ours.seal(nonce, 0, 12, aad, 0, 5, plaintext, 0, 48, out, 0, tag, 0);
        return tag;
    }

    @Benchmark
    public byte[] jdkCipher() throws Exception {
        nextNonce();
        jdk.init(Cipher.ENCRYPT_MODE, jdkKey, new GCMParameterSpec(128, nonce));
        jdk.updateAAD(aad);
        jdk.doFinal(plaintext, 0, 48, out, 0);
        System.arraycopy(out, 48, tag, 0, 8);
        return tag;
    }

    @Benchmark
    public byte[] bouncyCastle64() throws InvalidCipherTextException {
        nextNonce();
        bc.init(true, new AEADParameters(bcKey, 64, nonce, aad));
        int n = bc.processBytes(plaintext, 0, 48, out, 0);
        bc.doFinal(out, n);
        return out;
    }
}
