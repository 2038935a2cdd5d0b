package org.layerwise.reproduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.layerwise.io.Json;
import org.layerwise.reproduce.Verdict.Status;

/** The claims' tests on summaries whose answer is known. */
class ElrTestsTest {
    static ObjectNode run(String residual, String warmup, int seed, double meanSpread, double loss, double acc, long atTarget) {
        ObjectNode r = TwinsTest.run(residual + "-" + warmup + "-s" + seed, warmup, seed, meanSpread, acc);
        r.put("residual", residual).put("final_train_loss", loss).put("lr_at_target_from_step", atTarget).put("lr", 1.0).put("diverged", false);
        return r;
    }

    static Evidence evidence(ObjectNode... runs) {
        ObjectNode s = Json.MAPPER.createObjectNode();
        ArrayNode a = s.putArray("runs");
        for (ObjectNode r : runs) {
            a.add(r);
        }
        return new Evidence(StudyUse.of("elr-trainability", "quick", ""), Path.of("x"), s);
    }

    @Test
    void theWarmupClaimIsReproducedWhenTheSpreadIntervalLiesBelowOne() {
        Evidence e = evidence(run("no-short", "none", 0, 440, 2.2, 0.3, 0), run("no-short", "none", 1, 450, 2.2, 0.3, 0),
                run("no-short", "none", 2, 430, 2.2, 0.3, 0), run("no-short", "elr", 0, 220, 1.6, 0.4, 30),
                run("no-short", "elr", 1, 230, 1.6, 0.4, 31), run("no-short", "elr", 2, 226, 1.6, 0.4, 29));
        Verdict v = ElrTests.warmup(Scale.QUICK, List.of(e));
        assertEquals(Status.REPRODUCED, v.status(), v.reason());
        assertTrue(v.figures().get(0).upper() < 1 && v.figures().get(0).value() > 0.45 && v.figures().get(0).value() < 0.55);
    }

    @Test
    void aWarmupThatRaisesTheSpreadIsNotReproducedAndOverlapIsInconclusive() {
        Evidence up = evidence(run("no-short", "none", 0, 200, 2, 0.3, 0), run("no-short", "none", 1, 210, 2, 0.3, 0),
                run("no-short", "none", 2, 205, 2, 0.3, 0), run("no-short", "elr", 0, 400, 2, 0.4, 30), run("no-short", "elr", 1, 410, 2, 0.4, 30),
                run("no-short", "elr", 2, 405, 2, 0.4, 30));
        assertEquals(Status.NOT_REPRODUCED, ElrTests.warmup(Scale.QUICK, List.of(up)).status());
        Evidence overlap = evidence(run("no-short", "none", 0, 200, 2, 0.3, 0), run("no-short", "none", 1, 400, 2, 0.3, 0),
                run("no-short", "none", 2, 300, 2, 0.3, 0), run("no-short", "elr", 0, 250, 2, 0.4, 30), run("no-short", "elr", 1, 390, 2, 0.4, 30),
                run("no-short", "elr", 2, 200, 2, 0.4, 30));
        Verdict v = ElrTests.warmup(Scale.QUICK, List.of(overlap));
        assertEquals(Status.INCONCLUSIVE, v.status());
        assertTrue(v.decide().contains("seeds"), v.decide());
    }

    @Test
    void twinsMakeTheWarmupClaimUntestableAndTooFewSeedsInconclusive() {
        Evidence twins = evidence(run("no-short", "none", 0, 4, 2, 0.5, 0), run("no-short", "elr", 0, 4, 2, 0.5, 0));
        Verdict v = ElrTests.warmup(Scale.QUICK, List.of(twins));
        assertEquals(Status.NOT_TESTABLE, v.status());
        assertTrue(v.reason().contains("twin"), v.reason());
        Evidence one = evidence(run("no-short", "none", 0, 400, 2, 0.5, 0), run("no-short", "elr", 0, 200, 2, 0.5, 20));
        assertEquals(Status.INCONCLUSIVE, ElrTests.warmup(Scale.QUICK, List.of(one)).status());
    }

    @Test
    void figure5NeedsAllThreeComparisonsOnThePapersSide() {
        ObjectNode[] ok = {run("no-short", "none", 0, 440, 2.25, 0.30, 0), run("no-short", "none", 1, 450, 2.20, 0.31, 0),
                run("no-short", "none", 2, 430, 2.30, 0.29, 0), run("no-short", "elr", 0, 220, 1.60, 0.40, 30),
                run("no-short", "elr", 1, 230, 1.55, 0.41, 31), run("no-short", "elr", 2, 226, 1.58, 0.42, 29),
                run("short", "none", 0, 21, 1.34, 0.59, 0), run("short", "none", 1, 22, 1.30, 0.60, 0), run("short", "none", 2, 20, 1.36, 0.58, 0)};
        Verdict v = ElrTests.trainability(Scale.QUICK, List.of(evidence(ok)));
        assertEquals(Status.REPRODUCED, v.status(), v.reason());
        assertTrue(v.figures().stream().anyMatch(f -> f.name().startsWith("Spearman") && f.why() != null && f.why().contains("3 distinct")),
                "a correlation over 3 settings is not computed");
        // short trains worse than no-short: the numbers contradict (b)
        ok[6].put("final_train_loss", 2.9);
        ok[7].put("final_train_loss", 2.8);
        ok[8].put("final_train_loss", 2.85);
        Verdict w = ElrTests.trainability(Scale.QUICK, List.of(evidence(ok)));
        assertEquals(Status.NOT_REPRODUCED, w.status());
        assertTrue(w.reason().contains("(b)"), w.reason());
    }

    @Test
    void constantLrRatiosMustHaveMovedHalfWayToOne() {
        ObjectNode s = Json.MAPPER.createObjectNode();
        ArrayNode a = s.putArray("constant_lrs");
        a.addObject().put("lr", 0.1).put("initial_spread", 1000.0).put("final_spread", 20.0).put("first_step", 0).put("last_step", 149);
        a.addObject().put("lr", 1.0).put("initial_spread", 1000.0).put("final_spread", 2.0).put("first_step", 0).put("last_step", 149);
        Evidence e = new Evidence(StudyUse.of("elr-constant-lr", "quick", ""), Path.of("x"), s);
        assertEquals(Status.REPRODUCED, ElrTests.constantLr(Scale.QUICK, List.of(e)).status()); // ρ = 0.43 and 0.10
        ((ObjectNode) a.get(0)).put("final_spread", 100.0); // ρ = 0.67
        Verdict v = ElrTests.constantLr(Scale.QUICK, List.of(e));
        assertEquals(Status.INCONCLUSIVE, v.status());
        assertTrue(v.decide().contains("steps"));
        ((ObjectNode) a.get(0)).put("final_spread", 2000.0);
        assertEquals(Status.NOT_REPRODUCED, ElrTests.constantLr(Scale.QUICK, List.of(e)).status());
    }

    static ObjectNode grid(ArrayNode grids, long at, double ratio, String bound, Boolean holds) {
        ObjectNode g = grids.addObject().put("at_step", at);
        ObjectNode b = g.putObject("swap_boundary").put("bound", bound);
        if (bound.equals("=")) {
            b.put("ratio_to_predicted", ratio);
        } else {
            b.putNull("ratio_to_predicted").put("bound_ratio_to_predicted", ratio);
        }
        ObjectNode w = g.putObject("widening").put("above_factor_min", 4).put("below_factor_max", 0.25).put("above", 0.8).put("below", 0.0);
        if (holds == null) {
            w.putNull("holds");
        } else {
            w.put("holds", holds);
        }
        return g;
    }

    @Test
    void theCriticalLrClaimReadsEveryGridAndTreatsEdgesAsBounds() {
        ObjectNode s = Json.MAPPER.createObjectNode();
        ArrayNode grids = s.putArray("grids");
        grid(grids, 0, 1.2, "=", true);
        grid(grids, 20, 0.7, "=", true);
        Evidence e = new Evidence(StudyUse.of("elr-critical-lr", "quick", ""), Path.of("x"), s);
        assertEquals(Status.REPRODUCED, ElrTests.criticalLr(Scale.QUICK, List.of(e)).status());
        grid(grids, 100, 4, ">=", true); // at the top of its grid: a bound, which does not decide
        Verdict v = ElrTests.criticalLr(Scale.QUICK, List.of(e));
        assertEquals(Status.INCONCLUSIVE, v.status(), v.reason());
        assertTrue(v.figures().stream().anyMatch(f -> f.text().equals("≥ 4")), "the bound is shown as a bound");
        grid(grids, 200, 20, ">=", true); // beyond a factor 8 even as a bound: contradicts
        assertEquals(Status.NOT_REPRODUCED, ElrTests.criticalLr(Scale.QUICK, List.of(e)).status());
        ObjectNode t = Json.MAPPER.createObjectNode();
        grid(t.putArray("grids"), 0, 1, "=", false);
        assertEquals(Status.NOT_REPRODUCED, ElrTests.criticalLr(Scale.QUICK, List.of(new Evidence(e.use(), e.folder(), t))).status());
        ObjectNode u = Json.MAPPER.createObjectNode();
        grid(u.putArray("grids"), 0, 1, "=", null);
        assertEquals(Status.INCONCLUSIVE, ElrTests.criticalLr(Scale.QUICK, List.of(new Evidence(e.use(), e.folder(), u))).status());
    }
}
