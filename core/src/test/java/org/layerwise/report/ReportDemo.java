package org.layerwise.report;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * An example page with every instrument on made-up numbers shaped like a depth-scaling study's, for
 * looking at (its {@code main} writes /tmp/report-instruments-demo/report.html; pass another folder,
 * and "live" as a second argument for the live banner) and for the page-level checks of
 * {@link HtmlReportTest}.
 */
final class ReportDemo {
    static final double[] DEPTHS = {3, 5, 10, 20, 50, 100, 200, 500, 1000, 2000};

    private ReportDemo() {
    }

    /** Renders report.html and its plots/ into dir; returns the page's timing of the big heatmap in ms. */
    static long render(Path dir, boolean live) {
        Path plots = dir.resolve("plots");
        Random rnd = new Random(7);
        List<Figure> figures = new ArrayList<>();

        Chart maxNorm = new Chart("Max norm of the trained weights vs depth", "points: runs; lines: OLS fits of log max norm on log L",
                "depth L", "max_k ||A_k||_F", true, true).ticksX(DEPTHS);
        double[] a = new double[DEPTHS.length];
        double[] da = new double[DEPTHS.length];
        for (int i = 0; i < DEPTHS.length; i++) {
            a[i] = 2.1 * Math.pow(DEPTHS[i], -0.52) * Math.exp(0.05 * rnd.nextGaussian());
            da[i] = 0.9 * Math.pow(DEPTHS[i], -1.01) * Math.exp(0.05 * rnd.nextGaussian());
        }
        maxNorm.points("max ||A_k||_F: beta = 0.52 [0.48, 0.56]", DEPTHS, a, 0)
                .line("fit A_k", new double[] {3, 2000}, new double[] {2.1 * Math.pow(3, -0.52), 2.1 * Math.pow(2000, -0.52)}, 0)
                .points("max ||delta_k| A_k||_F: beta = 1.01 [0.97, 1.05]", DEPTHS, da, 1)
                .line("fit |delta_k| A_k", new double[] {3, 2000}, new double[] {0.9 * Math.pow(3, -1.01), 0.9 * Math.pow(2000, -1.01)}, 1);
        figures.add(maxNorm.saveFigure(plots, "max_norm_vs_depth"));

        Chart losses = new Chart("Training loss of every run", "one curve per run, coloured by depth", "update", "training MSE", true, true)
                .colourKey("depth L", true).horizontal("target epsilon", 1e-3);
        for (int run = 0; run < 50; run++) {
            double depth = Math.round(3 * Math.pow(2000 / 3.0, run / 49.0));
            int n = 400;
            double[] x = new double[n];
            double[] y = new double[n];
            for (int k = 0; k < n; k++) {
                x[k] = Math.pow(10, 5.0 * k / (n - 1));
                y[k] = (0.5 * Math.exp(-x[k] / (300 * Math.sqrt(depth))) + 4e-4 * Math.pow(depth, 0.3)) * Math.exp(0.03 * rnd.nextGaussian());
            }
            losses.curve(depth, x, y);
        }
        figures.add(losses.saveFigure(plots, "loss_curves"));

        Chart narrow = new Chart("Final loss, a range inside one decade", "log y axis from 0.021 to 0.029", "depth L", "training MSE",
                true, true).ticksX(DEPTHS).horizontal("epsilon", 0);
        double[] f = new double[DEPTHS.length];
        for (int i = 0; i < DEPTHS.length; i++) {
            f[i] = 0.0215 + 0.007 * i / (DEPTHS.length - 1.0);
        }
        narrow.points("train loss (full training set)", DEPTHS, f, 0);
        figures.add(narrow.saveFigure(plots, "narrow_range"));

        Chart wide = new Chart("Gradient norm per layer, 12 decades", "|grad_k| at the last update; s = k/L", "s = k / L",
                "||nabla_{A_k} loss||", false, true);
        for (int d : new int[] {10, 100, 1000}) {
            double[] s = new double[d];
            double[] g = new double[d];
            for (int k = 0; k < d; k++) {
                s[k] = (double) k / d;
                g[k] = Math.pow(10, -12 * Math.pow(s[k], 1 + d / 1000.0)) * Math.exp(0.3 * rnd.nextGaussian());
            }
            wide.line("L = " + d, s, g, -1);
        }
        figures.add(wide.saveFigure(plots, "wide_range"));

        int layers = 110;
        int steps = 100_000;
        double[][] m = new double[layers][steps];
        double[] stepAxis = new double[steps];
        double[] layerAxis = new double[layers];
        for (int c = 0; c < steps; c++) {
            stepAxis[c] = c + 1;
        }
        for (int r = 0; r < layers; r++) {
            layerAxis[r] = r + 1;
            for (int c = 0; c < steps; c++) {
                m[r][c] = 1e-2 * Math.pow(c + 1, -0.7) * (1 + r / 30.0) * (1 + 0.3 * Math.sin(c / 500.0 + r / 9.0));
            }
        }
        for (int c = 40_000; c < 42_000; c++) {
            m[60][c] = Double.NaN;
        }
        long t0 = System.nanoTime();
        Heatmap big = new Heatmap("Update size per layer and step", "||A_k(t+1) - A_k(t)||_F, 110 layers x 100,000 steps", "step t",
                "layer k", m).columns(stepAxis, true).rows(layerAxis, false).colourScale("update size", true);
        figures.add(big.saveFigure(plots, "update_heatmap"));
        long millis = (System.nanoTime() - t0) / 1_000_000;

        double[][] small = {{1, 2, 3, 4}, {2, Double.NaN, 6, 8}, {3, 6, 9, 12}};
        figures.add(new Heatmap("A small matrix", "3 x 4 cells, linear colour scale", "column", "row", small)
                .colourScale("value", false).height(360).saveFigure(plots, "small_heatmap"));

        HtmlReport page = new HtmlReport("Depth-scaling study of a residual MLP (demo numbers)")
                .intro(Notation.format("h_{k+1} = h_k + delta_k sigma(A_k h_k + b_k), trained at each depth L; made-up numbers that only "
                        + "show the instruments."))
                .verdict("SDE-like (diffusive) <demo>", List.of(Notation.format("beta(A) = 0.52 [0.48, 0.56], consistent with 1/2"),
                        "rescaled increments flat: slope -0.03 [-0.10, 0.04]", "root SSQ flat: slope 0.01 [-0.05, 0.07]"))
                .note(HtmlReport.Source.INFERRED, "The thresholds of the regime rule are ours; the paper does not publish its own.")
                .section("Exponents");
        HtmlReport.Table t = new HtmlReport.Table("sequence", "statistic", "slope", "95% interval", "runs");
        t.row(Notation.format("A_k"), "max Frobenius norm", -0.5213, "[-0.56, -0.48]", 10)
                .row(Notation.format("|delta_k| A_k"), "max Frobenius norm", -1.0087, "[-1.05, -0.97]", 10)
                .row(Notation.format("A_k"), "root SSQ", 1.2e-5, "[-0.05, 0.07]", 10);
        page.table(t).note(HtmlReport.Source.PAPER, Notation.format("beta = 1/2 is the diffusive scaling (Hypothesis 2)."))
                .note(HtmlReport.Source.DERIVED, Notation.format("Root SSQ ~ L^(1/2 - beta) follows from the max-norm scaling."))
                .note(HtmlReport.Source.LAYERWISE, "Intervals are percentile bootstrap over runs.")
                .section("Figures");
        String[] captions = {"Max norm vs depth; depths trained are ticked.", "Loss curves of 50 runs coloured by depth, with the target epsilon.",
            "A log axis inside one decade still gets round, distinct ticks; no epsilon line (epsilon = 0).",
            "A log axis over 12 decades.", "A 110 x 100,000 matrix, downsampled by averaging log values per pixel; a gap of NaN cells in layer 61.",
            "A 3 x 4 matrix with one NaN cell."};
        for (int i = 0; i < figures.size(); i++) {
            page.figure(figures.get(i), captions[i]);
        }
        page.provenance("Files beside this report: plots/*.png, plots/*.svg. Regenerated by ReportDemo (a test helper).",
                "{\n  \"seed\": 7,\n  \"note\": \"<demo> & friends\"\n}");
        if (live) {
            page.live(30, Instant.parse("2025-01-01T12:00:00Z"));
        }
        page.write(dir.resolve("report.html"));
        return millis;
    }

    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/report-instruments-demo");
        long ms = render(dir, args.length > 1 && args[1].equals("live"));
        System.out.println("wrote " + dir.resolve("report.html") + "; 110 x 100000 heatmap in " + ms + " ms");
    }
}
