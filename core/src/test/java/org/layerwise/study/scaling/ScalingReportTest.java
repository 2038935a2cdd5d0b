package org.layerwise.study.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.report.Notation;
import org.layerwise.study.StudyPage;
import org.layerwise.study.StudyRunner;

/** The report of a tiny study: what issue 5 asks the page to show, checked on the written report.html. */
class ScalingReportTest {
    /** Depths 4, 8, 16, 32 (fewer than 5: the verdict is undetermined), 2 seeds, every run stops at Tmax. */
    private static Map<String, String> tiny() {
        return Map.of("train-size", "200", "batch-size", "50", "max-updates", "60", "depth-min", "3", "depth-max", "40",
                "depth-base", "2", "seeds", "2", "threads", "2", "checkpoint-every", "20");
    }

    private static String verdictBox(String html) {
        Matcher m = Pattern.compile("<div class=\"verdict\">(.*?)</div>", Pattern.DOTALL).matcher(html);
        assertTrue(m.find(), "no verdict box");
        return m.group(1);
    }

    /** The page as a reader sees it: without the base64 pixels of embedded heatmap images (random letters). */
    private static String text(String html) {
        return html.replaceAll("data:image/png;base64,[A-Za-z0-9+/=]+", "data:image/png;base64,…");
    }

    @Test
    void reportShowsTheNewFiguresTheVerdictAndTheCoverage(@TempDir Path tmp) throws Exception {
        ScalingConfig cfg = ScalingConfig.resolve(null, null, tiny());
        new StudyRunner(ScalingStudy.INSTANCE, cfg, tmp, StudyRunner.Options.defaults(List.of("test")),
                new PrintStream(new ByteArrayOutputStream())).runAll();
        String html = text(Files.readString(tmp.resolve("report.html")));

        // the new figures, inlined and written beside the page
        for (String fig : List.of("loss_curves", "hypothesis_A", "root_ssq_A", "max_norm_vs_depth", "entry_heatmap_A_")) {
            assertTrue(html.contains("<figure id=\"fig-" + fig), fig + " missing");
        }
        assertTrue(Files.exists(tmp.resolve("plots/loss_curves.png")) && Files.exists(tmp.resolve("plots/root_ssq_A.svg")));
        try (Stream<Path> s = Files.list(tmp.resolve("plots"))) {
            assertEquals(2, s.filter(p -> p.getFileName().toString().startsWith("entry_heatmap_") && p.toString().endsWith(".png")).count(),
                    "one heatmap of an A-entry and one of a b-entry");
        }
        // the loss curves: one per depth, seeds averaged (and said so); the epsilon line in the legend
        assertTrue(html.contains("the mean of its seeds"), "loss curves say the seeds are averaged");
        assertTrue(html.contains("target ε = 10⁻⁴"), "epsilon line labelled in a legend");
        // s_I and s_R with their fits and the H1/H2 reference slopes
        assertTrue(html.contains("OLS fit: s_I = ") && html.contains("OLS fit: s_R = "));
        assertTrue(html.contains("H1: slope 1/2 - β") && html.contains("H2: slope 0"));

        // the verdict names the sequence of each exponent, the reason of "undetermined" and the note
        String verdict = verdictBox(html);
        assertTrue(verdict.contains("Regime: undetermined (only 4 depth(s)"), verdict);
        assertTrue(verdict.contains("β = ") && verdict.contains("the exponent of maxₖ ‖Aₖ‖"), verdict);
        assertTrue(verdict.contains("β of maxₖ ‖bₖ‖") && verdict.contains("β of maxₖ ‖|δₖ| Aₖ‖"), verdict);
        assertTrue(verdict.contains("α of the shared |δ|"), verdict);
        assertTrue(verdict.contains("s_I = ") && verdict.contains("s_R = "), verdict);
        assertTrue(verdict.contains("Note: every run stopped at Tmax = 60 updates"), verdict);
        // no run reached epsilon: the headline itself says the verdict is provisional, not only the note below it
        Matcher headline = Pattern.compile("<p class=\"headline\">(.*?)</p>").matcher(verdict);
        assertTrue(headline.find(), verdict);
        assertTrue(headline.group(1).startsWith("Regime: "), "no preset named, none in the headline: " + headline.group(1));
        assertTrue(headline.group(1).contains("; provisional: no run reached ε = 0.0001; 8 of 8 runs stopped at Tmax = 60 updates"),
                headline.group(1));
        // intervals: the default is the bootstrap over depths, and each interval says so
        assertEquals(2000, cfg.bootstrap(), "the default bootstrap");
        assertTrue(verdict.contains("(95% bootstrap over depths), the exponent of maxₖ ‖Aₖ‖"), verdict);
        assertTrue(html.contains(">95% interval: bootstrap over depths</th>"), "the exponent table names its interval");
        assertTrue(html.contains("Every 95% interval is a percentile bootstrap over depths (2000 resamples"), "the note on intervals");
        assertTrue(figure(html, "hypothesis_A").contains("(95% bootstrap over depths)"), "the legend of s_I names its interval");

        // the rules table describes this study's own grid, read from its settings (base 2 here, not the reference's 1.2)
        assertTrue(html.contains("this study: base 2, L = 3 to 40, 4 depths (4, 8, 16, 32); the reference code&#39;s base is 1.2"), "grid rule");
        assertFalse(html.contains("base 1.2 as the reference code"), "the old fixed grid text");

        // curves along s name the depths they draw; trend and noise each in a panel of their own; roughness as small multiples
        assertTrue(figure(html, "weights_along_depth").contains("one curve per depth, seed 0, for all 4 depths"), "weights along depth");
        String trendNoise = figure(html, "trend_noise");
        assertTrue(trendNoise.contains(">The entry and its trend<") && trendNoise.contains(">The noise part<"), "trend and noise panels");
        String roughness = figure(html, "roughness_A");
        for (String panel : List.of(">quadratic variation<", ">H¹ seminorm<", ">detrended cumulative sum<", ">cumulative sum<")) {
            assertTrue(roughness.contains(panel), "roughness panel " + panel);
        }

        // the values under the pointer: markers of the depth plots, heatmap cells
        assertTrue(figure(html, "max_norm_vs_depth").contains("<title>maxₖ ‖Aₖ‖: β = "), "hover on the max norms");
        assertTrue(figure(html, "final_loss_vs_depth").matches("(?s).*<title>stopped at Tmax = 60 updates \\(8 runs\\): depth L = 32, training loss = [0-9.e-]+</title>.*"),
                "hover on the final losses");
        assertTrue(figure(html, "entry_heatmap_A_").matches("(?s).*<title>layer k = 31, epoch = [0-9]+: Aₖ\\[[0-9,]+\\] = [-0-9.e]+</title>.*"),
                "hover on a heatmap cell");

        // every figure links the data it is drawn from, and every link leads to a file
        Matcher data = Pattern.compile("<figure id=\"fig-([^\"]+)\">.*?<span class=\"data\">Data: (.*?)</span>", Pattern.DOTALL).matcher(html);
        Map<String, List<String>> links = new java.util.LinkedHashMap<>();
        while (data.find()) {
            Matcher a = Pattern.compile("href=\"([^\"]+)\"").matcher(data.group(2));
            List<String> l = new java.util.ArrayList<>();
            while (a.find()) {
                l.add(a.group(1));
                assertTrue(Files.isRegularFile(tmp.resolve(a.group(1))), data.group(1) + " links a missing file " + a.group(1));
            }
            links.put(data.group(1), l);
        }
        int figures = 0;
        for (Matcher f = Pattern.compile("<figure id=\"fig-([^\"]+)\">").matcher(html); f.find(); ) {
            figures++;
            assertTrue(links.containsKey(f.group(1)), "figure " + f.group(1) + " has no data link");
        }
        assertTrue(figures >= 14, figures + " figures");
        assertTrue(links.get("loss_curves").containsAll(List.of("depths/L00004-s0/loss.csv", "depths/L00032-s1/loss.csv")), "" + links.get("loss_curves"));
        assertTrue(links.get("hypothesis_A").containsAll(List.of("fits.csv", "metrics.csv", "summary.json")), "" + links.get("hypothesis_A"));
        String heatmap = links.keySet().stream().filter(k -> k.startsWith("entry_heatmap_A_")).findFirst().orElseThrow();
        assertTrue(links.get(heatmap).contains("depths/L00032-s0/entry_paths.npy"), "" + links);
        assertTrue(links.get("weights_along_depth").contains("depths/L00016-s0/A.npy"), "" + links.get("weights_along_depth"));
        assertTrue(links.get("trend_noise").contains("trend_noise.csv"), "" + links.get("trend_noise"));

        // every rule tagged, [code] included; no NaN anywhere; a regenerate command with the absolute folder
        for (String tag : List.of("tag-paper", "tag-inferred", "tag-layerwise", "tag-code")) {
            assertTrue(html.contains(tag), tag);
        }
        assertFalse(html.contains("NaN"), "NaN in the page");
        assertFalse(html.contains("_F"), "unrendered Frobenius subscript");
        assertTrue(html.contains(" report " + tmp.toAbsolutePath().normalize() + "</pre>"), "regenerate command with the absolute path");
        assertTrue(html.contains("Coverage: 8 of 8 runs finished and sound; none is absent or damaged."));

        // a deleted run and a damaged one: named, with the coverage, and the report still draws
        deleteTree(tmp.resolve("depths/L00008-s0"));
        Path damaged = tmp.resolve("depths/L00016-s1/A.npy");
        Files.write(damaged, java.util.Arrays.copyOf(Files.readAllBytes(damaged), 100));
        StudyRunner.report(tmp, false, List.of("test"), new PrintStream(new ByteArrayOutputStream()));
        String after = text(Files.readString(tmp.resolve("report.html")));
        assertTrue(after.contains("Coverage: 6 of 8 runs finished and sound; absent or damaged: L00008-s0, L00016-s1."), after);
        assertTrue(after.contains("<td class=\"l\">L00008-s0</td><td class=\"l\">not run</td>"), "why a run is absent");
        assertTrue(after.contains("<td class=\"l\">L00016-s1</td>"), "the damaged run in the absent table");
        assertFalse(after.contains("NaN"));
        assertTrue(after.contains("<figure id=\"fig-loss_curves"));
    }

    /** One figure of the page: from its opening tag to its end. */
    private static String figure(String html, String name) {
        int start = html.indexOf("<figure id=\"fig-" + name);
        assertTrue(start >= 0, "no figure " + name);
        return html.substring(start, html.indexOf("</figure>", start));
    }

    /** With --bootstrap 0 every interval says it is the t-interval that counts each seed as a point. */
    @Test
    void withoutBootstrapTheIntervalsSayTheyCountSeedsAsPoints(@TempDir Path tmp) throws Exception {
        Map<String, String> flags = new java.util.HashMap<>(tiny());
        flags.putAll(Map.of("bootstrap", "0", "max-updates", "20", "depth-max", "20"));
        ScalingConfig cfg = ScalingConfig.resolve(null, null, flags);
        // a command line naming a preset (as provenance.json records it): the title and the headline name it
        new StudyRunner(ScalingStudy.INSTANCE, cfg, tmp, StudyRunner.Options.defaults(List.of("scaling", "--preset", "quick")),
                new PrintStream(new ByteArrayOutputStream())).runAll();
        String html = text(Files.readString(tmp.resolve("report.html")));
        String verdict = verdictBox(html);
        assertTrue(html.contains("<title>Depth-scaling study of a residual MLP (preset quick)</title>"), "the title names the preset");
        assertTrue(verdict.contains("<p class=\"headline\">quick preset: Regime: "), verdict);
        assertTrue(verdict.contains("(95% t-interval, seeds counted as points), the exponent of maxₖ ‖Aₖ‖"), verdict);
        assertTrue(html.contains(">95% interval: t-interval, seeds counted as points</th>"), "the table header");
        assertTrue(html.contains("Every 95% interval is the t-interval of the OLS slope, which counts each run as a point"), "the note");
        assertFalse(html.contains("bootstrap over depths ("), "no bootstrap claimed");
    }

    @Test
    void labelsAndCommandsReadWell() {
        assertEquals("all 4 depths", DepthPlots.namedDepths(List.of(4, 4, 8, 16, 32), List.of(4, 8, 8, 16, 32)));
        assertEquals("3 of the 6 depths (L = 3, 11, 38)", DepthPlots.namedDepths(List.of(38, 3, 11), List.of(3, 5, 7, 11, 17, 38)));
        assertEquals("Aₖ[6,1]", Notation.format(ScalingText.entryLabel("A_6_1")));
        assertEquals("bₖ[4]", Notation.format(ScalingText.entryLabel("b_4")));
        assertEquals("(|δₖ| Aₖ)[0,3]", Notation.format(ScalingText.entryLabel("deltaA[0,3]")));
        assertEquals("/tmp/study-1", StudyPage.shellQuote("/tmp/study-1"));
        assertEquals("'/tmp/my study/it'\\''s'", StudyPage.shellQuote("/tmp/my study/it's"));
        assertEquals("0.714 [0.709, 0.719]", ScalingText.interval(0.7141, 0.7092, 0.7189));
        assertEquals("0.500 (no interval: fewer than 3 points)", ScalingText.interval(0.5, Double.NaN, Double.NaN));
        assertEquals("not fitted", ScalingText.interval(Double.NaN, Double.NaN, Double.NaN));
    }

    private static void deleteTree(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
