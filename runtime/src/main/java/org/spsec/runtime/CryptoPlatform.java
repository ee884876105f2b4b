package org.spsec.runtime;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import java.util.Optional;

/**
 * What the JVM offers the crypto underneath SPsec. AES-256-GCM takes its AES from the JDK, which
 * uses the processor's AES instructions when HotSpot's AES intrinsics are on. Without them the
 * JDK's AES falls back to lookup tables indexed by key and data: slower, and its timing depends
 * on secrets. Start-up code prints {@link #aesWarning()} as one line when that is the case.
 */
public final class CryptoPlatform {
    private CryptoPlatform() {}

    /** A one-line warning when AES runs without hardware instructions; empty when all is well. */
    public static Optional<String> aesWarning() {
        // UseAES is a product flag; UseAESIntrinsics is diagnostic and readable only when unlocked.
        return aesWarning(vmOption("UseAES"), vmOption("UseAESIntrinsics"));
    }

    /** The warning for given values of the VM options (null: the JVM does not say). */
    static Optional<String> aesWarning(String useAes, String useAesIntrinsics) {
        String why;
        if ("false".equals(useAes)) {
            why = "the JVM runs without AES instructions (UseAES is off)";
        } else if ("false".equals(useAesIntrinsics)) {
            why = "the JVM runs without AES intrinsics (UseAESIntrinsics is off)";
        } else if ("true".equals(useAes)) {
            return Optional.empty();
        } else {
            why = "this JVM does not report whether AES uses processor instructions";
        }
        return Optional.of(why + ": the JDK's AES then uses lookup tables indexed by secret data, so AES-256-GCM timing can leak key bits;"
                + " use a HotSpot JVM on a processor with AES instructions, or --aead chacha20-poly1305 / ascon-aead128");
    }

    private static String vmOption(String name) {
        try {
            HotSpotDiagnosticMXBean bean = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (bean == null) {
                return null;
            }
            VMOption option = bean.getVMOption(name);
            return option.getValue();
        } catch (RuntimeException | LinkageError e) {
            return null; // not HotSpot, a locked diagnostic option, or jdk.management absent
        }
    }
}
