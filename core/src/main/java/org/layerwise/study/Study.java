package org.layerwise.study;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.layerwise.config.ConfigSpec;

/**
 * A study: a config that expands into independent training runs, and an analysis that turns a
 * folder of finished runs into numbers, plots and a report. The {@link StudyRunner} does the rest
 * (folder ownership, skipping finished runs, resuming interrupted ones, repairing damaged ones,
 * threads, progress), the same way for every study. Implementations are found with
 * {@link java.util.ServiceLoader}; loading one must not load native code (a study that trains on
 * libtorch reaches it through a service of its own, only when it trains).
 */
public interface Study {
    /** The name used on the command line and in config.json ("scaling", "elr-train"). */
    String name();

    /** One line: what the study measures and after whom. */
    String title();

    /** The settings, their types, defaults and allowed values. */
    ConfigSpec spec();

    Presets presets();

    /**
     * Settings that say only how the study is executed or analysed (threads, bootstrap resamples):
     * they may differ between two invocations on one folder.
     */
    Set<String> executionKeys();

    /** Settings that shape the grid of runs and may change on an existing folder (e.g. a larger depth-max extends it). */
    Set<String> gridKeys();

    /** Wraps checked values into the study's typed config and checks what involves several keys; {@link org.layerwise.config.ConfigException} on a problem. */
    StudyConfig config(Map<String, Object> values);

    /** The runs, in a stable order. */
    List<RunSpec> plan(StudyConfig config);

    /** Prepares training (loads data, finds the engine); writes nothing. Throws ConfigException/DataException on bad input. */
    Session open(StudyConfig config, PrintStream log);

    /** The thread count asked for each run, or 0 to let the runner choose. */
    default int requestedRunThreads(StudyConfig config) {
        return 0;
    }

    /**
     * Analyses the sound runs of a folder (never training, never the training data unless the study
     * documents it) and writes summary.json, tables, plots and report.html; returns the summary.
     */
    Map<String, Object> analyse(StudyConfig config, StudyFolder folder, StudyFolder.Scan runs, PrintStream log);

    /** One line per key figure of a summary, for the terminal. */
    default List<String> verdictLines(Map<String, Object> summary) {
        return List.of();
    }

    /** Why a finished study counts as failed (exit code 1), e.g. every run diverged; null when it did not. */
    default String failure(Map<String, Object> summary) {
        return null;
    }

    /**
     * The words after {@code layerwise} that run this study: one word is a command of its own
     * ({@code scaling}); two put it in a group ({@code elr train}), which {@code layerwise elr --help} lists.
     */
    default List<String> command() {
        return List.of(name());
    }

    /** The study's line in {@code layerwise --help}; in a group, the group's line (every study of the group says the same). */
    default String commandSummary() {
        return title();
    }

    /** For a study in a group: what the group's studies share, a paragraph {@code layerwise GROUP --help} prints above their list. */
    default String groupHelp() {
        return "";
    }

    /**
     * For a study in a group: commands of the group that are not studies ({@code layerwise GROUP WORD ...});
     * every study of a group may return the same ones, and the command line takes each word once.
     */
    default List<GroupCommand> groupCommands() {
        return List.of();
    }

    /** What the costs of its runs count and how fast this machine does them, for a sweep's estimate before it runs. */
    default RunCost cost() {
        return RunCost.RELATIVE;
    }

    /** What a sweep shows of one entry's summary (read back from its summary.json): table columns and the figure it plots. */
    default Headline headline(Map<String, Object> summary) {
        return Headline.DEFAULT;
    }

    /** The files {@link #analyse} writes: the summary, the report and the plots under the shared names, and the study's own. */
    default StudyFiles files() {
        return StudyFiles.STANDARD;
    }

    /**
     * What the study writes for TensorBoard from its folder ({@code layerwise export tensorboard}, and
     * {@code --tensorboard DIR} after a run), or null where it writes nothing (the default).
     */
    default TensorBoardExport tensorBoard() {
        return null;
    }

    /** Whether a config.json that names no study is this study's (layerwise 0.1 wrote one study's settings alone). */
    default boolean ownsUnnamedConfig() {
        return false;
    }

    /** What training needs: the loaded data and engine of one study invocation. */
    interface Session extends AutoCloseable {
        /** Memory, disk and relative cost of one run, before it starts. */
        Footprint footprint(RunSpec run);

        /**
         * Trains one run (resuming from {@link RunFolder#checkpoint()} when it is usable), writes its
         * files into the folder and returns the fields of its result.json (the runner adds the file
         * list and writes it). Throws {@link org.layerwise.train.Trainer.Interrupted} when asked to stop.
         */
        Map<String, Object> run(RunSpec run, RunFolder folder, RunContext context);

        /** Facts about the prepared inputs for provenance.json (data set name and size ...). */
        default Map<String, Object> describe() {
            return Map.of();
        }

        @Override
        default void close() {
        }
    }

    /**
     * What one run needs before it starts.
     *
     * @param heapBytes Java heap the run holds at its peak
     * @param diskBytes what the run writes (final files and streams at their largest)
     * @param maxSteps  its update budget (for progress)
     * @param note      anything the user should know up front (e.g. how a large table is thinned), or ""
     * @param maxThreads the most threads the run can use, or 0 for no limit: the scheduler gives no more
     */
    record Footprint(long heapBytes, long diskBytes, long maxSteps, String note, int maxThreads) {
        public Footprint(long heapBytes, long diskBytes, long maxSteps, String note) {
            this(heapBytes, diskBytes, maxSteps, note, 0);
        }
    }
}
