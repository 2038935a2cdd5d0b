package org.layerwise.study.elr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Twins: runs with byte-identical steps.csv and eval.csv and the same test accuracy; each later one names the first. */
class TwinsTest {
    private static Twins.Recorded rec(String run, String steps, String eval, double acc) {
        return new Twins.Recorded(run, steps.getBytes(StandardCharsets.UTF_8), eval.getBytes(StandardCharsets.UTF_8), acc);
    }

    @Test
    void identicalRunsNameTheFirstAndOthersAreNobodysTwin() {
        String steps = "step,loss\n0,2.3\n1,2.1\n";
        Map<String, String> t = Twins.of(List.of(rec("a", steps, "step,test_accuracy\n2,0.5\n", 0.5), rec("b", steps, "step,test_accuracy\n2,0.5\n", 0.5),
                rec("c", steps, "step,test_accuracy\n2,0.5\n", 0.5), rec("d", "step,loss\n0,2.3\n1,2.2\n", "step,test_accuracy\n2,0.5\n", 0.5)));
        assertNull(t.get("a"), "the first of a set of twins is the original");
        assertEquals("a", t.get("b"));
        assertEquals("a", t.get("c"), "a third copy names the original, not the second copy");
        assertNull(t.get("d"), "one loss differs: not a twin");
        assertEquals(List.of("a", "b", "c", "d"), List.copyOf(t.keySet()), "every run, in order");
    }

    @Test
    void theEvalTableAndTheTestAccuracyCountToo() {
        String steps = "step,loss\n0,2.3\n";
        Map<String, String> t = Twins.of(List.of(rec("a", steps, "e\n1\n", 0.5), rec("b", steps, "e\n2\n", 0.5), rec("c", steps, "e\n1\n", 0.51),
                rec("d", steps, "e\n1\n", Double.NaN), rec("e", steps, "e\n1\n", Double.NaN)));
        assertNull(t.get("b"), "another eval.csv");
        assertNull(t.get("c"), "another test accuracy");
        assertNull(t.get("d"));
        assertEquals("d", t.get("e"), "two runs without a test accuracy (both NaN) and the same tables are twins");
    }

    @Test
    void readsTheRunFolders(@TempDir Path tmp) throws Exception {
        for (String r : List.of("x", "y", "z")) {
            Files.createDirectories(tmp.resolve(r));
            Files.writeString(tmp.resolve(r).resolve("steps.csv"), r.equals("z") ? "step,loss\n0,1\n" : "step,loss\n0,2\n");
        }
        Files.writeString(tmp.resolve("x").resolve("eval.csv"), "step,test_accuracy\n1,0.4\n");
        Files.writeString(tmp.resolve("y").resolve("eval.csv"), "step,test_accuracy\n1,0.4\n");
        Map<String, String> t = Twins.of(List.of(Twins.Recorded.read("x", tmp.resolve("x"), 0.4), Twins.Recorded.read("y", tmp.resolve("y"), 0.4),
                Twins.Recorded.read("z", tmp.resolve("z"), 0.4)));
        assertEquals("x", t.get("y"));
        assertNull(t.get("z"));
    }
}
