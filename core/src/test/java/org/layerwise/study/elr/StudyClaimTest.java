package org.layerwise.study.elr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.io.Json;
import org.layerwise.report.HtmlReport;
import org.layerwise.study.StudyConfigs;
import org.layerwise.study.StudyFolder;

/** The heading of an ELR page: the claim each study tests and the preset it ran with. */
class StudyClaimTest {
    private static final ElrTrainabilityStudy STUDY = new ElrTrainabilityStudy();

    @Test
    void eachStudyNamesItsClaimAndTheTrainStudyNone() {
        assertTrue(StudyClaim.of("elr-trainability").claims().get(0).startsWith("Figure 5: spread vs trainability"));
        assertTrue(StudyClaim.of("elr-trainability").claims().get(1).contains("the ELR warm-up lowers the spread"));
        assertTrue(StudyClaim.of("elr-constant-lr").claims().get(0).contains("ELR ratios converge to 1"));
        assertTrue(StudyClaim.of("elr-model-check").claims().get(0).contains("the model predicts σ and ELR"));
        assertEquals(HtmlReport.Source.DERIVED, StudyClaim.of("elr-model-check").sources().get(0));
        assertTrue(StudyClaim.of("elr-critical-lr").claims().get(0).contains("predicted vs empirical critical LR"));
        assertTrue(StudyClaim.of("elr-train").claims().isEmpty());
        assertTrue(StudyClaim.of("elr-train").none().startsWith("Exploration"));
    }

    @Test
    void thePresetComesFromTheRecordedCommandLineWithTheSettingsChanged(@TempDir Path tmp) throws Exception {
        ElrConfig c = (ElrConfig) StudyConfigs.resolve(STUDY, "quick", null, Map.of("steps", "60"));
        StudyFolder f = new StudyFolder(tmp);
        assertTrue(StudyClaim.settingsLine(STUDY, c, f).startsWith("Preset: not recorded"));
        Json.write(tmp.resolve(StudyFolder.PROVENANCE), Map.of("command_line", List.of("layerwise", "elr trainability", "--preset", "quick",
                "--steps", "60")));
        String line = StudyClaim.settingsLine(STUDY, c, f);
        assertTrue(line.startsWith("Preset: quick (CPU"), line);
        assertTrue(line.endsWith("changed: steps 60 (preset 120)."), line);
        ElrConfig plain = (ElrConfig) StudyConfigs.resolve(STUDY, "quick", null, Map.of());
        assertTrue(StudyClaim.settingsLine(STUDY, plain, f).endsWith("no setting of the preset changed."));
        Json.write(tmp.resolve(StudyFolder.PROVENANCE), Map.of("command_line", List.of("layerwise", "elr trainability", "--steps", "60")));
        assertTrue(StudyClaim.settingsLine(STUDY, c, f).startsWith("Settings: custom"));
        assertTrue(Files.exists(tmp.resolve(StudyFolder.PROVENANCE)));
    }
}
