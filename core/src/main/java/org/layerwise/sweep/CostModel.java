package org.layerwise.sweep;

import java.util.Comparator;
import java.util.Locale;
import org.layerwise.study.RunCost;
import org.layerwise.study.Study;

/**
 * What a sweep will cost before it runs: the study's costs of its runs ({@link org.layerwise.study.RunSpec#cost()})
 * over the rate the study measures on this machine ({@link Study#cost()}). A study that measures no rate
 * has its costs shown in its own units, without a time, unless a rate is given ({@code --flops-per-second}).
 */
public final class CostModel {
    private CostModel() {
    }

    /**
     * A measured or given rate.
     *
     * @param perThread cost units per second on one thread
     * @param how       where the rate comes from, in words
     */
    public record Rate(double perThread, String how) {
    }

    /** What a study's run cost counts. */
    public static String unit(Study study) {
        return study.cost().unit();
    }

    /** Measures the rate for the manifest's study on this machine, at its costliest entry; null where the study measures none. */
    public static Rate calibrate(Manifest m) {
        if (m.entries().isEmpty()) {
            return null;
        }
        Manifest.Entry costliest = m.entries().stream().max(Comparator.comparingDouble(Manifest.Entry::cost)).orElseThrow();
        RunCost.Rate r = m.studyImpl().cost().measure(m.config(costliest));
        return r == null ? null : new Rate(r.perThread(), r.how());
    }

    /** "1.2e+12" style for large counts. */
    public static String amount(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }

    /** A duration in words: "45 s", "12.5 min", "3.2 h", "4.1 days". */
    public static String duration(double seconds) {
        if (seconds < 120) {
            return String.format(Locale.ROOT, "%.0f s", seconds);
        }
        if (seconds < 7200) {
            return String.format(Locale.ROOT, "%.1f min", seconds / 60);
        }
        if (seconds < 3 * 86400) {
            return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
        }
        return String.format(Locale.ROOT, "%.1f days", seconds / 86400);
    }
}
