package org.layerwise.study.elr;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.layerwise.analysis.elr.CriticalLr;
import org.layerwise.report.Chart;
import org.layerwise.report.HtmlReport;
import org.layerwise.train.ElrProbe;

/**
 * {@code elr critical-lr} (design note §5.2): at chosen steps of a run, a grid of learning rates was
 * tried from the same state, each for N steps on N consecutive batches, once per batch offset
 * (critical_lr.csv, critical_lr_elr_before/after.npy). Per at-step, the candidates are pooled over the
 * batch offsets ({@link #pooled}: geometric means, so ln S changes by the mean of the offsets'
 * changes), and the empirical critical LRs ({@link CriticalLr#fromGrid}: swap boundary of the extreme
 * layers, fastest spread decay, largest non-widening) are set against the predicted one, each with its
 * bound ({@link #bound}: "=" when grid points bracket it, "&gt;=" / "&lt;=" when it lies at the top /
 * bottom edge of the grid), and the widening test of the claim ({@link #widening}): candidates well above
 * the predicted critical LR widen the spread, those well below do not. In a table and two plots, and
 * the predicted critical LR over the whole run beside the learning rate used.
 */
final class CriticalLrAnalysis extends ElrStudyAnalysis {
    /** Bits of {@link #extension}: the grid should be extended above its top, below its bottom. */
    static final int UP = 1;
    static final int DOWN = 2;

    /**
     * The analysed grid at one step of one run.
     *
     * @param factors  the candidates' multiples of the predicted critical LR, in the order of grid.lrs()
     * @param batches  batch offsets each candidate was measured on
     * @param widening the widening test at this step
     */
    record AtStep(ElrRunData run, long atStep, double predicted, int steps, CriticalLr.Grid grid, double[] factors, int batches,
                  Widening widening) {
        /** empirical / predicted, NaN when the estimate was not found. */
        double ratio(CriticalLr.Estimate e) {
            return e.found() ? e.lr() / predicted : Double.NaN;
        }
    }

    /**
     * Whether steps well above the predicted critical LR widen the spread and steps well below do not.
     *
     * @param aboveMin      candidates with factor &gt;= this are "above"
     * @param belowMax      candidates with factor &lt;= this are "below"
     * @param nAbove        how many candidates are above
     * @param nBelow        how many are below
     * @param above         fraction of the above candidates that widen (NaN when none)
     * @param below         fraction of the below candidates that widen (NaN when none)
     * @param meanLogAbove  mean change of ln S per step over the above candidates (finite ones; NaN when none)
     * @param meanLogBelow  the same below
     * @param holds         above &gt; 1/2 and below &lt; 1/2; null when either side has no candidate
     */
    record Widening(double aboveMin, double belowMax, int nAbove, int nBelow, double above, double below, double meanLogAbove,
                    double meanLogBelow, Boolean holds) {
    }

    private final List<AtStep> grids = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    CriticalLrAnalysis(Context ctx) {
        super(ctx);
        double aboveMin = setting(ctx, "widening-above", 4);
        double belowMax = setting(ctx, "widening-below", 0.25);
        for (ElrRunData r : ctx.runs()) {
            Map<Long, List<ElrRunData.GridRow>> byStep = new LinkedHashMap<>();
            for (ElrRunData.GridRow g : r.criticalLrGrid()) {
                byStep.computeIfAbsent(g.atStep(), k -> new ArrayList<>()).add(g);
            }
            for (Map.Entry<Long, List<ElrRunData.GridRow>> e : byStep.entrySet()) {
                // one candidate per learning rate, pooled over the batch offsets it was measured on
                java.util.TreeMap<Double, List<ElrRunData.GridRow>> byLr = new java.util.TreeMap<>();
                for (ElrRunData.GridRow g : e.getValue()) {
                    byLr.computeIfAbsent(g.lr(), k -> new ArrayList<>()).add(g);
                }
                List<CriticalLr.Candidate> cands = new ArrayList<>();
                double[] factors = new double[byLr.size()];
                int batches = 0;
                int i = 0;
                for (Map.Entry<Double, List<ElrRunData.GridRow>> c : byLr.entrySet()) {
                    List<double[]> bs = new ArrayList<>();
                    List<double[]> as = new ArrayList<>();
                    for (ElrRunData.GridRow g : c.getValue()) {
                        bs.add(g.elrBefore());
                        as.add(g.elrAfter());
                    }
                    cands.add(pooled(c.getKey(), bs, as));
                    factors[i++] = c.getValue().get(0).factor();
                    batches = Math.max(batches, c.getValue().size());
                }
                ElrRunData.GridRow first = e.getValue().get(0);
                try {
                    CriticalLr.Grid grid = CriticalLr.fromGrid(cands, first.steps());
                    grids.add(new AtStep(r, e.getKey(), first.predicted(), first.steps(), grid, factors, batches,
                            widening(factors, grid, aboveMin, belowMax)));
                } catch (IllegalArgumentException ex) {
                    problems.add(r.spec.id() + ", step " + e.getKey() + ": " + ex.getMessage());
                }
            }
        }
    }

    private static double setting(Context ctx, String key, double def) {
        Object v = ctx.config() == null ? null : ctx.config().raw(key);
        return v instanceof Number n ? n.doubleValue() : def;
    }

    /**
     * One candidate from its measurements on several batch offsets: per layer the geometric mean of the
     * ELRs before and after, and the geometric means of the spreads (so its ln S change is the mean of
     * the offsets' changes; a non-finite spread on any offset makes the pooled one non-finite). One
     * offset gives that offset's values unchanged.
     */
    static CriticalLr.Candidate pooled(double lr, List<double[]> before, List<double[]> after) {
        if (before.size() == 1) {
            return CriticalLr.Candidate.of(lr, before.get(0), after.get(0));
        }
        double lnSb = 0;
        double lnSa = 0;
        for (int o = 0; o < before.size(); o++) {
            lnSb += Math.log(org.layerwise.analysis.elr.Spread.of(before.get(o)).spread());
            lnSa += Math.log(org.layerwise.analysis.elr.Spread.of(after.get(o)).spread());
        }
        int n = before.size();
        return new CriticalLr.Candidate(lr, Math.exp(lnSb / n), Math.exp(lnSa / n), geoMean(before), geoMean(after));
    }

    private static double[] geoMean(List<double[]> rows) {
        double[] m = new double[rows.get(0).length];
        for (double[] r : rows) {
            for (int l = 0; l < m.length; l++) {
                m[l] += Math.log(r[l]) / rows.size();
            }
        }
        for (int l = 0; l < m.length; l++) {
            m[l] = Math.exp(m[l]);
        }
        return m;
    }

    /**
     * Where the grid should grow to bracket its estimates: {@link #UP} when the swap boundary or the
     * largest non-widening rate is the largest candidate, or the fastest decay is at the largest (of
     * several); {@link #DOWN} when no candidate keeps the order or none leaves the spread unwidened, or the
     * fastest decay is at the smallest of several; 0 when all are bracketed (or cannot be).
     */
    static int extension(CriticalLr.Grid g) {
        int n = g.lrs().length;
        int out = 0;
        for (CriticalLr.Estimate e : new CriticalLr.Estimate[] {g.swapBoundary(), g.noWidening()}) {
            out |= !e.found() ? DOWN : e.candidate() == n - 1 ? UP : 0;
        }
        CriticalLr.Estimate f = g.fastestDecay();
        if (f.found() && n > 1) {
            out |= f.candidate() == n - 1 ? UP : f.candidate() == 0 ? DOWN : 0;
        }
        return out;
    }

    /** A rule's value read off the grid, with what it is: "=", ">=" or "<=" {@code lr}; null bound when there is none. */
    record Bounded(String bound, double lr, String why) {
        String symbol() {
            return bound == null ? "" : bound.equals(">=") ? "≥" : bound.equals("<=") ? "≤" : "";
        }
    }

    /**
     * The bound of a "largest rate that qualifies" rule (swap boundary, no widening): "=" when the next
     * larger candidate fails (grid points on both sides), "&gt;=" the largest candidate when it qualifies,
     * "&lt;=" the smallest candidate when none qualifies.
     */
    static Bounded boundOfLargest(CriticalLr.Grid g, CriticalLr.Estimate e) {
        double[] lrs = g.lrs();
        if (!e.found()) {
            return new Bounded("<=", lrs[0], null);
        }
        return new Bounded(e.candidate() == lrs.length - 1 ? ">=" : "=", e.lr(), null);
    }

    /**
     * The bound of the fastest decay: "=" at an inner candidate, "&gt;=" at the largest, "&lt;=" at the
     * smallest; none when no candidate reduced the spread or the grid has one candidate.
     */
    static Bounded boundOfFastest(CriticalLr.Grid g) {
        CriticalLr.Estimate e = g.fastestDecay();
        int n = g.lrs().length;
        if (!e.found()) {
            return new Bounded(null, Double.NaN, "no candidate reduced the spread: no bound");
        }
        if (n == 1) {
            return new Bounded(null, Double.NaN, "a grid of one candidate brackets nothing");
        }
        return new Bounded(e.candidate() == n - 1 ? ">=" : e.candidate() == 0 ? "<=" : "=", e.lr(), null);
    }

    /** The widening test over the candidates of one grid ({@code factors} in the order of grid.lrs()). */
    static Widening widening(double[] factors, CriticalLr.Grid g, double aboveMin, double belowMax) {
        int nA = 0;
        int nB = 0;
        int wA = 0;
        int wB = 0;
        double sA = 0;
        double sB = 0;
        int fA = 0;
        int fB = 0;
        for (int i = 0; i < factors.length; i++) {
            double ch = g.logSpreadChangePerStep()[i];
            if (factors[i] >= aboveMin) {
                nA++;
                wA += g.widens()[i] ? 1 : 0;
                if (Double.isFinite(ch)) {
                    sA += ch;
                    fA++;
                }
            }
            if (factors[i] <= belowMax) {
                nB++;
                wB += g.widens()[i] ? 1 : 0;
                if (Double.isFinite(ch)) {
                    sB += ch;
                    fB++;
                }
            }
        }
        double above = nA == 0 ? Double.NaN : (double) wA / nA;
        double below = nB == 0 ? Double.NaN : (double) wB / nB;
        Boolean holds = nA == 0 || nB == 0 ? null : above > 0.5 && below < 0.5;
        return new Widening(aboveMin, belowMax, nA, nB, above, below, fA == 0 ? Double.NaN : sA / fA, fB == 0 ? Double.NaN : sB / fB, holds);
    }

    List<AtStep> grids() {
        return grids;
    }

    @Override
    void summarise(Map<String, Object> summary) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (AtStep a : grids) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("run", a.run().spec.id());
            m.put("at_step", a.atStep());
            m.put("grid_steps", a.steps());
            m.put("candidates", a.grid().lrs().length);
            m.put("grid_batches", a.batches());
            m.put("factors", java.util.Arrays.stream(a.factors()).boxed().toList());
            SummaryValues.put(m, "predicted", a.predicted(), "no layer had a usable ELR at this step");
            CriticalLr.Grid g = a.grid();
            m.put("swap_boundary", estimate(a, g.swapBoundary(), boundOfLargest(g, g.swapBoundary())));
            m.put("fastest_decay", estimate(a, g.fastestDecay(), boundOfFastest(g)));
            m.put("no_widening", estimate(a, g.noWidening(), boundOfLargest(g, g.noWidening())));
            m.put("widening", widening(a.widening()));
            out.add(m);
        }
        summary.put("grids", out);
        summary.put("grid_problems", problems);
    }

    private static Map<String, Object> estimate(AtStep a, CriticalLr.Estimate e, Bounded b) {
        Map<String, Object> m = new LinkedHashMap<>();
        SummaryValues.put(m, "lr", e.lr(), e.reason());
        SummaryValues.put(m, "ratio_to_predicted", a.ratio(e), e.found() ? "the predicted critical LR is not a number" : e.reason());
        m.put("reason", e.reason());
        SummaryValues.putObject(m, "bound", b.bound(), b.why());
        SummaryValues.put(m, "bound_lr", b.lr(), b.why() != null ? b.why() : "no bound");
        SummaryValues.put(m, "bound_ratio_to_predicted", b.lr() / a.predicted(), b.why() != null ? b.why() : "the predicted critical LR is not a number");
        return m;
    }

    private static Map<String, Object> widening(Widening w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("above_factor_min", w.aboveMin());
        m.put("below_factor_max", w.belowMax());
        m.put("n_above", w.nAbove());
        m.put("n_below", w.nBelow());
        SummaryValues.put(m, "above", w.above(), "no candidate at or above factor " + w.aboveMin());
        SummaryValues.put(m, "below", w.below(), "no candidate at or below factor " + w.belowMax());
        SummaryValues.put(m, "mean_log_change_above", w.meanLogAbove(), "no finite spread change at or above factor " + w.aboveMin());
        SummaryValues.put(m, "mean_log_change_below", w.meanLogBelow(), "no finite spread change at or below factor " + w.belowMax());
        SummaryValues.putObject(m, "holds", w.holds(), "no candidate on one side (above: " + w.nAbove() + ", below: " + w.nBelow() + ")");
        return m;
    }

    @Override
    String headline() {
        if (grids.isEmpty()) {
            return ctx.live() ? "no learning-rate grid measured yet" : "no learning-rate grid in the runs";
        }
        int holds = 0;
        int judged = 0;
        for (AtStep a : grids) {
            if (a.widening().holds() != null) {
                judged++;
                holds += a.widening().holds() ? 1 : 0;
            }
        }
        // the test's outcome first, then the three ratios (their range over the grids; each grid's in the bullets)
        Widening w0 = grids.get(0).widening();
        return "steps at ≥×" + ElrFigures.num(w0.aboveMin()) + " the predicted critical LR widen the spread and at ≤×"
                + ElrFigures.num(w0.belowMax()) + " do not at " + holds + " of " + judged + " grid(s); empirical / predicted"
                + (grids.size() > 1 ? " over the grids" : "") + ": swap boundary " + range(0) + ", fastest spread decay " + range(1)
                + ", largest non-widening " + range(2);
    }

    /** One rule's estimate at a grid with its bound: 0 the swap boundary, 1 the fastest spread decay, 2 the largest non-widening rate. */
    private static Bounded boundOf(AtStep a, int rule) {
        CriticalLr.Grid g = a.grid();
        return rule == 0 ? boundOfLargest(g, g.swapBoundary()) : rule == 1 ? boundOfFastest(g) : boundOfLargest(g, g.noWidening());
    }

    /** The bounded ratio of one rule over the grids: the one grid's value, or "×a – ≥×b" from the smallest to the largest. */
    private String range(int rule) {
        String lo = null;
        String hi = null;
        double loR = Double.POSITIVE_INFINITY;
        double hiR = Double.NEGATIVE_INFINITY;
        for (AtStep a : grids) {
            String v = boundedRatio(a, rule);
            double r = boundOf(a, rule).lr() / a.predicted();
            if (!Double.isFinite(r) || v.equals("none")) {
                continue;
            }
            if (r < loR) {
                loR = r;
                lo = v;
            }
            if (r > hiR) {
                hiR = r;
                hi = v;
            }
        }
        return lo == null ? "none" : lo.equals(hi) ? lo : lo + " – " + hi;
    }

    /** The bounded ratio of one rule: "≥×20", "×0.50", "none". */
    String boundedRatio(AtStep a, int rule) {
        Bounded b = boundOf(a, rule);
        double r = b.lr() / a.predicted();
        return b.bound() != null && Double.isFinite(r) ? b.symbol() + String.format(java.util.Locale.ROOT, "×%.3g", r) : "none";
    }

    /** A reason of {@link CriticalLr} with its long decimals cut to 3 significant digits, for a table. */
    static String tidy(String reason) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("-?\\d+\\.\\d{5,}(E-?\\d+)?").matcher(reason);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, String.format(java.util.Locale.ROOT, "%.3g", Double.parseDouble(m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }

    @Override
    List<String> evidence() {
        List<String> e = new ArrayList<>();
        for (AtStep a : grids) {
            CriticalLr.Grid g = a.grid();
            Widening w = a.widening();
            e.add(String.format("%s, step %d: predicted %s; swap boundary %s, fastest decay %s, largest non-widening %s (× predicted: %s, %s, %s);"
                            + " widen at ≥×%s: %s, at ≤×%s: %s", a.run().spec.id(), a.atStep(), ElrFigures.num(a.predicted()),
                    bounded(boundOfLargest(g, g.swapBoundary())), bounded(boundOfFastest(g)), bounded(boundOfLargest(g, g.noWidening())),
                    boundedRatio(a, 0), boundedRatio(a, 1), boundedRatio(a, 2), ElrFigures.num(w.aboveMin()), fraction(w.above(), w.nAbove()),
                    ElrFigures.num(w.belowMax()), fraction(w.below(), w.nBelow())));
        }
        e.addAll(problems);
        return e;
    }

    @Override
    void report(HtmlReport h) {
        h.note(HtmlReport.Source.PAPER, "A critical learning rate that depends only on the current ELRs separates the regime where ELR"
                + " disparities shrink from the one where they widen; the paper compares its predicted value with an empirical one extracted"
                + " from real training runs.");
        h.note(HtmlReport.Source.DERIVED, "Predicted: a step at η' = kη scales every ELR by k; by e' = e/(1 + e²) the extreme layers keep their"
                + " order iff k² e_max e_min ≤ 1, so η_crit = η/√(e_max e_min). Empirical, from the same state for every candidate rate, N steps on"
                + " N consecutive batches, repeated over several batch offsets and pooled (geometric means): the swap boundary (largest rate whose"
                + " extreme layers keep their order), the rate of fastest spread decay, and the largest rate that does not widen the spread"
                + " (design note §3, §5.2; these rules are this toolkit's reading, not the paper's). The grid is extended ×4 beyond an edge"
                + " where an estimate lies; one still at an edge is a bound: ≥ the largest rate tried, ≤ the smallest. The widening test: the"
                + " fraction of candidates well above the predicted critical LR that widen the spread, and of those well below it.");
        h.section("Empirical against predicted critical learning rates");
        if (grids.isEmpty()) {
            h.paragraph(ctx.live() ? "No grid has been measured yet (the grid is tried at the steps set by at-steps; its table is written at"
                    + " checkpoints and at the end of the run)." : "The runs hold no critical_lr.csv.");
        } else {
            gridTable(h);
            List<Path> grid = gridFiles();
            h.figure(changeChart().saveFigure(ctx.plots(), "critical_lr_spread_change"),
                    "Change of ln S per step after the candidate rate's steps, against the candidate rate, for each step the grid was tried at"
                            + " (one colour each); the vertical line of the same colour is the predicted critical LR. Below 0 the spread shrinks.",
                    grid);
            List<Path> estimates = new ArrayList<>(grid);
            estimates.addAll(ctx.summaryOr(List.of()));
            h.figure(predictedVsEmpiricalChart().saveFigure(ctx.plots(), "critical_lr_predicted_vs_empirical"),
                    "Each empirical critical LR against the predicted one at the same step; on the diagonal they agree. Estimates that were not"
                            + " found (every candidate swapped, or none reduced the spread) are not drawn; the table says why.", estimates);
        }
        for (String p : problems) {
            h.paragraph("Not analysed: " + p);
        }
        double[] range = ElrFigures.sharedElrRange(ctx.runs());
        for (ElrRunData r : ctx.runs()) {
            String id = r.spec.id();
            h.section("The run the grids were taken from: " + id);
            Chart lr = ElrFigures.lrChart(r);
            List<AtStep> own = grids.stream().filter(a -> a.run() == r).toList();
            if (!own.isEmpty()) {
                lr.points("grid tried here (its predicted critical LR)", own.stream().mapToDouble(a -> a.atStep()).toArray(),
                        own.stream().mapToDouble(AtStep::predicted).toArray(), 2);
            }
            h.figure(lr.saveFigure(ctx.plots(), "lr_vs_critical_" + id),
                    "The learning rate used in training beside the critical LR predicted at every recorded step (steps.csv); dots: the steps"
                            + " the grid of rates was tried at.", r.files(ElrProbe.STEPS, CriticalLrExperiment.TABLE));
            Chart spread = ElrFigures.spreadChart("ELR spread over training: " + id, "S = max e / min e over the normalized layers");
            ElrFigures.spreadLine(spread, r, "spread S (measured)", 0);
            h.figure(spread.saveFigure(ctx.plots(), "spread_" + id), "The ELR spread of the training run.", r.files(ElrProbe.STEPS));
            h.figure(ElrFigures.elrHeatmap(r, range, ctx.plots(), "elr_heatmap_" + id),
                    "ELR e_l of every normalized layer (rows, layer 1 = the stem at the bottom) at every recorded step; colours on a log scale.",
                    r.heatmapFiles("elr"));
        }
    }

    /** The files the grids are read from: critical_lr.csv and the per-layer ELRs before and after, of every run that has grids. */
    private List<Path> gridFiles() {
        List<ElrRunData> measured = ctx.runs().stream().filter(r -> grids.stream().anyMatch(a -> a.run() == r)).toList();
        return ElrRunData.files(measured, CriticalLrExperiment.TABLE, CriticalLrExperiment.BEFORE, CriticalLrExperiment.AFTER);
    }

    private void gridTable(HtmlReport h) {
        HtmlReport.Table t = new HtmlReport.Table("run", "at step", "candidates × batches", "predicted", "swap boundary", "× predicted",
                "fastest decay", "× predicted", "no widening", "× predicted", "widen above", "widen below", "claim holds");
        for (AtStep a : grids) {
            CriticalLr.Grid g = a.grid();
            Widening w = a.widening();
            t.row(a.run().spec.id(), a.atStep(), g.lrs().length + " × " + a.batches(), a.predicted(),
                    bounded(boundOfLargest(g, g.swapBoundary())), boundedRatio(a, 0), bounded(boundOfFastest(g)), boundedRatio(a, 1),
                    bounded(boundOfLargest(g, g.noWidening())), boundedRatio(a, 2),
                    fraction(w.above(), w.nAbove()) + " (≥×" + ElrFigures.num(w.aboveMin()) + ")",
                    fraction(w.below(), w.nBelow()) + " (≤×" + ElrFigures.num(w.belowMax()) + ")",
                    w.holds() == null ? "n/a" : w.holds() ? "yes" : "no");
        }
        h.table(t);
        HtmlReport.Table why = new HtmlReport.Table("run", "at step", "swap boundary", "fastest decay", "no widening");
        for (AtStep a : grids) {
            why.row(a.run().spec.id(), a.atStep(), tidy(a.grid().swapBoundary().reason()), tidy(a.grid().fastestDecay().reason()),
                    tidy(a.grid().noWidening().reason()));
        }
        h.paragraph("How each estimate was found:");
        h.table(why);
    }

    private static String bounded(Bounded b) {
        return b.bound() == null ? "none" : b.symbol() + ElrFigures.num(b.lr());
    }

    private static String fraction(double f, int n) {
        return n == 0 ? "n/a" : Math.round(f * n) + "/" + n;
    }

    private Chart changeChart() {
        Chart c = new Chart("Spread change per step against the candidate learning rate",
                "from the same state at each step, pooled over the batch offsets; vertical lines: predicted critical LR", "candidate learning rate",
                "change of ln S per step", true, false).horizontal("no change", 0);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (AtStep a : grids) {
            for (double v : a.grid().logSpreadChangePerStep()) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (!(lo <= hi)) {
            lo = -1;
            hi = 1;
        }
        lo = Math.min(lo, 0);
        hi = Math.max(hi, 0);
        for (int i = 0; i < grids.size(); i++) {
            AtStep a = grids.get(i);
            String name = (ctx.runs().size() > 1 ? a.run().spec.id() + ", " : "") + "step " + a.atStep();
            c.add(new Chart.Series(name + ": measured", a.grid().lrs(), a.grid().logSpreadChangePerStep(), true, true, i));
            if (Double.isFinite(a.predicted()) && a.predicted() > 0) {
                ElrFigures.vertical(c, name + ": predicted critical LR", a.predicted(), lo, hi, i);
            }
        }
        return c;
    }

    private Chart predictedVsEmpiricalChart() {
        Chart c = new Chart("Empirical against predicted critical learning rate", "one point per grid and rule; diagonal: empirical = predicted",
                "predicted critical LR", "empirical critical LR", true, true);
        String[] names = {"swap boundary of the extreme layers", "fastest spread decay", "largest rate that does not widen the spread"};
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int rule = 0; rule < 3; rule++) {
            double[] x = new double[grids.size()];
            double[] y = new double[grids.size()];
            for (int i = 0; i < grids.size(); i++) {
                AtStep a = grids.get(i);
                CriticalLr.Grid g = a.grid();
                x[i] = a.predicted();
                y[i] = (rule == 0 ? g.swapBoundary() : rule == 1 ? g.fastestDecay() : g.noWidening()).lr();
                for (double v : new double[] {x[i], y[i], g.lrs()[0], g.lrs()[g.lrs().length - 1]}) {
                    if (v > 0 && Double.isFinite(v)) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
            }
            c.points(names[rule], x, y, rule);
        }
        if (lo < hi) {
            c.line("empirical = predicted", new double[] {lo, hi}, new double[] {lo, hi}, 7);
        }
        return c;
    }
}
