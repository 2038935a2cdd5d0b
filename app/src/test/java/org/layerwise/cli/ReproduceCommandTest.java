package org.layerwise.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.io.Json;

/** {@code layerwise reproduce} from the command line: bad input, the plan, and a real (small) reproduction with its verdicts. */
class ReproduceCommandTest {
    record Out(int code, String out, String err) {
    }

    static Out run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(o), new PrintStream(e));
        return new Out(code, o.toString(), e.toString());
    }

    @Test
    void badInputGetsOneLineAndWritesNothing(@TempDir Path tmp) {
        String[][] cases = {
            {"--only", "11"},
            {"--only", "4,"},
            {"--scale", "huge"},
            {"--device", "tpu"},
            {"--executor", "pbs"},
            {"--partition", "x"},
            {"--frobnicate", "1"},
            {"--scale", "paper", "--only", "1"}, // CIFAR-10 needs --data-path
            {"--scale", "paper", "--only", "4", "--data-path", tmp.resolve("no-such-folder").toString()},
        };
        for (String[] c : cases) {
            Path out = tmp.resolve("r" + String.join("_", c).hashCode());
            String[] args = new String[c.length + 3];
            args[0] = "reproduce";
            System.arraycopy(c, 0, args, 1, c.length);
            args[c.length + 1] = "--out";
            args[c.length + 2] = out.toString();
            Out r = run(args);
            assertEquals(2, r.code(), String.join(" ", c) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), String.join(" ", c) + ": " + r.err());
            assertTrue(r.err().startsWith("layerwise reproduce: "), r.err());
            assertFalse(Files.exists(out), String.join(" ", c) + " wrote " + out);
        }
        assertTrue(run("reproduce", "--scale", "paper", "--only", "1", "--out", tmp.resolve("x").toString()).err().contains("claim 1"),
                "the data error names the claim");
    }

    @Test
    void listShowsEveryClaimsRuleAndWritesNothing(@TempDir Path tmp) {
        Out r = run("reproduce", "--list", "--out", tmp.resolve("l").toString());
        assertEquals(0, r.code(), r.err());
        for (String id : new String[] {"(1)", "(5)", "(8a)", "(10)"}) {
            assertTrue(r.out().contains(id), id);
        }
        assertTrue(r.out().contains("not testable: the conv study's quick preset"), r.out()); // claim 10 at quick scale
        assertFalse(Files.exists(tmp.resolve("l")));
    }

    /** The verdicts stand in one column after the longest title, two spaces apart (titles over 58 characters ran into them). */
    @Test
    void verdictsStandInOneColumn() {
        java.util.List<String> lines = ReproduceCommand.verdictLines(java.util.List.of(
                java.util.Map.of("id", "4", "title", "the hyper-parameter-free ELR warm-up lowers the spread quickly", "verdict", "inconclusive"),
                java.util.Map.of("id", "6", "title", "tanh + shared δ: a smooth limit that is not the neural ODE", "verdict", "reproduced"),
                java.util.Map.of("id", "8a", "title", "short", "verdict", "not testable at this scale")));
        assertEquals("  (4)  the hyper-parameter-free ELR warm-up lowers the spread quickly  inconclusive", lines.get(0));
        assertEquals("  (6)  tanh + shared δ: a smooth limit that is not the neural ODE      reproduced", lines.get(1));
        assertEquals("  (8a) short" + " ".repeat(57) + "  not testable at this scale", lines.get(2));
    }

    /** A real reproduction of two cheap claims: it trains, decides, and a second invocation resumes (nothing retrained) with the same verdicts. */
    @Test
    void aSmallReproductionGivesVerdictsAndResumes(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("rep");
        Out r = run("reproduce", "--only", "6,10", "--out", out.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        JsonNode j = Json.read(out.resolve("claims.json"));
        assertEquals("quick", j.path("scale").asText());
        assertEquals("6", j.at("/claims/0/id").asText());
        assertEquals("reproduced", j.at("/claims/0/verdict").asText(), j.at("/claims/0/reason").asText());
        assertEquals("not testable at this scale", j.at("/claims/1/verdict").asText());
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("reproduced: regime") && html.contains("studies/scaling-quick/report.html"), "the page links the study report");
        long before = Files.getLastModifiedTime(out.resolve("studies/scaling-quick/depths")).toMillis();
        Out again = run("reproduce", "--only", "6,10", "--out", out.toString());
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("0 to train") || again.out().contains("already done"), again.out());
        assertEquals(j.at("/claims/0/verdict"), Json.read(out.resolve("claims.json")).at("/claims/0/verdict"));
        assertEquals(before, Files.getLastModifiedTime(out.resolve("studies/scaling-quick/depths")).toMillis());
    }
}
