package org.spsec.conformance;

import java.util.List;

/**
 * One case's outcome: its identifier (e.g. {@code DP-03}), group, the SPEC section it checks,
 * a title, the verdict, a one-line detail and the evidence (frames in candump form with the
 * tool's times, and notes such as register values read back).
 */
public record CaseResult(String id, Group group, String section, String title, CaseVerdict verdict, String detail, List<String> evidence) {
    public CaseResult {
        evidence = List.copyOf(evidence);
    }
}
