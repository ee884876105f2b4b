package org.spsec.transport.capture;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/** Any candump line either parses (and formats back to a line that parses to the same frame) or is refused with its line number. */
class CandumpFuzzTest {
    @FuzzTest(maxDuration = "2m")
    void anyLineParsesOrIsRefused(FuzzedDataProvider in) {
        String line = in.consumeRemainingAsString();
        try {
            CapturedFrame c = Candump.parse(line, 7);
            CapturedFrame again = Candump.parse(Candump.format(c), 7);
            if (!again.frame().equals(c.frame())) {
                throw new IllegalStateException("format and parse disagree");
            }
        } catch (CaptureFormatException e) {
            if (e.line() != 7) {
                throw new IllegalStateException("wrong line number");
            }
        }
    }
}
