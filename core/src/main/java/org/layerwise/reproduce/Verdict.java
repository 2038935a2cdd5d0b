package org.layerwise.reproduce;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a claim's test decided, with the figures it decided on. Only {@link Status#REPRODUCED} says the
 * claim held, and only when its test passed.
 *
 * @param status   the outcome
 * @param reason   one or two sentences: the numbers that decided it (for not reproduced: the ones that contradict the claim)
 * @param figures  the measured figures, with intervals or bounds
 * @param decide   for an inconclusive verdict: what would decide it (how many seeds or steps); else null
 * @param caveats  what the setting cannot show, said above the result (e.g. "one seed", "reduced depth"); may be empty
 */
public record Verdict(Status status, String reason, List<Figure> figures, String decide, List<String> caveats) {
    public enum Status {
        REPRODUCED("reproduced"),
        NOT_REPRODUCED("not reproduced"),
        INCONCLUSIVE("inconclusive"),
        NOT_TESTABLE("not testable at this scale");

        private final String label;

        Status(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public Verdict {
        figures = List.copyOf(figures);
        caveats = List.copyOf(caveats);
    }

    public static Verdict notTestable(String reason, List<Figure> figures) {
        return new Verdict(Status.NOT_TESTABLE, reason, figures, null, List.of());
    }

    /** The same verdict with one more caveat. */
    public Verdict withCaveat(String caveat) {
        List<String> c = new java.util.ArrayList<>(caveats);
        c.add(caveat);
        return new Verdict(status, reason, figures, decide, c);
    }

    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("verdict", status.label());
        m.put("reason", reason);
        m.put("figures", figures.stream().map(Figure::json).toList());
        m.put("would_decide", decide);
        m.put("caveats", caveats);
        return m;
    }
}
