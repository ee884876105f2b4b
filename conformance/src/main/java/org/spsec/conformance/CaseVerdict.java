package org.spsec.conformance;

/** The outcome of one case. */
public enum CaseVerdict {
    PASS("pass"),
    FAIL("FAIL"),
    /** The case does not apply to this device or set-up; the detail says why. */
    NOT_APPLICABLE("n/a"),
    /** The tool could not observe enough to decide (the detail says what was missing); not a failure. */
    INCONCLUSIVE("inconclusive");

    private final String label;

    CaseVerdict(String label) {
        this.label = label;
    }

    public String label() { return label; }

    public String jsonName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
