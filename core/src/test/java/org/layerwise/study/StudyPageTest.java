package org.layerwise.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.study.scaling.ScalingConfig;
import org.layerwise.study.scaling.ScalingStudy;

/** The page frame every study's report ends with: what was not drawn, the files beside it, the regenerate command, the settings. */
class StudyPageTest {
    @Test
    void theFrameEndsEveryPageTheSameWay(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("my study");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(StudyFolder.PROVENANCE), "{\"layerwise_home\": null, \"git_commit\": \"abc\"}");
        ScalingConfig cfg = ScalingConfig.resolve(null, null, Map.of("lr", "0.07"));
        StudyPage page = new StudyPage(ScalingStudy.INSTANCE, "A title", new StudyFolder(dir), cfg);
        page.page().paragraph("the study's own block");
        page.skipped("The loss curve of run r1: truncated");
        Path file = page.write("one folder per run under depths/");
        assertEquals(dir.resolve(StudyFiles.REPORT), file);
        String html = Files.readString(file);
        assertTrue(html.indexOf("the study's own block") < html.indexOf(">Not drawn</h2>"), "the study's blocks come first");
        assertTrue(html.contains("The loss curve of run r1: truncated"), html);
        assertTrue(html.indexOf(">Not drawn</h2>") < html.indexOf(">Provenance</h2>"));
        assertTrue(html.contains("Files beside this report: config.json, provenance.json, summary.json, metrics.csv, fits.csv, trend_noise.csv,"
                + " plots/, and one folder per run under depths/."), "the shared files, then the study's own: " + html);
        assertTrue(html.contains("<pre>layerwise report &#39;" + dir.toAbsolutePath().normalize() + "&#39;</pre>"), "the regenerate command, quoted");
        assertTrue(html.contains("&quot;lr&quot; : 0.07") && html.contains("&quot;git_commit&quot; : &quot;abc&quot;"), "settings and provenance");

        // an unreadable provenance.json is named among what was not drawn, and the page is still written
        Files.writeString(dir.resolve(StudyFolder.PROVENANCE), "{not json");
        StudyPage again = new StudyPage(ScalingStudy.INSTANCE, "A title", new StudyFolder(dir), cfg);
        String html2 = Files.readString(again.write("runs"));
        assertTrue(html2.contains(">Not drawn</h2>") && html2.contains("provenance.json: "), html2);
    }
}
