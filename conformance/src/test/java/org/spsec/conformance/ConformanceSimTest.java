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

    @Test
    void aDeviceInFactoryStateIsCommissionedFirstThenPassesEveryCase() {
        Report report = SimDevice.run(2, SimDevice.Faults.NONE, Set.of(), true);
        System.out.println(report.table());
        assertThat(report.results()).filteredOn(r -> r.id().equals("CO-00")).singleElement()
                .satisfies(r -> assertThat(r.verdict()).as("%s%n%s", r.detail(), String.join("\n", r.evidence())).isEqualTo(CaseVerdict.PASS));
        assertThat(report.results()).allSatisfy(r -> assertThat(r.verdict()).as("%s: %s%n%s", r.id(), r.detail(), String.join("\n", r.evidence()))
                .isIn(CaseVerdict.PASS, CaseVerdict.NOT_APPLICABLE));
    }

    @Test
    void aCommissionedDeviceMakesCommissioningNotApplicable() {
        Report report = SimDevice.run(3, SimDevice.Faults.NONE, Set.of(Group.COMMISSIONING));
        assertThat(report.results()).singleElement().satisfies(r -> {
            assertThat(r.id()).isEqualTo("CO-00");
            assertThat(r.verdict()).isEqualTo(CaseVerdict.NOT_APPLICABLE);
            assertThat(r.detail()).contains("commissioned already");
        });
    }
}
