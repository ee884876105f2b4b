package org.spsec.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store keeps what the engine writes, at every size a register allows, and refuses what it never writes. */
class FileParticipantStorageTest {
    @TempDir
    Path tmp;

    @Test
    void theLargestRegisterWrittenIsReadBackAfterARestart() throws IOException {
        FileParticipantStorage s = new FileParticipantStorage(tmp.resolve("p"));
        byte[] image = new byte[4096]; // 92h, the code update image, at its largest
        for (int i = 0; i < image.length; i++) {
            image[i] = (byte) i;
        }
        s.storeRegister(0x92, image);
        FileParticipantStorage again = new FileParticipantStorage(tmp.resolve("p"));
        again.check();
        assertThat(again.loadRegister(0x92)).isEqualTo(image);
    }

    @Test
    void aRegisterOfAnotherLengthThanItsOwnIsDamage() throws IOException {
        FileParticipantStorage s = new FileParticipantStorage(tmp.resolve("p"));
        s.storeRegister(0x61, new byte[] {4});
        s.check();
        Files.writeString(tmp.resolve("p/registers/61"), "0400\n");
        assertThatThrownBy(s::check).hasMessageContaining("is damaged: 2 bytes, register 61h holds 1");
    }
}
