package org.layerwise.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Provenance records what actually ran: the built version and the project's own commit, wherever the command starts. */
class ProvenanceTest {
    @Test
    void versionComesFromTheBuild() {
        assertTrue(Provenance.version().matches("\\d+\\.\\d+\\.\\d+.*"), Provenance.version());
    }

    @Test
    void commitIsTheProjectsNotTheWorkingDirectorys() throws Exception {
        Path home = Provenance.projectHome();
        if (home == null || !Files.exists(home.resolve(".git"))) {
            return; // built outside a git checkout (a source tarball): provenance says null, nothing to compare
        }
        Process p = new ProcessBuilder("git", "-C", home.toString(), "rev-parse", "HEAD").start();
        String expected = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        Map<String, Object> prov = Provenance.gather(List.of("test"));
        assertEquals(expected, prov.get("git_commit"));
        assertNotNull(prov.get("vector_species"));
        assertTrue(Path.of("").toAbsolutePath().startsWith(home), "surefire runs in the module folder, not the project root");
    }
}
