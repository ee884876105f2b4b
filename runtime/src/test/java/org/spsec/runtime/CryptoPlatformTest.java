package org.spsec.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CryptoPlatformTest {

    @Test
    void aJvmOnAProcessorWithAesInstructionsGetsNoWarning() throws Exception {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        assumeTrue(Files.isReadable(cpuinfo) && Files.readString(cpuinfo).matches("(?s).*\\bflags\\s*:.*\\baes\\b.*"),
                "the processor has no AES instructions");
        assertThat(CryptoPlatform.aesWarning()).isEmpty();
    }

    @Test
    void warnsWhenTheIntrinsicsAreOffOrUnknown() {
        assertThat(CryptoPlatform.aesWarning("true", null)).isEmpty();
        assertThat(CryptoPlatform.aesWarning("true", "true")).isEmpty();
        assertThat(CryptoPlatform.aesWarning("false", null)).get().asString()
                .contains("UseAES is off").contains("secret").doesNotContain("\n");
        assertThat(CryptoPlatform.aesWarning("true", "false")).get().asString().contains("UseAESIntrinsics is off");
        assertThat(CryptoPlatform.aesWarning(null, null)).get().asString().contains("does not report");
    }
}
