package org.spsec.conformance;

import java.util.List;
import java.util.Locale;

/** The results of a run: a table for people, JSON for machines, and the exit status. */
public record Report(Setup setup, List<CaseResult> results, List<String> notes) {
    public Report {
        results = List.copyOf(results);
        notes = List.copyOf(notes);
    }

    public long count(CaseVerdict v) {
        return results.stream().filter(r -> r.verdict() == v).count();
    }

    /** No case failed. */
    public boolean passed() {
        return count(CaseVerdict.FAIL) == 0;
    }

    public String table() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%-6s  %-8s  %-12s  %s%n", "case", "section", "verdict", "detail"));
        for (CaseResult r : results) {
            s.append(String.format(Locale.ROOT, "%-6s  %-8s  %-12s  %s: %s%n", r.id(), r.section(), r.verdict().label(), r.title(), r.detail()));
        }
        s.append(String.format(Locale.ROOT, "%d cases: %d pass, %d FAIL, %d n/a, %d inconclusive%n", results.size(), count(CaseVerdict.PASS),
                count(CaseVerdict.FAIL), count(CaseVerdict.NOT_APPLICABLE), count(CaseVerdict.INCONCLUSIVE)));
        return s.toString();
    }

    /** One JSON object: device, notes, and the cases (id, group, section, title, verdict, detail, evidence[]). */
    public String json() {
        StringBuilder s = new StringBuilder();
        s.append("{\"device\":").append(setup.device()).append(",\"tool_id\":").append(setup.toolId())
                .append(",\"aead\":").append(str(setup.algorithm().cliName()))
                .append(",\"passed\":").append(passed()).append(",\"notes\":[");
        for (int i = 0; i < notes.size(); i++) {
            s.append(i == 0 ? "" : ",").append(str(notes.get(i)));
        }
        s.append("],\"cases\":[");
        for (int i = 0; i < results.size(); i++) {
            CaseResult r = results.get(i);
            s.append(i == 0 ? "\n" : ",\n").append("{\"id\":").append(str(r.id())).append(",\"group\":").append(str(r.group().label()))
                    .append(",\"section\":").append(str(r.section())).append(",\"title\":").append(str(r.title()))
                    .append(",\"verdict\":").append(str(r.verdict().jsonName())).append(",\"detail\":").append(str(r.detail()))
                    .append(",\"evidence\":[");
            for (int j = 0; j < r.evidence().size(); j++) {
                s.append(j == 0 ? "" : ",").append(str(r.evidence().get(j)));
            }
            s.append("]}");
        }
        s.append("\n]}\n");
        return s.toString();
    }

    static String str(String v) {
        StringBuilder s = new StringBuilder("\"");
        for (char c : v.toCharArray()) {
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\t' -> s.append("\\t");
                default -> {
                    if (c < 0x20) {
                        s.append(String.format("\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        return s.append('"').toString();
    }
}
