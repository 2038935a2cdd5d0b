package org.layerwise.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.layerwise.train.StepView;
import org.layerwise.train.TrainingListener;

class StudyProgressTest {
    private static RunSpec run(String id) {
        return new RunSpec(id, "runs/" + id, Map.of("id", id), 1.0);
    }

    private static void updates(TrainingListener t, long n) {
        for (long i = 0; i < n; i++) {
            long step = i;
            t.afterUpdate(new StepView() {
                @Override public long step() { return step; }
                @Override public int epoch() { return 0; }
                @Override public double loss() { return 1; }
                @Override public double learningRate() { return 0.1; }
                @Override public org.layerwise.train.Parameters parameters() { return null; }
            });
        }
    }

    /**
     * Three runs of equal cost and 100 updates each: the first stops after 5 (it diverged), the second
     * is half done after 10 s. "At most" assumes the rest use their whole budgets; "about" scales that
     * by the 5 % the finished run used, so a grid of runs that stop early is not shown 20x too long.
     */
    @Test
    void theEstimateLearnsFromRunsThatStoppedEarly() {
        StudyProgress p = new StudyProgress(new PrintStream(new ByteArrayOutputStream()), false, 3, 3.0);
        long t0 = System.nanoTime();
        TrainingListener a = p.start(run("a"), 100);
        a.onBegin(0);
        updates(a, 5);
        assertTrue(p.timeLeft(t0 + 10_000_000_000L).startsWith("at most "), "no run finished yet: only the bound");
        p.finished(run("a"), "a diverged");
        TrainingListener b = p.start(run("b"), 100);
        b.onBegin(0);
        updates(b, 50);
        long now = t0 + 10_000_000_000L;
        // work done: 0.05 + 0.5 in ~10 s; left at most: 3 - 1 - 0.5 = 1.5 -> ~27 s; about: 5 % of that
        double most = p.secondsLeft(now);
        assertEquals(1.5 / (0.55 / 10), most, 0.1 * most);
        assertEquals(0.05 * most, p.expectedSecondsLeft(now), 1e-9 * most);
        assertTrue(p.timeLeft(now).matches("about 0:00:0\\d left \\(at most 0:00:\\d\\d\\)"), p.timeLeft(now));
    }
}
