package org.layerwise.study;

import java.io.PrintStream;
import java.util.function.BooleanSupplier;
import org.layerwise.train.TrainingListener;

/**
 * What the runner gives one run.
 *
 * @param threads  threads the run may use when it starts fresh (a resumed run keeps the count its
 *                 checkpoint recorded, so it stays bit-identical)
 * @param progress a listener to attach to the run's training loop (progress display)
 * @param stop     true once the user asked to stop (Ctrl-C): checkpoint and throw Interrupted
 * @param log      for the rare line a run has to say (e.g. a checkpoint it could not use)
 */
public record RunContext(int threads, TrainingListener progress, BooleanSupplier stop, PrintStream log) {
}
