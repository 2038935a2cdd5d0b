package org.layerwise.study.convscaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.model.ConvResNetLayout;
import org.layerwise.study.PageChecks;
import org.layerwise.study.RunFolder;
import org.layerwise.study.RunSpec;
import org.layerwise.study.StudyConfig;
import org.layerwise.study.StudyConfigs;
import org.layerwise.study.StudyFolder;

/**
 * report.html of a conv scaling folder as a new reader meets it: the preset it ran with in the title and
 * the headline, and every figure linking the data it is drawn from. The folder is written here with the
 * study's own writers (spectra.json, result.json: no libtorch in core), three depths so the exponents are fitted.
 */
class ConvScalingReportTest {
    @Test
    void thePageNamesItsPresetAndLinksEveryFiguresData(@TempDir Path tmp) throws Exception {
        ConvScalingStudy study = new ConvScalingStudy();
        StudyConfig c = StudyConfigs.resolve(study, "quick", null, Map.of("depths", "8,11,12", "width", "2", "bootstrap", "50"));
        StudyFolder folder = new StudyFolder(Files.createDirectories(tmp.resolve("study")));
        folder.writeConfig(c);
        for (RunSpec s : study.plan(c)) {
            ConvRun.Point p = ConvRun.Point.of(s);
            RunFolder f = folder.run(s);
            Files.createDirectories(f.dir());
            List<ConvResNetLayout.Block> blocks = ConvResNetLayout.blocks(p.depth(), 2, ConvRun.IMAGE_SIZE);
            double[] a = new double[blocks.size()];
            double[] delta = new double[blocks.size()];
            for (int k = 0; k < a.length; k++) {
                a[k] = 1 + Math.sin(k + p.depth()) * 0.3;
                delta[k] = 0.5 + 0.01 * k * k;
            }
            BlockSpectra.Increments none = new BlockSpectra.Increments(new int[0], new int[0], new double[0]);
            SpectraJson.write(f.file(ConvRun.SPECTRA), new BlockSpectra(blocks, a, delta, new int[0], new double[0], none, none), 2,
                    ConvRun.IMAGE_SIZE);
            Map<String, Object> res = new LinkedHashMap<>();
            res.put("depth", p.depth());
            res.put("seed_index", p.seedIndex());
            res.put("stop_reason", "MAX_UPDATES");
            res.put("updates", 300);
            res.put("final_train_loss", 1.0 / p.depth());
            res.put("test_accuracy", p.depth() / 100.0);
            f.complete(res);
        }
        PageChecks.recordPreset(folder, ConvScalingStudy.NAME, "quick");
        study.analyse(c, folder, folder.scan(study.plan(c)), new PrintStream(OutputStream.nullOutputStream()));

        Path page = folder.file("report.html");
        PageChecks.assertPresetNamed(page, "quick");
        assertEquals(4, PageChecks.assertEveryFigureHasData(page), "max norm and hypothesis, for A and Δ");
        List<Path> linked = PageChecks.assertLocalLinksExist(page);
        for (String f : List.of("blocks.csv", "summary.json", "runs.csv", "plots/max_norm_A.png")) {
            assertTrue(linked.contains(folder.file(f).toAbsolutePath().normalize()), f + " is linked: " + linked);
        }
        String html = Files.readString(page);
        assertTrue(html.contains("layerwise report "), "the frame's regenerating command");
        assertTrue(!html.contains("[REPO]") && !html.contains("L^{"), "source tags and notation as every page writes them");
        String svg = java.nio.file.Files.readString(folder.dir().resolve("plots/max_norm_A.svg"));
        assertTrue(svg.contains(">8</text>") && svg.contains(">12</text>") && !svg.contains(">10</text>"),
                "the depth axis labels trained depths (8, 11, 12) only, not a round 10");
        assertTrue(html.contains("runs.csv, blocks.csv, plots/"), "the study's own files are listed beside the report");
    }
}
