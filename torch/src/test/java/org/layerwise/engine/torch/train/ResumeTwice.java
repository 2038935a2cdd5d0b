package org.layerwise.engine.torch.train;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.layerwise.study.RunContext;
import org.layerwise.study.RunFolder;
import org.layerwise.study.RunSpec;
import org.layerwise.study.Study;
import org.layerwise.study.StudyConfig;
import org.layerwise.train.StepView;
import org.layerwise.train.Trainer;
import org.layerwise.train.TrainingListener;

/** The two trainings a study's resume test compares: one run straight through, and the same run stopped and resumed. */
final class ResumeTwice {
    private ResumeTwice() {
    }

    /**
     * Trains {@code run} straight into {@code straight}, then into {@code resumed} with a stop asked after
     * update {@code stopAfter} (which must interrupt it) and a second call that resumes; returns the fields of
     * that second call's result (its {@code resumed_at_step} says whether it resumed).
     */
    static Map<String, Object> train(Study study, StudyConfig c, RunSpec run, Path straight, Path resumed, long stopAfter) throws Exception {
        try (Study.Session s = study.open(c, System.out)) {
            RunFolder f = new RunFolder(straight.resolve(run.folder()), run.id());
            Files.createDirectories(f.dir());
            s.run(run, f, new RunContext(1, new TrainingListener() { }, () -> false, System.out));
        }
        AtomicBoolean stop = new AtomicBoolean();
        TrainingListener stopper = new TrainingListener() {
            @Override
            public void afterUpdate(StepView step) {
                stop.set(step.step() + 1 >= stopAfter);
            }
        };
        try (Study.Session s = study.open(c, System.out)) {
            RunFolder f = new RunFolder(resumed.resolve(run.folder()), run.id());
            Files.createDirectories(f.dir());
            assertThrows(Trainer.Interrupted.class, () -> s.run(run, f, new RunContext(1, stopper, stop::get, System.out)), "the stop interrupted the run");
            return s.run(run, f, new RunContext(1, new TrainingListener() { }, () -> false, System.out));
        }
    }
}
