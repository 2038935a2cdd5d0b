package org.layerwise.study.scaling;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.layerwise.analysis.Regime;
import org.layerwise.analysis.ScalingFit;
import org.layerwise.analysis.TrendNoise;
import org.layerwise.analysis.WeightSequence;
import org.layerwise.analysis.WeightStatistics;
import org.layerwise.data.Dataset;
import org.layerwise.engine.FusedKernel;
import org.layerwise.engine.ReferenceKernel;
import org.layerwise.engine.ResidualKernel;
import org.layerwise.io.Csv;
import org.layerwise.io.Json;
import org.layerwise.io.Npy;
import org.layerwise.model.DeltaMode;
import org.layerwise.model.ResidualMlp;
import org.layerwise.study.RunSpec;
import org.layerwise.study.StudyFolder;

/**
 * Everything a scaling study concludes, computed from its folder alone (config.json and the per-run
 * folders), so the analysis and report can be redone without training: per-run statistics
 * (metrics.csv), fits across depths (fits.csv), exponents, the regime label, the trend/noise
 * decomposition, plots and report.html, and summary.json.
 */
public final class ScalingAnalysis {
    /** Weight sequences analysed: A_k, b_k, |delta_k| (per-layer) and |delta_k| A_k, |delta_k| b_k. */
    public static final List<String> SEQUENCES = List.of("A", "b", "delta", "deltaA", "deltab");

    private final ScalingConfig cfg;
    private final StudyFolder folder;
    private final StudyFolder.Scan scan;
    private final Path dir;
    private final PrintStream log;

    ScalingAnalysis(ScalingConfig cfg, StudyFolder folder, StudyFolder.Scan scan, PrintStream log) {
        this.cfg = cfg;
        this.folder = folder;
        this.scan = scan;
        this.dir = folder.dir();
        this.log = log;
    }

    public Map<String, Object> run() {
        String effective = cfg.delta() == DeltaMode.PER_LAYER ? "deltaA" : "A";
        List<TrainedRun> runs = new ArrayList<>();
        for (RunSpec spec : scan.complete()) {
            runs.add(TrainedRun.load(spec, folder.run(spec).dir(), cfg, effective));
        }
        runs.sort(Comparator.comparingInt((TrainedRun r) -> r.depth).thenComparingInt(r -> r.seedIndex));
        List<TrainedRun> ok = runs.stream().filter(TrainedRun::usable).toList();

        // fits of every statistic of every sequence across depths
        Map<String, Map<String, ScalingFit>> fits = new LinkedHashMap<>();
        for (String seq : SEQUENCES) {
            Map<String, ScalingFit> bySeq = new LinkedHashMap<>();
            for (String stat : statNames(ok, seq)) {
                bySeq.put(stat, fit(ok, seq, stat, cfg, stat.equals(WeightStatistics.DETRENDED_CUMSUM) ? 200 : 0));
            }
            if (!bySeq.isEmpty()) {
                fits.put(seq, bySeq);
            }
        }
        ScalingFit alphaFit = null;
        if (cfg.delta() == DeltaMode.SHARED) {
            alphaFit = fitValues(ok, r -> r.sharedDelta, cfg, 0);
        }
        Map<String, Object> exponents = new LinkedHashMap<>();
        putExponent(exponents, "beta_A", fits, "A");
        putExponent(exponents, "beta_b", fits, "b");
        putExponent(exponents, "beta_deltaA", fits, "deltaA");
        if (alphaFit != null && Double.isFinite(alphaFit.slope())) {
            exponents.put("alpha", negated(alphaFit));
        }
        Map<String, ScalingFit> eff = fits.getOrDefault(effective, Map.of());
        int trainedDepths = (int) ok.stream().map(r -> r.depth).distinct().count();
        Regime regime = eff.isEmpty() ? null : Regime.classify(eff.get(WeightStatistics.MAX_FROBENIUS),
                eff.get(WeightStatistics.MAX_INCREMENT), eff.get(WeightStatistics.ROOT_SSQ), cfg.regimeTolerance(), trainedDepths);

        Map<String, Object> trendNoise = trendNoise(cfg, ok, effective, regime == null ? 0 : regime.beta());

        writeMetrics(runs);
        writeFits(fits, alphaFit);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("study", ScalingStudy.NAME);
        summary.put("title", "depth-scaling (Cohen, Cont, Rossier & Xu, ICML 2021)");
        summary.put("coverage", scan.coverage());
        summary.put("absent_runs", scan.absent());
        summary.put("setting", Map.of("dataset", cfg.dataset(), "activation", cfg.activation().key(), "delta", cfg.delta().key(),
                "init", cfg.init().key(), "width", cfg.width(), "optimizer", cfg.optimizer(), "lr", cfg.lr()));
        summary.put("depths", ok.stream().map(r -> r.depth).distinct().toList());
        summary.put("runs", runs.size());
        summary.put("diverged", runs.stream().filter(r -> !r.usable()).map(r -> Map.of("depth", r.depth, "seed_index", r.seedIndex)).toList());
        summary.put("stop_reasons", runs.stream().collect(java.util.stream.Collectors.groupingBy(r -> r.reason, LinkedHashMap::new,
                java.util.stream.Collectors.counting())));
        summary.put("all_diverged", ok.isEmpty());
        summary.put("note", note(runs, ok));
        summary.put("provisional", provisional(ok, cfg));
        summary.put("effective_sequence", effective);
        summary.put("exponents", exponents);
        if (regime == null) {
            Map<String, Object> rg = new LinkedHashMap<>();
            rg.put("label", Regime.UNDETERMINED);
            rg.put("reason", ok.isEmpty() ? "every run diverged" : "no depth with usable statistics");
            summary.put("regime", rg);
        } else {
            Map<String, Object> rg = new LinkedHashMap<>();
            rg.put("label", regime.label());
            rg.put("reason", regime.reason());
            rg.put("sequence", effective.equals("deltaA") ? "|delta_k| A_k (the effective weights)" : "A_k");
            rg.put("beta", regime.beta());
            rg.put("s_I", regime.increment().shifted(regime.beta()));
            rg.put("s_R", regime.rootSsq());
            rg.put("tolerance", regime.tolerance());
            rg.put("evidence", regime.evidence());
            rg.put("rule", "[INFERRED] from Hypotheses 1/2 of the paper; see docs/scaling-study.md");
            summary.put("regime", rg);
        }
        summary.put("fits", fitsForJson(fits));
        Map<String, Object> tnSummary = new LinkedHashMap<>(trendNoise);
        if (trendNoise.containsKey("trend_entry")) {
            // the curves go to a CSV; the summary keeps the scalars
            double[] t = (double[]) tnSummary.remove("trend_entry");
            double[] n = (double[]) tnSummary.remove("noise_entry");
            double[] w = (double[]) tnSummary.remove("raw_entry_scaled");
            List<List<?>> rows = new ArrayList<>();
            for (int k = 0; k < t.length; k++) {
                rows.add(List.of(k, (double) k / t.length, w[k], t[k], n[k]));
            }
            Csv.write(dir.resolve(ScalingStudy.TREND_NOISE), List.of("layer", "s", "raw_scaled", "trend", "noise"), rows);
        }
        summary.put("trend_noise", tnSummary);
        summary.put("report", ScalingStudy.FILES.report());
        Json.write(ScalingStudy.FILES.summary(dir), withoutNaN(summary));
        new ScalingReport(new ReportInputs(cfg, folder, new ScalingRunData(runs), fits, alphaFit, regime, trendNoise, summary)).write();
        return summary;
    }

    /** What a reader must know beside the verdict (runs that never reached epsilon), or null. */
    private String note(List<TrainedRun> runs, List<TrainedRun> ok) {
        if (ok.isEmpty()) {
            return "every run diverged: there is nothing to fit; lower the learning rate or the init scale";
        }
        long atTmax = ok.stream().filter(r -> "MAX_UPDATES".equals(r.reason)).count();
        if (atTmax == ok.size()) {
            return "every run stopped at Tmax = " + cfg.maxUpdates() + " updates before its training loss reached epsilon = " + ScalingText.plain(cfg.epsilon())
                    + ": the exponents describe the weights after Tmax updates, not at the paper's convergence criterion";
        }
        if (atTmax > 0) {
            return atTmax + " of " + ok.size() + " runs stopped at Tmax = " + cfg.maxUpdates() + " updates before reaching epsilon = "
                    + ScalingText.plain(cfg.epsilon());
        }
        return null;
    }

    /**
     * Why every conclusion of the study is provisional, in Notation markup, or null: no sound run reached
     * epsilon (each stopped at Tmax, or on a plateau), so the exponents describe the weights where training
     * was cut off, not at the paper's stopping criterion. The verdict's headline says it.
     */
    static String provisional(List<TrainedRun> ok, ScalingConfig cfg) {
        if (ok.isEmpty() || ok.stream().anyMatch(r -> "CONVERGED".equals(r.reason))) {
            return null;
        }
        long atTmax = ok.stream().filter(r -> "MAX_UPDATES".equals(r.reason)).count();
        long plateau = ok.stream().filter(r -> "PLATEAU".equals(r.reason)).count();
        return "no run reached epsilon = " + ScalingText.plain(cfg.epsilon()) + "; " + atTmax + " of " + ok.size() + " runs stopped at Tmax = "
                + cfg.maxUpdates() + " updates" + (plateau > 0 ? ", " + plateau + " on a plateau" : "");
    }

    /** Fits as JSON objects: a slope that could not be fitted is null with the reason. */
    private static Map<String, Map<String, Object>> fitsForJson(Map<String, Map<String, ScalingFit>> fits) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        fits.forEach((seq, m) -> {
            Map<String, Object> bySeq = new LinkedHashMap<>();
            m.forEach((stat, f) -> {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("slope", f.slope());
                j.put("intercept", f.intercept());
                j.put("std_error", f.stdError());
                j.put("lower", f.lower());
                j.put("upper", f.upper());
                j.put("r_squared", f.rSquared());
                j.put("points", f.points());
                j.put("interval", f.method());
                if (!Double.isFinite(f.slope())) {
                    j.put("reason", "fewer than 2 runs with a positive value: no fit");
                } else if (!Double.isFinite(f.stdError())) {
                    j.put("reason", "fewer than 3 points: slope without a standard error or interval");
                }
                bySeq.put(stat, j);
            });
            out.put(seq, bySeq);
        });
        return out;
    }

    /** The summary as JSON with every non-finite number replaced by null (JSON has no NaN; readers choke on it). */
    static com.fasterxml.jackson.databind.JsonNode withoutNaN(Object summary) {
        com.fasterxml.jackson.databind.JsonNode n = Json.MAPPER.valueToTree(summary);
        replaceNaN(n);
        return n;
    }

    private static void replaceNaN(com.fasterxml.jackson.databind.JsonNode n) {
        if (n instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            for (String k : names) {
                com.fasterxml.jackson.databind.JsonNode v = o.get(k);
                if (v.isNumber() && !Double.isFinite(v.asDouble())) {
                    o.putNull(k);
                } else {
                    replaceNaN(v);
                }
            }
        } else if (n instanceof com.fasterxml.jackson.databind.node.ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                if (a.get(i).isNumber() && !Double.isFinite(a.get(i).asDouble())) {
                    a.set(i, com.fasterxml.jackson.databind.node.NullNode.getInstance());
                } else {
                    replaceNaN(a.get(i));
                }
            }
        }
    }

    private static Map<String, Object> negated(ScalingFit f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("value", -f.slope());
        m.put("std_error", f.stdError());
        m.put("lower", -f.upper());
        m.put("upper", -f.lower());
        m.put("points", f.points());
        m.put("interval", f.method());
        return m;
    }

    private static void putExponent(Map<String, Object> into, String name, Map<String, Map<String, ScalingFit>> fits, String seq) {
        Map<String, ScalingFit> f = fits.get(seq);
        if (f != null && f.containsKey(WeightStatistics.MAX_FROBENIUS) && Double.isFinite(f.get(WeightStatistics.MAX_FROBENIUS).slope())) {
            into.put(name, negated(f.get(WeightStatistics.MAX_FROBENIUS)));
        }
    }

    private static List<String> statNames(List<TrainedRun> runs, String seq) {
        for (TrainedRun r : runs) {
            Map<String, Double> m = r.stats.get(seq);
            if (m != null) {
                return new ArrayList<>(m.keySet());
            }
        }
        return List.of();
    }

    private static ScalingFit fit(List<TrainedRun> runs, String seq, String stat, ScalingConfig cfg, int minDepth) {
        return fitValues(runs, r -> r.stats.containsKey(seq) ? r.stats.get(seq).get(stat) : null, cfg, minDepth);
    }

    /** Fits over runs with depth >= minDepth when at least 3 depths qualify, else over all runs. */
    private static ScalingFit fitValues(List<TrainedRun> runs, java.util.function.Function<TrainedRun, Double> value, ScalingConfig cfg, int minDepth) {
        long deep = runs.stream().filter(r -> r.depth >= minDepth).map(r -> r.depth).distinct().count();
        List<TrainedRun> use = deep >= 3 ? runs.stream().filter(r -> r.depth >= minDepth).toList() : runs;
        List<double[]> pts = new ArrayList<>();
        for (TrainedRun r : use) {
            Double v = value.apply(r);
            if (v != null) {
                pts.add(new double[] {r.depth, v});
            }
        }
        double[] x = pts.stream().mapToDouble(p -> p[0]).toArray();
        double[] y = pts.stream().mapToDouble(p -> p[1]).toArray();
        return cfg.bootstrap() > 0 ? ScalingFit.fitBootstrap(x, y, cfg.bootstrap(), cfg.seed()) : ScalingFit.fit(x, y);
    }
    /**
     * Trend/noise decomposition of the deepest run (seed 0), the trend integral averaged over the up
     * to 4 deepest depths, on a grid of min(500, shallowest of them / 4) points; plus the training loss
     * of the network rebuilt from the denoised weights (delta kept, as the reference).
     */
    private Map<String, Object> trendNoise(ScalingConfig cfg, List<TrainedRun> ok, String effective, double beta) {
        Map<Integer, TrainedRun> seed0 = new java.util.TreeMap<>(); // by depth
        ok.stream().filter(r -> r.seedIndex == 0).forEach(r -> seed0.putIfAbsent(r.depth, r));
        List<Integer> depths = List.copyOf(seed0.keySet());
        Map<String, Object> out = new LinkedHashMap<>();
        if (depths.size() < 2) {
            out.put("skipped", "needs at least 2 depths");
            return out;
        }
        List<Integer> avg = depths.subList(Math.max(0, depths.size() - 4), depths.size());
        int target = depths.get(depths.size() - 1);
        // at least ~4 layers per grid cell, as the reference (500 points, depths >= 2116): with one
        // layer per cell, floor(L i/n) puts 1 or 2 layers in a cell and the trend jitters
        int grid = Math.max(2, Math.min(500, avg.get(0) / 4));
        String seqName = effective.equals("deltaA") ? "deltaA" : "A";
        List<WeightSequence> seqA = new ArrayList<>();
        List<WeightSequence> seqB = new ArrayList<>();
        Map<String, WeightSequence> raw = null; // the target's own sequences (the last averaged depth)
        for (int L : avg) {
            Map<String, WeightSequence> s = TrainedRun.sequences(seed0.get(L).dir, cfg);
            raw = s;
            seqA.add(s.get(seqName));
            seqB.add(s.get(seqName.equals("A") ? "b" : "deltab"));
        }
        WeightSequence wA = seqA.get(seqA.size() - 1);
        WeightSequence wB = seqB.get(seqB.size() - 1);
        TrendNoise.Decomposition dA = TrendNoise.decompose(wA, TrendNoise.trendIntegral(seqA, beta, grid), beta, grid);
        TrendNoise.Decomposition dB = TrendNoise.decompose(wB, TrendNoise.trendIntegral(seqB, beta, grid), beta, grid);
        out.put("depth", target);
        out.put("averaged_depths", avg);
        out.put("grid", grid);
        out.put("beta", beta);
        out.put("sequence", seqName);
        // the denoised network: A and b replaced by their trends; per-layer delta folded as in the reference
        Dataset data;
        try {
            data = StudyData.load(cfg); // synthetic data is regenerated; files must still be where the config says
        } catch (org.layerwise.data.DataException | org.layerwise.config.ConfigException e) {
            data = null;
            out.put("train_loss_denoised_reason", "the training data is not available here (" + e.getMessage() + ")");
        }
        ResidualMlp net = new ResidualMlp(target, cfg.width(), cfg.activation(), cfg.delta());
        double[] orig = new double[net.parameterCount()];
        double[] den = new double[net.parameterCount()];
        int d = cfg.width();
        double[] delta = cfg.delta() == DeltaMode.NONE ? new double[0] : Npy.read(seed0.get(target).dir.resolve("delta.npy")).data();
        for (int k = 0; k < target; k++) {
            for (int e = 0; e < d * d; e++) {
                orig[net.offsetA(k) + e] = raw.get("A").get(k, e);
                den[net.offsetA(k) + e] = dA.denoised()[k * d * d + e];
            }
            for (int e = 0; e < d; e++) {
                orig[net.offsetB(k) + e] = raw.get("b").get(k, e);
                den[net.offsetB(k) + e] = dB.denoised()[k * d + e];
            }
        }
        System.arraycopy(delta, 0, orig, net.offsetDelta(), delta.length);
        System.arraycopy(delta, 0, den, net.offsetDelta(), delta.length);
        if (cfg.delta() == DeltaMode.PER_LAYER) {
            // |delta_k| is inside the denoised deltaA: keep only the sign (exact for relu, as the reference)
            for (int k = 0; k < target; k++) {
                den[net.offsetDelta() + k] = Math.signum(delta[k]);
            }
        }
        if (data != null) {
            // the engine the study trained with (float32 fused unless float64 was asked for), on every core:
            // the training has ended, and the scalar float64 pass took most of the analysis's time at L = 1024
            int cores = Runtime.getRuntime().availableProcessors();
            try (ResidualKernel k = cfg.float64() ? new ReferenceKernel(net, cores) : new FusedKernel(net, cores, cfg.batchSize())) {
                out.put("train_loss_original", k.loss(orig, data));
                out.put("train_loss_denoised", k.loss(den, data));
            }
        } else {
            out.put("train_loss_original", null);
            out.put("train_loss_denoised", null);
        }
        int e = pickEntry(wA);
        out.put("entry", e);
        out.put("trend_entry", slice(dA.trend(), wA.size(), e));
        out.put("noise_entry", slice(dA.noise(), wA.size(), e));
        out.put("raw_entry_scaled", scaledRaw(wA, e, beta));
        return out;
    }

    /** The entry with the largest mean magnitude, so its trend is visible. */
    private static int pickEntry(WeightSequence w) {
        int best = 0;
        double bestV = -1;
        for (int e = 0; e < w.size(); e++) {
            double s = 0;
            for (int k = 0; k < w.length(); k++) {
                s += w.get(k, e);
            }
            if (Math.abs(s) > bestV) {
                bestV = Math.abs(s);
                best = e;
            }
        }
        return best;
    }

    private static double[] slice(double[] values, int size, int e) {
        double[] out = new double[values.length / size];
        for (int k = 0; k < out.length; k++) {
            out[k] = values[k * size + e];
        }
        return out;
    }

    private static double[] scaledRaw(WeightSequence w, int e, double beta) {
        double up = Math.pow(w.length(), beta);
        double[] out = new double[w.length()];
        for (int k = 0; k < out.length; k++) {
            out[k] = up * w.get(k, e);
        }
        return out;
    }

    private void writeMetrics(List<TrainedRun> runs) {
        List<String> header = new ArrayList<>(List.of("depth", "seed_index", "stop_reason", "updates", "train_loss", "abs_shared_delta"));
        List<String[]> cols = new ArrayList<>();
        for (TrainedRun r : runs) {
            for (var s : r.stats.entrySet()) {
                for (String stat : s.getValue().keySet()) {
                    String[] c = {s.getKey(), stat};
                    if (cols.stream().noneMatch(x -> x[0].equals(c[0]) && x[1].equals(c[1]))) {
                        cols.add(c);
                    }
                }
            }
        }
        cols.forEach(c -> header.add(c[0] + "_" + c[1]));
        List<List<?>> rows = new ArrayList<>();
        for (TrainedRun r : runs) {
            List<Object> row = new ArrayList<>(List.of(r.depth, r.seedIndex, r.reason, r.updates));
            row.add(r.trainLoss);
            row.add(r.sharedDelta);
            for (String[] c : cols) {
                Map<String, Double> m = r.stats.get(c[0]);
                row.add(m == null ? null : m.get(c[1]));
            }
            rows.add(row);
        }
        Csv.write(dir.resolve(ScalingStudy.METRICS), header, rows);
    }

    private void writeFits(Map<String, Map<String, ScalingFit>> fits, ScalingFit alpha) {
        List<List<?>> rows = new ArrayList<>();
        fits.forEach((seq, m) -> m.forEach((stat, f) -> rows.add(List.of(seq, stat, f.slope(), f.stdError(), f.lower(), f.upper(),
                f.rSquared(), f.points(), f.method()))));
        if (alpha != null) {
            rows.add(List.of("shared_delta", "abs_value", alpha.slope(), alpha.stdError(), alpha.lower(), alpha.upper(),
                    alpha.rSquared(), alpha.points(), alpha.method()));
        }
        Csv.write(dir.resolve(ScalingStudy.FITS), List.of("sequence", "statistic", "slope", "std_error", "lower95", "upper95", "r_squared",
                "points", "interval"), rows);
    }
}
