package org.layerwise.study.convscaling;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.layerwise.analysis.Regime;
import org.layerwise.analysis.ScalingFit;

/**
 * The depth scaling of trained conv ResNets' spectral norms (Cohen et al. 2021, CIFAR-10 part;
 * scaling-reference.md sections 4.3-4.5, 5.2): per network and for each of the sequences A_k (conv1)
 * and Delta_k (conv2) three statistics of the per-block sigma_max ({@link BlockSpectra}), their
 * log-log fits against L with 95 % intervals, and the regime label.
 *
 * <p><b>Statistics [REPO plots_convolutional.py].</b>
 * <ul>
 *   <li>max norm = max_k sigma_max(W_k) (the per-block values are kept for the scatter);</li>
 *   <li>root SSQ = sqrt(sum_k sigma_max(W_k)^2);</li>
 *   <li>increment = max over the kept pairs of sigma_max(W_{k+1} - W_k) (pairs: {@link BlockSpectra});
 *       the rescaled increment is L^e times it, with e the fitted exponent of the same sequence
 *       (beta_A for A, alpha_Delta for Delta) [layerwise]: the exponent the reference passed to its
 *       plot was not found (section 4.5; 0 for A fits its figure).</li>
 * </ul>
 * <b>Exponents [REPO]:</b> beta_A = -slope(max norm of A), alpha_Delta = -slope(max norm of Delta), by
 * OLS of ln(statistic) on ln(L) ({@link ScalingFit}). The reference's CIFAR figures print -slope of
 * root SSQ and increment; the fits here keep +slope, as {@link Regime} reads them.
 *
 * <p><b>Seeds [layerwise, as study.scaling.ScalingAnalysis].</b> Seeds are not averaged before
 * fitting: every network is one point (L, value) of the fit. The t-interval treats the points as
 * independent; with {@code bootstrap > 0} the interval is a percentile bootstrap that resamples
 * depths, each drawn depth bringing all its seeds ({@link ScalingFit#fitBootstrap}). The per-depth
 * table reports the mean over seeds, with the per-seed values beside it.
 *
 * <p><b>Regime [INFERRED rule, {@link Regime#classify}].</b> For A with beta = beta_A, for Delta with
 * beta = alpha_Delta: the max-norm, raw-increment and root-SSQ fits go in; the label and its evidence
 * lines come out, as ScalingAnalysis does for the MLP. Which depths to fit is the caller's choice: the
 * reference's fits use {@link #REFERENCE_FIT_DEPTHS} (L = 18 left out, reason not found).
 */
public final class ConvScalingFits {
    /** The 15 depths the reference's CIFAR fits use (plots_convolutional.py; scaling-reference.md 4.3). */
    public static final List<Integer> REFERENCE_FIT_DEPTHS = List.of(8, 11, 12, 14, 16, 20, 24, 28, 33, 42, 50, 65, 80, 100, 121);

    /** The sequences, by their summary names. */
    public static final String A = "A";
    public static final String DELTA = "Delta";

    private ConvScalingFits() {
    }

    /** One trained network: its seed index (0, 1, ... per depth) and its spectra. */
    public record Network(int seedIndex, BlockSpectra spectra) {
        public int depth() {
            return spectra.depth();
        }
    }

    /**
     * The statistics of one sequence of one network.
     *
     * @param perBlock     sigma_max(W_k) for k = 0..L-1 (the scatter; not copied)
     * @param maxIncrement max_k sigma_max(W_{k+1} - W_k) over the kept pairs, NaN with no pair
     */
    public record RunStats(int depth, int seedIndex, double maxNorm, double rootSsq, double maxIncrement, double[] perBlock) {
        static RunStats of(int depth, int seedIndex, double[] perBlock, BlockSpectra.Increments inc) {
            double max = 0;
            double ssq = 0;
            for (double s : perBlock) {
                max = Math.max(max, s);
                ssq += s * s;
            }
            return new RunStats(depth, seedIndex, max, Math.sqrt(ssq), inc.max(), perBlock);
        }
    }

    /**
     * The fits of one sequence across depths.
     *
     * @param exponent          beta (A) or alpha (Delta) = -slope of the max norm (NaN when not fitted)
     * @param increment         fit of the raw max increment
     * @param rescaledIncrement fit of L^exponent times it (the slope moves by the exponent, the interval width does not)
     */
    public record SequenceFits(String sequence, String exponentName, List<RunStats> runs, ScalingFit maxNorm,
                               ScalingFit rootSsq, ScalingFit increment, ScalingFit rescaledIncrement, double exponent,
                               Regime regime) {
        /** L^exponent * max increment of one run. */
        public double rescaled(RunStats r) {
            return Math.pow(r.depth(), exponent) * r.maxIncrement();
        }
    }

    /** Fits of both sequences and the summary.json map. */
    public record Result(SequenceFits a, SequenceFits delta, Map<String, Object> summary) {
    }

    /**
     * Fits A and Delta over these networks.
     *
     * @param bootstrap resamples for bootstrap intervals (0 = t-intervals), as ScalingConfig's "bootstrap"
     * @param seed      seed of the bootstrap
     * @param tolerance tolerance on exponents in the regime rule (ScalingConfig's "regime-tolerance", 0.1)
     */
    public static Result fit(List<Network> networks, int bootstrap, long seed, double tolerance) {
        List<RunStats> a = new ArrayList<>();
        List<RunStats> d = new ArrayList<>();
        for (Network n : networks) {
            a.add(RunStats.of(n.depth(), n.seedIndex(), n.spectra().a(), n.spectra().aIncrements()));
            d.add(RunStats.of(n.depth(), n.seedIndex(), n.spectra().delta(), n.spectra().deltaIncrements()));
        }
        int depths = (int) networks.stream().mapToInt(Network::depth).distinct().count();
        SequenceFits fa = fitSequence(A, "beta_A", a, bootstrap, seed, tolerance, depths);
        SequenceFits fd = fitSequence(DELTA, "alpha_Delta", d, bootstrap, seed, tolerance, depths);
        return new Result(fa, fd, ConvScalingSummary.of(networks, fa, fd));
    }

    private static SequenceFits fitSequence(String name, String exponentName, List<RunStats> runs, int bootstrap, long seed,
                                            double tolerance, int depths) {
        ScalingFit max = fit(runs, RunStats::maxNorm, bootstrap, seed);
        ScalingFit ssq = fit(runs, RunStats::rootSsq, bootstrap, seed);
        ScalingFit inc = fit(runs, RunStats::maxIncrement, bootstrap, seed);
        double e = -max.slope();
        Regime regime = Regime.classify(max, inc, ssq, tolerance, depths);
        return new SequenceFits(name, exponentName, List.copyOf(runs), max, ssq, inc, inc.shifted(e), e, regime);
    }

    /** Every run is a point (L, value); non-positive or NaN values are left out by the fit. */
    private static ScalingFit fit(List<RunStats> runs, ToDoubleFunction<RunStats> value, int bootstrap, long seed) {
        double[] x = runs.stream().mapToDouble(RunStats::depth).toArray();
        double[] y = runs.stream().mapToDouble(value).toArray();
        return bootstrap > 0 ? ScalingFit.fitBootstrap(x, y, bootstrap, seed) : ScalingFit.fit(x, y);
    }

    /** Runs grouped by depth, ascending. */
    static TreeMap<Integer, List<RunStats>> byDepth(List<RunStats> runs) {
        TreeMap<Integer, List<RunStats>> m = new TreeMap<>();
        for (RunStats r : runs) {
            m.computeIfAbsent(r.depth(), k -> new ArrayList<>()).add(r);
        }
        return m;
    }

    /** Header of {@link #blockRows}: one row per block of every network, for a blocks.csv. */
    public static final List<String> BLOCK_HEADER = List.of("depth", "seed_index", "block", "stage", "index_in_stage",
            "sigma_A", "sigma_Delta", "sigma_SC", "sigma_dA_next", "sigma_dDelta_next");

    /** The per-block values (the scatter of the max-norm plots); a missing value (no shortcut, no kept pair) is null. */
    public static List<List<Object>> blockRows(List<Network> networks) {
        List<List<Object>> rows = new ArrayList<>();
        for (Network n : networks) {
            BlockSpectra s = n.spectra();
            Map<Integer, Double> sc = index(s.shortcutBlocks(), s.shortcut());
            Map<Integer, Double> da = index(s.aIncrements().first(), s.aIncrements().sigma());
            Map<Integer, Double> dd = index(s.deltaIncrements().first(), s.deltaIncrements().sigma());
            for (var b : s.blocks()) {
                List<Object> row = new ArrayList<>(List.of(n.depth(), n.seedIndex(), b.index(), b.stage(), b.indexInStage(),
                        s.a()[b.index()], s.delta()[b.index()]));
                row.add(sc.get(b.index()));
                row.add(da.get(b.index()));
                row.add(dd.get(b.index()));
                rows.add(row);
            }
        }
        return rows;
    }

    private static Map<Integer, Double> index(int[] keys, double[] values) {
        Map<Integer, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < keys.length; i++) {
            m.put(keys[i], values[i]);
        }
        return m;
    }
}
