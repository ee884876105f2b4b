package org.spsec.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The tool catches faults: our participant with one test-only fault switched on at a time
 * ({@code ParticipantFaults}, or for the acceptance window a window of 2047 ticks). Each fault
 * makes exactly the named cases fail; every other case of the groups run passes or is not
 * applicable. Virtual time, only the groups that matter.
 */
class FaultyParticipantTest {
    private static final SimDevice.Faults OFF = SimDevice.Faults.NONE;

    private static void assertOnlyFailing(SimDevice.Faults faults, Set<Group> groups, String... failing) {
        Report report = SimDevice.run(7, faults, groups);
        Set<String> failed = report.results().stream().filter(r -> r.verdict() == CaseVerdict.FAIL).map(CaseResult::id).collect(Collectors.toSet());
        assertThat(failed).as(report.table()).containsExactlyInAnyOrder(failing);
        List<CaseResult> others = report.results().stream().filter(r -> r.verdict() != CaseVerdict.FAIL).toList();
        assertThat(others).as(report.table()).allSatisfy(r -> assertThat(r.verdict()).isIn(CaseVerdict.PASS, CaseVerdict.NOT_APPLICABLE));
    }

    @Test
    void acceptingReplaysFailsTheReplayCase() {
        assertOnlyFailing(new SimDevice.Faults(true, false, false, false, false, false), EnumSet.of(Group.DATAPLANE), "DP-03");
    }

    @Test
    void skippingTheAcceptanceWindowFailsTheWindowCase() {
        assertOnlyFailing(new SimDevice.Faults(false, true, false, false, false, false), EnumSet.of(Group.DATAPLANE), "DP-06");
    }

    @Test
    void answeringSeedKeySessionsFailsTheSeedSelectorCase() {
        assertOnlyFailing(new SimDevice.Faults(false, false, true, false, false, false), EnumSet.of(Group.SESSIONS), "SE-02");
    }

    @Test
    void ignoringTheWriteLadderFailsTheLadderCase() {
        assertOnlyFailing(new SimDevice.Faults(false, false, false, true, false, false), EnumSet.of(Group.SESSIONS), "SE-08");
    }

    @Test
    void notReportingMissingHeartbeatsFailsTheSilentPeerCase() {
        assertOnlyFailing(new SimDevice.Faults(false, false, false, false, true, false), EnumSet.of(Group.HEARTBEAT), "HB-02");
    }

    @Test
    void reusingANonceAfterResynchronizationFailsTheNonceCases() {
        assertOnlyFailing(new SimDevice.Faults(false, false, false, false, false, true), EnumSet.of(Group.NONCE), "NC-01", "NC-02");
    }

    @Test
    void withoutFaultsTheSameGroupsPass() {
        assertOnlyFailing(OFF, EnumSet.of(Group.DATAPLANE, Group.HEARTBEAT, Group.NONCE));
    }
}
