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

    private static SimDevice.Faults only(SimDevice.Fault f) {
        return SimDevice.Faults.of(f);
    }

    @Test
    void acceptingReplaysFailsTheReplayCase() {
        assertOnlyFailing(only(SimDevice.Fault.ACCEPT_REPLAYS), EnumSet.of(Group.DATAPLANE), "DP-03");
    }

    @Test
    void skippingTheAcceptanceWindowFailsTheWindowCase() {
        assertOnlyFailing(only(SimDevice.Fault.WIDE_WINDOW), EnumSet.of(Group.DATAPLANE), "DP-06");
    }

    @Test
    void ignoringTagFailuresFailsTheForgeryAndMovedFrameCases() {
        // A frame moved to another identifier is caught by the tag alone (the identifier is in the AAD and nonce).
        assertOnlyFailing(only(SimDevice.Fault.IGNORE_TAG_FAILURES), EnumSet.of(Group.DATAPLANE), "DP-04", "DP-05");
    }

    @Test
    void answeringSeedKeySessionsFailsTheSeedSelectorCase() {
        assertOnlyFailing(only(SimDevice.Fault.SEED_SESSIONS), EnumSet.of(Group.SESSIONS), "SE-02");
    }

    @Test
    void skippingTheClientFinishedCheckFailsTheWrongKeyAndReplayedFinishedCases() {
        assertOnlyFailing(only(SimDevice.Fault.SKIP_FINISHED_CHECK), EnumSet.of(Group.SESSIONS), "SE-03", "SE-04");
    }

    @Test
    void ignoringTheWriteLadderFailsTheLadderCase() {
        assertOnlyFailing(only(SimDevice.Fault.IGNORE_LADDER), EnumSet.of(Group.SESSIONS), "SE-08");
    }

    @Test
    void notReportingMissingHeartbeatsFailsTheSilentPeerCase() {
        assertOnlyFailing(only(SimDevice.Fault.SILENCE_MISSING), EnumSet.of(Group.HEARTBEAT), "HB-02");
    }

    @Test
    void reportingAMissingHeartbeatWithoutLeavingSecureFailsTheSilentPeerCase() {
        assertOnlyFailing(only(SimDevice.Fault.MISSING_WITHOUT_WARNING), EnumSet.of(Group.HEARTBEAT), "HB-02");
    }

    @Test
    void aShortWarningHoldFailsTheWarningCase() {
        assertOnlyFailing(only(SimDevice.Fault.SHORT_HOLD), EnumSet.of(Group.HEARTBEAT), "HB-03");
    }

    @Test
    void reusingANonceAfterResynchronizationFailsTheNonceCases() {
        assertOnlyFailing(only(SimDevice.Fault.REUSE_NONCES), EnumSet.of(Group.NONCE), "NC-01", "NC-02");
    }

    @Test
    void withoutFaultsTheSameGroupsPass() {
        assertOnlyFailing(OFF, EnumSet.of(Group.SESSIONS, Group.DATAPLANE, Group.HEARTBEAT, Group.NONCE));
    }
}
