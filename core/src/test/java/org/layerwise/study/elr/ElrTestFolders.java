package org.layerwise.study.elr;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.layerwise.data.image.BatchLoader;
import org.layerwise.data.image.ImageSet;
import org.layerwise.data.image.ImageSetSource;
import org.layerwise.data.image.Normalization;
import org.layerwise.io.Json;
import org.layerwise.study.PageChecks;
import org.layerwise.study.RunFolder;
import org.layerwise.study.RunSpec;
import org.layerwise.study.StudyConfigs;
import org.layerwise.study.StudyFolder;
import org.layerwise.train.ElrProbe;
import org.layerwise.train.FakeNetwork;
import org.layerwise.train.ImageTrainer;
import org.layerwise.train.TrainableNetwork;
import org.layerwise.train.Trainer;
import org.layerwise.train.TrainingListener;
import org.layerwise.util.Rng;

/**
 * Real ELR study folders, made in pure Java: every planned run of a study is trained on
 * {@link FakeNetwork} (scale-invariant by construction, so sigma'^2 = sigma^2 (1 + e^2) holds exactly
 * for plain SGD) through the real image loop and {@link ElrProbe}, with the study's own schedule, and
 * marked complete as the study runner does; then the study's analysis runs on the folder alone.
 */
final class ElrTestFolders {
    /** Three normalized tensors of very different norms (a wide initial spread), then the classifier. */
    static final int[] SIZES = {30, 60, 90, 10};

    private ElrTestFolders() {
    }

    static BatchLoader loader(long seed) {
        Rng rng = new Rng(3);
        byte[] px = new byte[64 * 3 * 4 * 4];
        int[] labels = new int[64];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) rng.nextInt(256);
        }
        for (int i = 0; i < labels.length; i++) {
            labels[i] = rng.nextInt(10);
        }
        ImageSet set = new ImageSet("random", 64, 3, 4, 4, 10, px, labels);
        return BatchLoader.builder(ImageSetSource.eval(set, Normalization.scaleOnly(3))).batchSize(16).seed(seed).build();
    }

    static ElrConfig config(ElrStudy study, Map<String, String> flags) {
        Map<String, String> all = new LinkedHashMap<>(Map.of("threads", "1", "report-every-seconds", "0"));
        all.putAll(flags);
        return (ElrConfig) StudyConfigs.resolve(study, null, null, all);
    }

    /** Extra listeners of one run (e.g. the critical-LR experiment), given its network, loader and folder. */
    interface Extras {
        List<TrainingListener> create(TrainableNetwork net, BatchLoader loader, RunFolder folder);
    }

    /**
     * Writes config.json and trains every planned run into its folder.
     *
     * @param accuracy the test accuracy each run's result.json records (null: the fake network's)
     */
    static StudyFolder build(ElrStudy study, ElrConfig c, Path dir, double momentum, BiFunction<RunSpec, Integer, Double> accuracy, Extras extras) {
        StudyFolder folder = new StudyFolder(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        folder.writeConfig(c);
        List<RunSpec> plan = study.plan(c);
        for (int i = 0; i < plan.size(); i++) {
            RunSpec spec = plan.get(i);
            RunFolder f = folder.run(spec);
            ImageTrainer.Result r = train(c, spec, f, momentum, c.steps(), extras, probe -> List.of());
            Map<String, Object> res = new LinkedHashMap<>();
            res.put("stop_reason", r.diverged() ? "DIVERGED" : "STEPS");
            res.put("steps", r.steps());
            Double acc = accuracy == null ? null : accuracy.apply(spec, i);
            res.put("test_accuracy", acc != null ? acc : Double.isFinite(r.evalAccuracy()) ? r.evalAccuracy() : null);
            f.complete(res);
        }
        return folder;
    }

    /**
     * Trains one run of the study on the fake network into {@code f} for {@code steps} steps (no result.json).
     *
     * @param more listeners after the probe and the extras, given the probe (to flush it, as a live report does)
     */
    static ImageTrainer.Result train(ElrConfig c, RunSpec spec, RunFolder f, double momentum, long steps, Extras extras,
                                     java.util.function.Function<ElrProbe, List<TrainingListener>> more) {
        try {
            Files.createDirectories(f.dir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ElrRun.Settings s = ElrRun.Settings.of(c, spec.settings());
        BatchLoader train = loader(5);
        try (FakeNetwork net = new FakeNetwork(SIZES, 7 + s.seed(), momentum); ElrProbe probe = new ElrProbe(f.dir(), c.probeEvery())) {
            List<TrainingListener> ls = new ArrayList<>(List.of(probe));
            if (extras != null) {
                ls.addAll(extras.create(net, train, f));
            }
            ls.addAll(more.apply(probe));
            return new ImageTrainer(new ImageTrainer.Settings(steps, 0, c.evalEvery()), ls, () -> false)
                    .train(net, train, loader(9), ElrRun.schedule(c, s), Trainer.Checkpoints.none());
        }
    }

    /** The study's analysis of a finished folder, as `layerwise report` runs it. */
    static Map<String, Object> analyse(ElrStudy study, ElrConfig c, StudyFolder folder) {
        return ElrAnalysis.analyse(study, c, folder, folder.scan(study.plan(c)), null, new PrintStream(OutputStream.nullOutputStream()));
    }

    /**
     * summary.json is strict JSON with no NaN or infinite number (not even as a string), and every null
     * has a sibling KEY_why_null that says why.
     */
    static JsonNode assertValidSummary(Path summaryJson) {
        JsonNode s = Json.read(summaryJson);
        check(s, "$");
        return s;
    }

    private static void check(JsonNode n, String path) {
        if (n.isNumber()) {
            assertTrue(Double.isFinite(n.asDouble()), path + " is " + n);
        } else if (n.isTextual()) {
            assertFalse(List.of("NaN", "Infinity", "-Infinity").contains(n.asText()), path + " is the string " + n.asText());
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                check(n.get(i), path + "[" + i + "]");
            }
        } else if (n.isObject()) {
            for (var it = n.fields(); it.hasNext(); ) {
                var e = it.next();
                if (e.getValue().isNull()) {
                    JsonNode why = n.get(e.getKey() + SummaryValues.WHY);
                    if (why == null || !why.isTextual() || why.asText().isBlank()) {
                        fail(path + "." + e.getKey() + " is null without " + e.getKey() + SummaryValues.WHY);
                    }
                }
                check(e.getValue(), path + "." + e.getKey());
            }
        }
    }

    /** The preset the pages' tests record on the study's command line (provenance.json), as {@code --preset quick} would. */
    static final String PRESET = "quick";

    /** Records {@code --preset quick} on the folder's command line, as the runner's provenance.json does. */
    static void recordPreset(ElrStudy study, StudyFolder folder) {
        PageChecks.recordPreset(folder, "elr " + study.name(), PRESET);
    }

    /**
     * The page as a new reader navigates it: the recorded preset in the title, the heading and the verdict's
     * headline; every figure with a "Data:" link; every link to a file beside the page resolving to one that exists.
     */
    static void assertNavigable(Path reportHtml, String preset) {
        if (preset != null) {
            PageChecks.assertPresetNamed(reportHtml, preset);
        }
        PageChecks.assertEveryFigureHasData(reportHtml);
        PageChecks.assertLocalLinksExist(reportHtml);
    }

    /** The ids of the figures report.html holds ("fig-NAME" anchors). */
    static List<String> figures(Path reportHtml) {
        String html;
        try {
            html = Files.readString(reportHtml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> ids = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<figure id=\"fig-([^\"]+)\"><svg").matcher(html);
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }
}
