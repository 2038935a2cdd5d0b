package org.layerwise.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.layerwise.config.ConfigAssertions.rejects;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputFolderTest {
    @TempDir
    Path tmp;

    @Test
    void emptyOrBlankIsRejected() {
        assertEquals("out: empty output folder; give a folder, e.g. --out runs/my-study", rejects(() -> OutputFolder.check("")));
        assertEquals("out: empty output folder; give a folder, e.g. --out runs/my-study", rejects(() -> OutputFolder.check(null)));
        assertEquals("out: blank output folder ' \\t'; give a folder, e.g. --out runs/my-study", rejects(() -> OutputFolder.check(" \t")));
        rejects(() -> OutputFolder.check("a\0b"), "out: 'a\\u0000b' is not a valid folder path");
    }

    @Test
    void anExistingFileIsNotAFolder() throws IOException {
        Path file = Files.writeString(tmp.resolve("report.html"), "x");
        assertEquals("out: '" + file + "' is an existing file, not a folder; choose a new or existing folder",
                rejects(() -> OutputFolder.check(file.toString())));
        rejects(() -> OutputFolder.check("results", file.resolve("sub/deeper").toString()),
                "results: cannot create '" + file.resolve("sub/deeper") + "': '" + file + "' is a file, not a folder");
        rejects(() -> OutputFolder.check("/dev/zero"), "out: '/dev/zero' exists and is not a folder");
    }

    @Test
    void newAndExistingFoldersAreAccepted() throws IOException {
        assertEquals(tmp, OutputFolder.check(tmp.toString()));
        assertEquals(tmp.resolve("new/run"), OutputFolder.check(tmp.resolve("new/run").toString()));
        assertEquals(Path.of("runs/scaling-quick"), OutputFolder.check("runs/scaling-quick"));
        Files.createDirectory(tmp.resolve("old"));
        assertEquals(tmp.resolve("old"), OutputFolder.check(tmp.resolve("old").toString()));
    }
}
