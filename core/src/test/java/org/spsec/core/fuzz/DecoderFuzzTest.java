package org.spsec.core.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.spsec.core.bytes.DecodeException;
import org.spsec.core.canfd.CanFdLength;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.canfd.ControlId;
import org.spsec.core.canfd.message.ClientHello;
import org.spsec.core.canfd.message.InternalEvent;
import org.spsec.core.canfd.message.RegisterHeader;
import org.spsec.core.canfd.message.ServerHello;
import org.spsec.core.canfd.message.TimeBroadcast;
import org.spsec.core.canfd.message.TimeRequest;
import org.spsec.core.canfd.message.TimeResponse;
import org.spsec.core.canfd.message.WriteStatus;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.engine.GroupChannel;
import org.spsec.core.engine.StampMode;
import org.spsec.core.engine.Verdict;
import org.spsec.core.keys.KeyFile;
import org.spsec.core.keys.KeyFileException;
import org.spsec.core.testing.TestKeys;

/**
 * Coverage-guided fuzzing (Jazzer) of the decoders of untrusted input: nothing may escape but the
 * declared error types. In `mvn verify` these run in regression mode (the stored inputs); a long
 * run is {@code JAZZER_FUZZ=1 mvn -pl core test -Dtest=DecoderFuzzTest}.
 */
class DecoderFuzzTest {
    private static final GroupChannel CHANNEL = TestKeys.channel(AeadAlgorithm.AES_256_GCM, StampMode.ENCRYPT);

    @FuzzTest(maxDuration = "30s")
    void controlIdentifiersAndMessages(FuzzedDataProvider in) {
        int id = in.consumeInt();
        boolean extended = in.consumeBoolean();
        byte[] data = in.consumeRemainingAsBytes();
        ControlId.classify(id, extended);
        try {
            ControlId.decode(id & 0x1FFF_FFFF, extended).encode();
        } catch (DecodeException expected) {
            // declared
        }
        for (Decoder d : new Decoder[] {ClientHello::decode, ServerHello::decode, RegisterHeader::decode, WriteStatus::decode,
            TimeRequest::decode, TimeResponse::decode, InternalEvent::decode, b -> TimeBroadcast.decode(b, b.length)}) {
            try {
                d.decode(data);
            } catch (DecodeException expected) {
                // declared
            }
        }
    }

    @FuzzTest(maxDuration = "30s")
    void stampedFramesNeverEscapeAVerdict(FuzzedDataProvider in) {
        long now = (1L << 30) + in.consumeInt(0, 1 << 20);
        int id = in.consumeInt(0, 0x1FFF_FFFF);
        byte[] data = in.consumeBytes(64);
        if (!CanFdLength.isLegal(data.length)) {
            return;
        }
        byte[] out = new byte[64];
        Verdict v = CHANNEL.open(now, id, data, 0, data.length, out, 0);
        if (v == null) {
            throw new IllegalStateException("no verdict");
        }
        CanFrame.fd(id & 0x7FF, false, data);
    }

    @FuzzTest(maxDuration = "3m")
    void keyFiles(FuzzedDataProvider in) {
        try {
            KeyFile.parse(in.consumeRemainingAsString());
        } catch (KeyFileException expected) {
            // declared
        }
    }

    @FunctionalInterface
    interface Decoder {
        Object decode(byte[] b) throws DecodeException;
    }
}
