package org.spsec.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Collects results in order and tells a listener (the command prints progress). */
final class CaseSink {
    private final List<CaseResult> results = new ArrayList<>();
    private final Consumer<CaseResult> listener;

    CaseSink(Consumer<CaseResult> listener) {
        this.listener = listener;
    }

    void add(String id, Group group, String section, String title, CaseVerdict verdict, String detail, List<String> evidence) {
        CaseResult r = new CaseResult(id, group, section, title, verdict, detail, evidence);
        results.add(r);
        listener.accept(r);
    }

    List<CaseResult> results() { return List.copyOf(results); }
}
