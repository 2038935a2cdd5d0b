package org.layerwise.study.elr;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.layerwise.train.ElrProbe;

/**
 * Runs that recorded exactly the same thing: byte-identical steps.csv (loss, accuracy, lr, spread ...
 * of every recorded step) and eval.csv, and the same final test accuracy. Such runs are one
 * measurement, not two: the usual case is an ELR warm-up that never engaged (its critical LR was above
 * the target from step 0), which trains step for step as the run without warm-up. A report marks the
 * later run "twin of" the first one and counts the pair once.
 *
 * <p>Only finished runs are compared (a run still training has not recorded everything yet).
 */
final class Twins {
    /** What is compared of one run. */
    record Recorded(String run, byte[] steps, byte[] eval, double testAccuracy) {
        boolean sameAs(Recorded o) {
            return Arrays.equals(steps, o.steps) && Arrays.equals(eval, o.eval) && Double.compare(testAccuracy, o.testAccuracy) == 0;
        }

        /** The run's steps.csv and eval.csv (empty when absent) as bytes, with its test accuracy. */
        static Recorded read(String run, Path dir, double testAccuracy) {
            return new Recorded(run, bytes(dir.resolve(ElrProbe.STEPS)), bytes(dir.resolve(ElrProbe.EVAL)), testAccuracy);
        }

        private static byte[] bytes(Path f) {
            try {
                return Files.isRegularFile(f) ? Files.readAllBytes(f) : new byte[0];
            } catch (IOException e) {
                throw new UncheckedIOException("could not read " + f + ": " + e.getMessage(), e);
            }
        }
    }

    private Twins() {
    }

    /**
     * For every run, in order, the first earlier run it is identical to, or null: the first of a set of
     * twins is the original (null), every later one names it.
     */
    static Map<String, String> of(List<Recorded> runs) {
        Map<String, String> twinOf = new LinkedHashMap<>();
        List<Recorded> originals = new ArrayList<>();
        for (Recorded r : runs) {
            String of = null;
            for (Recorded o : originals) {
                if (r.sameAs(o)) {
                    of = o.run();
                    break;
                }
            }
            if (of == null) {
                originals.add(r);
            }
            twinOf.put(r.run(), of);
        }
        return twinOf;
    }

    /** {@link #of(List)} over the finished runs; a run still training is nobody's twin. */
    static Map<String, String> ofRuns(List<ElrRunData> runs) {
        List<Recorded> done = new ArrayList<>();
        for (ElrRunData r : runs) {
            if (r.complete) {
                done.add(Recorded.read(r.spec.id(), r.dir(), r.finalTestAccuracy()));
            }
        }
        Map<String, String> found = of(done);
        Map<String, String> all = new LinkedHashMap<>();
        for (ElrRunData r : runs) {
            all.put(r.spec.id(), found.get(r.spec.id()));
        }
        return all;
    }
}
