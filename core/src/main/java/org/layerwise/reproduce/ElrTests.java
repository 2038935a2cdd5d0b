package org.layerwise.reproduce;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.layerwise.reproduce.Verdict.Status;

/**
 * The tests of the weight-dynamics claims ({@link ElrClaims}): each reads the summaries of its studies
 * and applies the rule its claim states, with the tolerance written there.
 */
final class ElrTests {
    /** Seeds a setting needs before two settings are compared [layerwise]. */
    static final int MIN_SEEDS = 3;
    /** Distinct settings a correlation needs [layerwise]. */
    static final int MIN_SETTINGS = 5;

    private ElrTests() {
    }

    // ---- claim 1: constant learning rates -------------------------------------------------------

    static Verdict constantLr(Scale scale, List<Evidence> ev) {
        Evidence e = ev.get(0);
        List<Figure> f = new ArrayList<>();
        double worst = Double.NEGATIVE_INFINITY;
        double maxInitial = 0;
        long steps = 0;
        int used = 0;
        for (JsonNode row : e.summary().path("constant_lrs")) {
            double lr = Evidence.number(row, "lr");
            double s0 = Evidence.number(row, "initial_spread");
            double s1 = Evidence.number(row, "final_spread");
            if (!(s0 > 1) || !(s1 > 0)) {
                f.add(Figure.missing("ρ at lr " + Figure.num(lr), "no finite spread (diverged?)"));
                continue;
            }
            double rho = Math.log(s1) / Math.log(s0);
            f.add(Figure.of("ρ = ln S_final / ln S_initial at lr " + Figure.num(lr) + " (S " + Figure.num(s0) + " → " + Figure.num(s1) + ")", rho));
            worst = Math.max(worst, rho);
            maxInitial = Math.max(maxInitial, s0);
            steps = Math.max(steps, row.path("last_step").asLong() - row.path("first_step").asLong());
            used++;
        }
        if (used == 0) {
            return Verdict.notTestable("no constant-lr run has a finite spread at its first and last step", f);
        }
        List<String> caveats = new ArrayList<>();
        if (maxInitial < 10) {
            caveats.add("the spread at initialisation is only " + Figure.num(maxInitial) + " (< 10): the 'despite the initial gradient explosion'"
                    + " part is not tested by this setting");
        }
        if (worst <= 0.5) {
            return new Verdict(Status.REPRODUCED, "the log spread fell to at most " + Figure.num(worst) + " of its initial value at every constant lr",
                    f, null, caveats);
        }
        if (worst >= 1) {
            return new Verdict(Status.NOT_REPRODUCED, "at one constant lr the spread did not shrink: ρ = " + Figure.num(worst) + " ≥ 1", f, null,
                    caveats);
        }
        long need = (long) Math.ceil(steps * Math.log(0.5) / Math.log(worst));
        return new Verdict(Status.INCONCLUSIVE, "the spread shrinks at every lr, but at the slowest only to ρ = " + Figure.num(worst)
                + " of its log within " + steps + " steps", f, "about " + need + " steps (if ln S keeps shrinking at the observed geometric rate)",
                caveats);
    }

    // ---- claim 2: the model ---------------------------------------------------------------------

    static Verdict modelCheck(Scale scale, List<Evidence> ev) {
        JsonNode replays = ev.get(0).summary().path("replays");
        if (!replays.isArray() || replays.isEmpty()) {
            return Verdict.notTestable("the model-check study has no replay", List.of());
        }
        JsonNode r = replays.get(0);
        double aSigma = r.at("/measured_c/sigma_relative_error/final_max").asDouble(Double.NaN);
        double aElr = r.at("/measured_c/elr_relative_error/final_max").asDouble(Double.NaN);
        double bElr = r.at("/frozen_c/elr_relative_error/final_median").asDouble(Double.NaN);
        double bSigma = r.at("/frozen_c/sigma_relative_error/final_median").asDouble(Double.NaN);
        double walk = r.at("/random_walk/sigma_relative_error/final_median").asDouble(Double.NaN);
        List<Figure> f = List.of(
                Figure.of("(a) measured c: max relative error of σ over layers, last step", aSigma),
                Figure.of("(a) measured c: max relative error of the ELR", aElr),
                Figure.of("(b) c frozen: median relative error of σ", bSigma),
                Figure.of("(b) c frozen: median relative error of the ELR", bElr),
                Figure.of("random walk (Algorithm 1): median relative error of σ", walk));
        if (!Double.isFinite(aSigma) || !Double.isFinite(aElr) || !Double.isFinite(bElr)) {
            return new Verdict(Status.INCONCLUSIVE, "a replay has no usable error at the last step", f, "a longer run without divergence", List.of());
        }
        if (Math.max(aSigma, aElr) > 1e-3) {
            return new Verdict(Status.NOT_REPRODUCED, "the model driven by the measured base gradients misses by " + Figure.num(Math.max(aSigma, aElr))
                    + " (> 1e-3): the update rule does not hold for every layer", f, null, List.of());
        }
        if (bElr > 0.5) {
            return new Verdict(Status.NOT_REPRODUCED, "the update rule holds (error ≤ " + Figure.num(Math.max(aSigma, aElr)) + "), but with c frozen"
                    + " the predicted ELRs are off by " + Figure.num(bElr) + " (median, > 0.5): the constant-base-gradient assumption breaks here", f,
                    null, List.of());
        }
        return new Verdict(Status.REPRODUCED, "the model reproduces σ and the ELR to " + Figure.num(Math.max(aSigma, aElr)) + " with measured c and to "
                + Figure.num(bElr) + " (median) with c frozen", f, null, List.of());
    }

    // ---- claim 3: critical learning rate --------------------------------------------------------

    static Verdict criticalLr(Scale scale, List<Evidence> ev) {
        JsonNode grids = ev.get(0).summary().path("grids");
        List<Figure> f = new ArrayList<>();
        if (!grids.isArray() || grids.isEmpty()) {
            return Verdict.notTestable("the critical-lr study has no grid", f);
        }
        boolean contradicted = false;
        boolean undecided = false;
        List<String> why = new ArrayList<>();
        for (JsonNode g : grids) {
            String at = "step " + g.path("at_step").asText();
            JsonNode w = g.get("widening");
            if (w == null || !w.has("holds")) {
                undecided = true;
                why.add(at + ": no widening test in the summary (a study folder from before it existed: rerun it)");
            } else {
                f.add(Figure.of(at + ": fraction of rates ≥ " + Figure.num(w.path("above_factor_min").asDouble(4)) + "x prediction that widen",
                        w.path("above").asDouble(Double.NaN)));
                f.add(Figure.of(at + ": fraction of rates ≤ " + Figure.num(w.path("below_factor_max").asDouble(0.25)) + "x prediction that widen",
                        w.path("below").asDouble(Double.NaN)));
                if (w.path("holds").isNull()) {
                    undecided = true;
                    why.add(at + ": the widening test has no candidate on one side of the prediction");
                } else if (!w.path("holds").asBoolean()) {
                    contradicted = true;
                    why.add(at + ": the widening test fails");
                }
            }
            JsonNode b = g.path("swap_boundary");
            double ratio = b.path("ratio_to_predicted").isNumber() ? b.path("ratio_to_predicted").asDouble()
                    : b.path("bound_ratio_to_predicted").asDouble(Double.NaN);
            String bound = b.path("bound").asText("=").replace(">=", "≥").replace("<=", "≤");
            if (!Double.isFinite(ratio)) {
                f.add(Figure.missing(at + ": swap boundary / predicted", b.path("reason").asText("no boundary")));
                undecided = true;
                continue;
            }
            f.add(Figure.bound(at + ": swap boundary / predicted critical LR", ratio, bound, ""));
            boolean measured = bound.equals("=");
            if ((bound.equals("≥") || measured) && ratio > 8 || (bound.equals("≤") || measured) && ratio < 1.0 / 8) {
                contradicted = true;
                why.add(at + ": boundary " + (measured ? "" : bound + " ") + Figure.num(ratio) + "x the prediction");
            } else if (!measured || ratio > 4 || ratio < 0.25) {
                undecided = true;
                why.add(at + ": boundary " + (measured ? "" : bound + " ") + Figure.num(ratio) + "x the prediction");
            }
        }
        if (contradicted) {
            return new Verdict(Status.NOT_REPRODUCED, String.join("; ", why), f, null, List.of());
        }
        if (undecided) {
            return new Verdict(Status.INCONCLUSIVE, String.join("; ", why), f, "a grid extended until it brackets the boundary (grid-max-extensions)",
                    List.of());
        }
        return new Verdict(Status.REPRODUCED, "every grid: rates well above the prediction widen the spread, rates well below do not, and the"
                + " swap boundary lies within a factor 4 of the prediction", f, null, List.of());
    }

    // ---- claims 4 and 5: warm-up and trainability -------------------------------------------------

    /** The runs of one setting at one depth, twins removed, diverged runs apart. */
    record Group(String name, List<JsonNode> runs, int diverged, int twins) {
        double[] values(String key, boolean log) {
            return runs.stream().mapToDouble(r -> {
                double v = Evidence.number(r, key);
                return log ? Math.log(v) : v;
            }).filter(Double::isFinite).toArray();
        }
    }

    static Group group(List<JsonNode> all, Map<String, String> twinOf, String residual, String warmup, int depth) {
        List<JsonNode> runs = new ArrayList<>();
        int diverged = 0;
        int twins = 0;
        for (JsonNode r : all) {
            if (!residual.equals(r.path("residual").asText()) || !warmup.equals(r.path("warmup").asText()) || r.path("depth").asInt() != depth) {
                continue;
            }
            if (twinOf.containsKey(r.path("run").asText())) {
                twins++;
            } else if (r.path("diverged").asBoolean()) {
                diverged++;
            } else {
                runs.add(r);
            }
        }
        return new Group(residual + ", " + (warmup.equals("none") ? "no warm-up" : warmup + " warm-up") + ", depth " + depth, runs, diverged, twins);
    }

    static int largestDepth(List<JsonNode> runs, String residual) {
        return runs.stream().filter(r -> residual.equals(r.path("residual").asText())).mapToInt(r -> r.path("depth").asInt()).max().orElse(-1);
    }

    static Verdict warmup(Scale scale, List<Evidence> ev) {
        List<JsonNode> all = ElrClaims.runs(ev);
        Map<String, String> twinOf = Twins.of(all);
        int depth = largestDepth(all, "no-short");
        Group none = group(all, Map.of(), "no-short", "none", depth);
        Group elr = group(all, twinOf, "no-short", "elr", depth);
        List<Figure> f = new ArrayList<>();
        if (elr.twins() > 0 && elr.runs().isEmpty()) {
            return Verdict.notTestable("every ELR warm-up run is a twin of a run without warm-up (identical figures): the warm-up never engaged,"
                    + " so the target lr is below the critical LR from step 0; a deeper network or a larger lr can show the effect", f);
        }
        boolean engaged = elr.runs().stream().anyMatch(r -> Evidence.number(r, "lr_at_target_from_step") > 0
                || r.path("lr_at_target_from_step").isNull());
        Comparison c = compare("mean spread (exp mean ln S), ELR warm-up / none", elr, none, "mean_spread", true, f);
        if (!engaged) {
            return Verdict.notTestable("the ELR warm-up ended at step 0 in every run (the target lr is below the critical LR)", f);
        }
        if (c.why != null) {
            return new Verdict(Status.INCONCLUSIVE, c.why, f, c.decide, caveats(elr, none));
        }
        if (c.d.below(0)) {
            return new Verdict(Status.REPRODUCED, "the ELR warm-up lowers the mean spread to " + f.get(0).text() + " of the run without it", f, null,
                    caveats(elr, none));
        }
        if (c.d.above(0)) {
            return new Verdict(Status.NOT_REPRODUCED, "the ELR warm-up raises the mean spread: " + f.get(0).text(), f, null, caveats(elr, none));
        }
        return new Verdict(Status.INCONCLUSIVE, "the interval of the ratio contains 1: " + f.get(0).text(), f, seedsText(c.d), caveats(elr, none));
    }

    static Verdict trainability(Scale scale, List<Evidence> ev) {
        List<JsonNode> all = ElrClaims.runs(ev);
        Map<String, String> twinOf = Twins.of(all);
        int depth = largestDepth(all, "no-short");
        Group base = group(all, Map.of(), "no-short", "none", depth);
        Group shortNone = group(all, Map.of(), "short", "none", depth);
        Group warm = group(all, twinOf, "no-short", "elr", depth);
        List<Figure> f = new ArrayList<>();
        List<Comparison> cs = new ArrayList<>();
        cs.add(compare("(a) mean spread, no-short / short (no warm-up)", base, shortNone, "mean_spread", true, f));
        cs.add(compare("(b) final training loss, no-short minus short (no warm-up)", base, shortNone, "final_train_loss", false, f));
        if (warm.runs().isEmpty()) {
            f.add(Figure.missing("(c) final training loss, no-short: no warm-up minus ELR warm-up", warm.twins() > 0
                    ? "every ELR warm-up run is a twin of a run without warm-up" : "no ELR warm-up run at depth " + depth));
            cs.add(new Comparison(null, "(c) has no ELR warm-up run that differs from the base run", "a setting where the warm-up engages"));
        } else {
            cs.add(compare("(c) final training loss, no-short: no warm-up minus ELR warm-up", base, warm, "final_train_loss", false, f));
        }
        for (Group g : List.of(base, shortNone, warm)) {
            double[] acc = g.values("test_accuracy", false);
            double[] m = SeedStats.meanInterval(acc);
            f.add(Figure.interval("test accuracy, " + g.name() + " (" + acc.length + " seeds)", m[0], m[1], m[2], "t over seeds"));
        }
        double rhoUpper = correlation(all, twinOf, f);
        List<String> caveats = caveats(base, shortNone, warm);
        List<String> against = new ArrayList<>();
        List<String> open = new ArrayList<>();
        String decide = null;
        for (Comparison c : cs) {
            if (c.why != null) {
                open.add(c.why);
                decide = c.decide;
            } else if (c.d.below(0)) {
                against.add(c.name + " lies on the other side of 0");
            } else if (!c.d.above(0)) {
                open.add(c.name + ": the interval contains " + (c.ratio ? "1" : "0"));
                decide = seedsText(c.d);
            }
        }
        if (rhoUpper >= 0 && !Double.isNaN(rhoUpper)) {
            open.add("Spearman's ρ interval reaches 0");
        }
        if (!against.isEmpty()) {
            return new Verdict(Status.NOT_REPRODUCED, String.join("; ", against), f, null, caveats);
        }
        if (!open.isEmpty()) {
            return new Verdict(Status.INCONCLUSIVE, String.join("; ", open), f, decide, caveats);
        }
        return new Verdict(Status.REPRODUCED, "deep no-short without warm-up has the highest spread and the highest training loss; short trains"
                + " with a lower spread; the ELR warm-up lowers no-short's training loss", f, null, caveats);
    }

    /** Spearman's ρ over distinct settings (mean spread vs test accuracy), added to the figures when there are enough settings; returns its upper end. */
    static double correlation(List<JsonNode> all, Map<String, String> twinOf, List<Figure> f) {
        Map<String, List<double[]>> bySetting = new LinkedHashMap<>();
        for (JsonNode r : all) {
            if (twinOf.containsKey(r.path("run").asText()) || r.path("diverged").asBoolean()) {
                continue;
            }
            double s = Math.log(Evidence.number(r, "mean_spread"));
            double a = Evidence.number(r, "test_accuracy");
            if (Double.isFinite(s) && Double.isFinite(a)) {
                String key = r.path("residual").asText() + "/" + r.path("warmup").asText() + "/" + r.path("depth").asInt() + "/" + r.path("lr").asText();
                bySetting.computeIfAbsent(key, k -> new ArrayList<>()).add(new double[] {s, a});
            }
        }
        if (bySetting.size() < MIN_SETTINGS) {
            f.add(Figure.missing("Spearman ρ, mean spread vs test accuracy over settings", bySetting.size() + " distinct setting(s), fewer than "
                    + MIN_SETTINGS + ": no correlation is computed"));
            return Double.NaN;
        }
        List<double[][]> settings = bySetting.values().stream().map(l -> l.toArray(double[][]::new)).toList();
        double[] rho = SeedStats.spearmanOverSettings(settings, 0);
        f.add(Figure.interval("Spearman ρ, mean spread vs test accuracy over " + settings.size() + " distinct settings", rho[0], rho[1], rho[2],
                "bootstrap over seeds, " + SeedStats.RESAMPLES + " resamples"));
        return rho[2];
    }

    /** One comparison of two groups: the difference (or ratio, on logs) with its interval, or why it cannot be made. */
    record Comparison(SeedStats.Difference d, String why, String decide, String name, boolean ratio) {
        Comparison(SeedStats.Difference d, String why, String decide) {
            this(d, why, decide, "", false);
        }
    }

    static Comparison compare(String name, Group a, Group b, String key, boolean ratio, List<Figure> f) {
        double[] x = a.values(key, ratio);
        double[] y = b.values(key, ratio);
        if (x.length < MIN_SEEDS || y.length < MIN_SEEDS) {
            String why = name + ": " + x.length + " and " + y.length + " usable seeds, fewer than " + MIN_SEEDS + " per setting";
            SeedStats.Difference d = SeedStats.difference(x, y);
            f.add(ratio ? Figure.of(name + " (no interval: too few seeds)", Math.exp(d.mean())) : Figure.of(name + " (no interval: too few seeds)",
                    d.mean()));
            return new Comparison(null, why, "at least " + MIN_SEEDS + " seeds per setting (--seeds " + MIN_SEEDS + ")", name, ratio);
        }
        SeedStats.Difference d = SeedStats.difference(x, y);
        String how = "Welch t, " + x.length + " vs " + y.length + " seeds" + (ratio ? ", on ln" : "");
        f.add(ratio ? Figure.interval(name, Math.exp(d.mean()), Math.exp(d.lower()), Math.exp(d.upper()), how)
                : Figure.interval(name, d.mean(), d.lower(), d.upper(), how));
        return new Comparison(d, null, null, name, ratio);
    }

    static String seedsText(SeedStats.Difference d) {
        return d.seedsToDecide() > 0 ? "about " + d.seedsToDecide() + " seeds per setting at the same effect and scatter" : "more seeds or steps";
    }

    static List<String> caveats(Group... groups) {
        List<String> out = new ArrayList<>();
        for (Group g : groups) {
            if (g.diverged() > 0) {
                out.add(g.name() + ": " + g.diverged() + " run(s) diverged and are left out of the means");
            }
            if (g.twins() > 0) {
                out.add(g.name() + ": " + g.twins() + " run(s) are twins of other runs (identical figures) and are counted once");
            }
        }
        return out;
    }
}
