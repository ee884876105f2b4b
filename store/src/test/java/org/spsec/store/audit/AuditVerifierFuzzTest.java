package org.spsec.store.audit;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/** The audit verifier reads files anyone may have edited: any text gets a consistent answer. */
class AuditVerifierFuzzTest {
    @FuzzTest(maxDuration = "2m")
    void auditVerifierJudgesAnyText(FuzzedDataProvider in) {
        AuditVerifier.Result r = AuditVerifier.verifyText(in.consumeRemainingAsString());
        if (r.intact() && r.problem() != null) {
            throw new IllegalStateException("intact with a problem");
        }
    }
}
