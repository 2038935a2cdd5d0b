package org.layerwise.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.layerwise.train.StepView;
import org.layerwise.train.TrainingListener;

class StudyProgressTest {
    private static RunSpec run(String id) {
        return new RunSpec(id, "runs/" + id, Map.of("id", id), 1.0);
    }

    private static void updates(TrainingListener t, long n) {
        for (long i = 0; i < n; i++) {
            update(t, i);
        }
    }

    private static void update(TrainingListener t, long step) {
        t.afterUpdate(new StepView() {
            @Override public long step() { return step; }
            @Override public int epoch() { return 0; }
            @Override public double loss() { return 1; }
            @Override public double learningRate() { return 0.1; }
            @Override public org.layerwise.train.Parameters parameters() { return null; }
        });
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

    /**
     * An ELR run as measured on 2 cores: 300 updates, the first done 3 s after the start (data loading, JIT,
     * libtorch's first step), then 0.17 s each. Plain output prints its first status line on the 30 s clock,
     * not at the first update (where it said "1/300 1 updates/s · study at most 0:14:43 left" of a 54 s
     * run); the estimate counts from the first update, so it is right within 10 % once a second of steady
     * updates is measured (counting the start-up, the estimate after 10 updates was 2.5x the time left).
     */
    @Test
    void theFirstEstimateLeavesOutTheStartUp() {
        AtomicLong clock = new AtomicLong(1_000_000_000_000L);
        long t0 = clock.get();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StudyProgress p = new StudyProgress(new PrintStream(bytes, true), false, 1, 1.0, clock::get);
        TrainingListener t = p.start(run("run-s0"), 300);
        t.onBegin(0);
        clock.addAndGet(3_000_000_000L);
        update(t, 0);
        assertEquals("", bytes.toString(), "no status line at the first update");
        assertEquals("time left: measuring", p.timeLeft(clock.get()));
        long step = 1;
        for (; step <= 10; step++) {
            clock.addAndGet(170_000_000L);
            update(t, step);
        }
        double truth = (300 - 11) * 0.17;
        assertEquals(truth, p.secondsLeft(clock.get()), 0.1 * truth, "the estimate after 10 steady updates");
        assertEquals("", bytes.toString(), "no status line before 30 s");
        for (; clock.get() - t0 < 30_000_000_000L; step++) {
            clock.addAndGet(170_000_000L);
            update(t, step);
        }
        String line = bytes.toString();
        assertEquals(1, line.lines().count(), line);
        // 159 updates after the first in 27.03 s: 5.9 updates/s, and (300 - 160) x 0.17 s = 23.8 s left
        assertTrue(line.matches("\\[done 0/1 · running 1 · failed 0 · left 0\\] run-s0 160/300 5\\.9 updates/s · study at most 0:00:2[34] left\\R"),
                line);
    }

    /** Rates keep two significant digits below 10 updates/s: a ResNet on CPU at 0.4 updates/s is not "0 updates/s". */
    @Test
    void slowRatesKeepTheirDigits() {
        assertEquals("0.42", StudyProgress.rate(0.4213));
        assertEquals("0.050", StudyProgress.rate(0.05));
        assertEquals("1.3", StudyProgress.rate(1.27));
        assertEquals("340", StudyProgress.rate(340.4));
    }
}
