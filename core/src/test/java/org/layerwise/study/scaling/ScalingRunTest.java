package org.layerwise.study.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.layerwise.study.RunSpec;

/** A planned run reads back as the depth and seed it was planned for; its id and folder are the ones old folders hold. */
class ScalingRunTest {
    @Test
    void planAndReadBack() {
        ScalingConfig c = ScalingConfig.resolve(null, null, Map.of("depth-min", "3", "depth-max", "8", "depth-base", "2", "seeds", "2"));
        List<RunSpec> plan = ScalingStudy.INSTANCE.plan(c);
        assertEquals(List.of("L00004-s0", "L00004-s1", "L00008-s0", "L00008-s1"), plan.stream().map(RunSpec::id).toList());
        RunSpec last = plan.get(3);
        assertEquals("depths/L00008-s1", last.folder());
        assertEquals(new ScalingRun(8, 1), ScalingRun.of(last));
        assertEquals(8, last.settings().get("depth"));
        assertEquals(1, last.settings().get("seed-index"));
        assertTrue(ScalingRun.of(plan.get(2)).recordsEntryPaths(c), "the deepest depth, seed 0");
        assertFalse(ScalingRun.of(last).recordsEntryPaths(c));
        assertFalse(ScalingRun.of(plan.get(0)).recordsEntryPaths(c));
    }
}
