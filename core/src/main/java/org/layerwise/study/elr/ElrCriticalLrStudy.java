package org.layerwise.study.elr;

import java.util.List;
import java.util.Map;
import org.layerwise.config.ConfigException;
import org.layerwise.config.ConfigSpec;
import org.layerwise.config.Range;
import org.layerwise.study.RunContext;
import org.layerwise.study.RunFolder;
import org.layerwise.study.RunSpec;

/**
 * {@code elr critical-lr}: the predicted critical learning rate (depends only on the current ELRs
 * [paper]; eta / sqrt(e_max e_min) [derived]) against empirical ones from a grid of rates tried from
 * the same state at chosen steps of a run, each for grid-steps steps on as many consecutive batches,
 * over grid-batches batch offsets (elr-model.md §5.2).
 */
public final class ElrCriticalLrStudy extends ElrStudy {
    public ElrCriticalLrStudy() {
        super("elr-critical-lr", "predicted against empirical critical learning rates from a grid of rates at chosen steps"
                + " (Mehmeti-Göpel & Wand, ICML 2024)");
    }

    @Override
    ConfigSpec extend(ConfigSpec base) {
        return base.text("at-steps", "0,20,100", "steps before which the grid is tried (each < steps)")
                .text("factors", "0.05,0.1,0.2,0.5,1,2,5,10,20", "candidate rates as multiples of the predicted critical LR")
                .integer("grid-steps", 1, 1, 1000, "steps taken with each candidate rate, on as many consecutive batches (the ones the run sees next)")
                .integer("grid-batches", 1, 1, 1000, "batch offsets each candidate is tried on (offset o starts at the batch of step a + o × grid-steps)")
                .integer("grid-max-extensions", 3, 0, 100, "extensions of the grid (one factor ×4 beyond its edge) on each side while an"
                        + " empirical critical LR lies at the grid's top or bottom")
                .number("widening-above", 4, Range.greaterThan(0), "candidates at or above this multiple of the predicted critical LR count"
                        + " as well above it (widening test)")
                .number("widening-below", 0.25, Range.greaterThan(0), "candidates at or below this multiple count as well below it");
    }

    @Override
    List<Map<String, Object>> grid(ElrConfig c) {
        for (long a : atSteps(c)) {
            if (a >= c.steps()) {
                throw new ConfigException("at-steps: " + a + " is not before the end of the run (steps = " + c.steps() + ")");
            }
        }
        factors(c);
        return List.of(Map.of());
    }

    static List<Long> atSteps(ElrConfig c) {
        List<Long> out = new java.util.ArrayList<>();
        for (double v : c.numbers("at-steps", Range.atLeast(0), "step numbers ≥ 0")) {
            if (v != Math.rint(v)) {
                throw new ConfigException("at-steps: " + v + " is not a whole step number");
            }
            out.add((long) v);
        }
        return out;
    }

    static List<Double> factors(ElrConfig c) {
        return c.numbers("factors", Range.greaterThan(0), "multiples > 0");
    }

    @Override
    String pointId(Map<String, Object> point) {
        return "run";
    }

    @Override
    Map<String, Object> runOne(ElrConfig c, ElrData data, RunSpec run, RunFolder folder, RunContext ctx) {
        return ElrRun.run(c, data, run, folder, ctx, c.reportEverySeconds() > 0 ? () -> liveReport(c, folder) : null,
                (net, loader) -> List.of(experiment(c, net, loader, folder.dir())));
    }

    /** The experiment of one run with this study's settings. */
    static CriticalLrExperiment experiment(ElrConfig c, org.layerwise.train.TrainableNetwork net, org.layerwise.data.image.BatchLoader loader,
                                           java.nio.file.Path dir) {
        return new CriticalLrExperiment(net, loader, atSteps(c), factors(c), integer(c, "grid-steps"), integer(c, "grid-batches"),
                integer(c, "grid-max-extensions"), dir);
    }

    private static int integer(ElrConfig c, String key) {
        return ((Number) c.raw(key)).intValue();
    }
}
