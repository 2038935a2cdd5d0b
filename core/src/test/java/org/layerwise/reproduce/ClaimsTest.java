package org.layerwise.reproduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.layerwise.config.ConfigException;
import org.layerwise.study.StudyConfigs;
import org.layerwise.study.StudyRegistry;

class ClaimsTest {
    @Test
    void everyClaimHasAStatementARuleAndASettingOrAReasonAtEveryScale() {
        Set<String> ids = new HashSet<>();
        for (Claim c : Claims.all()) {
            assertTrue(ids.add(c.id()), "duplicate id " + c.id());
            assertFalse(c.statement().isBlank() || c.rule().isBlank() || c.statistic().isBlank() || c.where().isBlank(), c.id());
            for (Scale s : Scale.values()) {
                Claim.Setting st = c.at(s);
                assertTrue(st.notTestable() != null ^ !st.uses().isEmpty(), c.id() + " at " + s);
            }
        }
        assertEquals(List.of("1", "2", "3", "4", "5", "6", "7", "8a", "8b", "9", "10"), Claims.all().stream().map(Claim::id).toList());
    }

    @Test
    void everyStudyUseResolvesToValidSettingsAtEveryScale() {
        for (Claim c : Claims.all()) {
            for (Scale s : Scale.values()) {
                for (StudyUse u : c.at(s).uses()) {
                    StudyConfigs.resolve(StudyRegistry.get(u.study()), u.preset(), null, u.settings()); // throws on a bad key or value
                }
            }
        }
    }

    @Test
    void onlySelectsByIdAndPrefixAndRejectsUnknownOnes() {
        assertEquals(List.of("4", "8a", "8b"), Claims.select("8, 4").stream().map(Claim::id).toList());
        ConfigException e = assertThrows(ConfigException.class, () -> Claims.select("4,42"));
        assertTrue(e.getMessage().startsWith("only: unknown claim '42'"), e.getMessage());
        assertThrows(ConfigException.class, () -> Claims.select("4,"));
        assertThrows(ConfigException.class, () -> Scale.parse("medium"));
    }

    @Test
    void studiesSharedByClaimsRunOnceAndSettingsNameTheirFolder() {
        Reproduction r = new Reproduction(Scale.QUICK, Claims.select("4,5,6,9"), Path.of("out"), Map.of("device", "cuda"));
        List<String> folders = r.plan().stream().map(p -> p.use().folderName()).toList();
        assertEquals(3, folders.size(), folders.toString()); // 4 and 5 share the no-short study, 6 and 9 the scaling quick study
        assertEquals(List.of("4", "5"), r.plan().get(0).claims());
        assertEquals("cuda", r.plan().get(0).settings().get("device"));
        assertFalse(r.plan().get(2).settings().containsKey("device"), "the pure-Java scaling study has no device setting");
        assertEquals(new HashSet<>(folders).size(), folders.size());
        StudyUse u = StudyUse.of("scaling", "quick", "");
        assertEquals(u.with(Map.of("seeds", "3"), "a").folderName(), u.with(Map.of("seeds", "3"), "b").folderName());
        assertFalse(u.with(Map.of("seeds", "3"), "").folderName().equals(u.with(Map.of("seeds", "4"), "").folderName()));
    }
}
