package org.spsec.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The tool against our own participant in virtual time: every case passes or is not applicable with a reason. */
class ConformanceSimTest {
    @Test
    void ourParticipantPassesEveryCase() {
        Report report = SimDevice.run(1, SimDevice.Faults.NONE, Set.of());
        System.out.println(report.table());
        assertThat(report.results()).allSatisfy(r -> assertThat(r.verdict()).as("%s: %s%n%s", r.id(), r.detail(), String.join("\n", r.evidence()))
                .isIn(CaseVerdict.PASS, CaseVerdict.NOT_APPLICABLE));
        assertThat(report.results()).filteredOn(r -> r.verdict() == CaseVerdict.NOT_APPLICABLE).allSatisfy(r -> assertThat(r.detail()).isNotBlank());
        assertThat(report.results()).hasSizeGreaterThanOrEqualTo(25);
    }
}
