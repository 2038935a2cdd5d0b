package org.layerwise.study.elr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link LiveReport} redraws every N seconds, and never spends more than 5 % of a run's time redrawing. */
class LiveReportTest {
    private long now;

    @Test
    void aSlowRedrawWaitsNineteenTimesItsOwnTimeBeforeTheNext() {
        List<Long> drawnAt = new ArrayList<>();
        long second = 1_000_000_000L;
        LiveReport live = new LiveReport(60, () -> { }, () -> {
            drawnAt.add(now / second);
            now += 10 * second; // a redraw takes 10 s
        }, () -> now);
        for (int step = 0; step < 1000; step++) {
            now += second; // a step takes 1 s
            live.afterUpdate(null);
        }
        // first at 60 s, then 10 s of drawing and 190 s of waiting: 70 + 190 = 260, 460, ...
        assertEquals(List.of(60L, 260L, 460L, 660L, 860L), drawnAt.subList(0, 5));
        long drawing = drawnAt.size() * 10L;
        assertEquals(true, drawing <= 0.05 * (now / second) + 10, drawing + " s of " + now / second);
    }

    @Test
    void aFastRedrawKeepsTheInterval() {
        List<Long> drawnAt = new ArrayList<>();
        long second = 1_000_000_000L;
        LiveReport live = new LiveReport(60, () -> { }, () -> drawnAt.add(now / second), () -> now);
        for (int step = 0; step < 200; step++) {
            now += second;
            live.afterUpdate(null);
        }
        assertEquals(List.of(60L, 120L, 180L), drawnAt);
    }
}
