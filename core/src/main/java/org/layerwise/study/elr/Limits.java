package org.layerwise.study.elr;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * When a study's settings cannot show the paper's effect: the rules behind the warning box above a
 * page's verdict, one method each, every one the toolkit's own reading [derived] (the paper states the
 * effects, not the settings below which they vanish):
 * <ul>
 *   <li>{@link #depth}: trainability and constant-LR studies whose deepest network is shallower than
 *       {@value #PAPER_DEPTH} (the spread effects are those of the paper's deep networks; at depth 20 the
 *       predicted critical LR is far above the usual target LRs, so an ELR warm-up ends at once);</li>
 *   <li>{@link #warmupNeverEngaged}: a run with a warm-up whose learning rate (steps.csv lr) is the target
 *       from its first step, so the warm-up changed nothing;</li>
 *   <li>{@link #fewSettings}: a rank correlation over fewer than {@value #MIN_CORRELATION_SETTINGS} distinct
 *       settings (twins counted once): with n of them, a perfect ±1 comes by chance in 2 of n! orderings;</li>
 *   <li>{@link #allDiverged}: every run diverged, so nothing trained.</li>
 * </ul>
 * Each returns the sentence for the box, or null when the rule does not apply.
 */
final class Limits {
    /** The depth from which the paper's spread effects are expected. */
    static final int PAPER_DEPTH = 56;
    /** The fewest distinct settings a rank correlation is reported on without a warning. */
    static final int MIN_CORRELATION_SETTINGS = 5;

    private Limits() {
    }

    /** Every rule that applies to the study's runs, in the order of this class. */
    static List<String> of(String study, List<Integer> depths, List<ElrRunData> runs, Map<String, String> twins, int correlationSettings) {
        List<String> out = new ArrayList<>();
        int maxDepth = depths.stream().mapToInt(Integer::intValue).max().orElse(-1);
        double ratio = Double.NaN;
        for (ElrRunData r : runs) {
            if (r.rows() > 0 && r.criticalLr[0] > 0 && r.targetLr() > 0) {
                double q = r.criticalLr[0] / r.targetLr();
                ratio = Double.isNaN(ratio) ? q : Math.min(ratio, q);
            }
        }
        add(out, depth(study, maxDepth, ratio));
        List<String> idle = new ArrayList<>();
        int warmed = 0;
        for (ElrRunData r : runs) {
            if (!r.warmup().equals("none") && !r.warmup().isEmpty()) {
                warmed++;
                if (atTargetFromStart(r.lr, r.targetLr())) {
                    String t = twins.get(r.spec.id());
                    idle.add(r.spec.id() + (t == null ? "" : " (twin of " + t + ")"));
                }
            }
        }
        add(out, warmupNeverEngaged(idle, warmed));
        if (study.equals("elr-trainability")) {
            add(out, fewSettings(correlationSettings));
        }
        add(out, allDiverged(runs.size(), (int) runs.stream().filter(ElrRunData::diverged).count()));
        return out;
    }

    private static void add(List<String> out, String s) {
        if (s != null) {
            out.add(s);
        }
    }

    /**
     * @param criticalOverTarget the smallest predicted critical LR at step 0 over the target LR, over the runs (NaN: unknown)
     */
    static String depth(String study, int maxDepth, double criticalOverTarget) {
        if (maxDepth < 0 || maxDepth >= PAPER_DEPTH || !(study.equals("elr-trainability") || study.equals("elr-constant-lr"))) {
            return null;
        }
        String measured = Double.isFinite(criticalOverTarget)
                ? " (here the predicted critical LR at step 0 is " + ElrFigures.num(criticalOverTarget) + "x the target LR or more)" : "";
        return study.equals("elr-trainability")
                ? "The paper's spread effects need depth ≥ " + PAPER_DEPTH + "; at depth " + maxDepth + " the critical LR is far above the target LR"
                        + measured + ", so the ELR warm-up ends at once and cannot lower the spread."
                : "The paper's spread effects need depth ≥ " + PAPER_DEPTH + "; the deepest network here has depth " + maxDepth
                        + ": the ratios' convergence is shown on a shallow network, not on the networks the paper's claim is about.";
    }

    /** Whether a learning-rate series is at the target (within 1e-6 relative) from its first recorded step. */
    static boolean atTargetFromStart(double[] lr, double target) {
        return lr.length > 0 && Double.isFinite(target) && lr[0] >= target * (1 - 1e-6);
    }

    /** @param idle the warm-up runs at the target from step 0; @param warmed all runs with a warm-up */
    static String warmupNeverEngaged(List<String> idle, int warmed) {
        if (idle.isEmpty()) {
            return null;
        }
        return "The warm-up never engaged in " + idle.size() + " of " + warmed + " warm-up run(s) (" + String.join(", ", idle)
                + "): the learning rate was the target from step 0 (steps.csv lr), so these runs trained as without warm-up and the comparison"
                + " of warm-ups shows nothing.";
    }

    /** @param distinct the distinct settings a rank correlation rests on (twins once) */
    static String fewSettings(int distinct) {
        if (distinct >= MIN_CORRELATION_SETTINGS) {
            return null;
        }
        double orderings = 1;
        for (int i = 2; i <= distinct; i++) {
            orderings *= i;
        }
        return "The rank correlation rests on " + distinct + " distinct setting(s) (twins counted once); it needs at least "
                + MIN_CORRELATION_SETTINGS + " to say anything" + (distinct >= 3 ? ": with " + distinct + ", a perfect ±1 comes by chance in "
                + ElrFigures.num(2 / orderings * 100) + " % of random orderings." : ": with fewer than 3 it is ±1 or undefined whatever the data.");
    }

    static String allDiverged(int runs, int diverged) {
        return runs > 0 && diverged == runs ? "Every run (" + runs + ") diverged: nothing trained, so there is no accuracy or late spread to compare."
                : null;
    }
}
