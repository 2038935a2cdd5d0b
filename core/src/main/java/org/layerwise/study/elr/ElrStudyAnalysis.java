package org.layerwise.study.elr;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.layerwise.report.HtmlReport;

/**
 * What one ELR study adds to the shared analysis ({@link ElrAnalysis}): its numbers in summary.json,
 * the verdict (headline and evidence, also printed on the terminal) and its sections of report.html.
 * A subclass computes everything in its constructor, from the runs' folders alone, so summary and
 * report show the same numbers.
 */
abstract class ElrStudyAnalysis {
    /**
     * What an analysis works on.
     *
     * @param study  the study
     * @param config its settings
     * @param runs   the runs with data (finished, or training and flushed), in plan order
     * @param live   whether a run is still training (the report is a preview)
     * @param plots  where figures go
     * @param twins  for every run, the earlier run it is identical to ({@link Twins}), or null
     * @param summary where summary.json is written before the report (figures drawn from its numbers link it), or null
     */
    record Context(ElrStudy study, ElrConfig config, List<ElrRunData> runs, boolean live, Path plots, Map<String, String> twins,
                   Path summary) {
        /** The run this one is a twin of, or null. */
        String twinOf(ElrRunData r) {
            return twins.get(r.spec.id());
        }

        /**
         * The data of a figure drawn from numbers summary.json holds: summary.json once it is written (a
         * finished analysis writes it before the report), else {@code otherwise} (the run files: a live page writes
         * no summary.json, and one left from an earlier analysis would not be this page's numbers).
         */
        List<Path> summaryOr(List<Path> otherwise) {
            return !live && summary != null && Files.isRegularFile(summary) ? List.of(summary) : otherwise;
        }

        /** The runs that are nobody's twin (each set of twins once, by its first run). */
        List<ElrRunData> distinct() {
            return runs.stream().filter(r -> twinOf(r) == null).toList();
        }
    }

    final Context ctx;

    ElrStudyAnalysis(Context ctx) {
        this.ctx = ctx;
    }

    /** The analysis of the context's study. */
    static ElrStudyAnalysis of(Context ctx) {
        return switch (ctx.study().name()) {
            case "elr-model-check" -> new ModelCheckAnalysis(ctx);
            case "elr-critical-lr" -> new CriticalLrAnalysis(ctx);
            case "elr-trainability" -> new TrainabilityAnalysis(ctx);
            case "elr-constant-lr" -> new ConstantLrAnalysis(ctx);
            default -> new TrainAnalysis(ctx);
        };
    }

    /** Adds the study's own fields to summary.json (numbers through {@link SummaryValues}). */
    abstract void summarise(Map<String, Object> summary);

    /** The verdict's headline. */
    abstract String headline();

    /** The verdict's evidence, one line each (also the terminal's summary). */
    abstract List<String> evidence();

    /** How many distinct settings the study's correlation rests on (twins once), or -1 when it reports none. */
    int correlationSettings() {
        return -1;
    }

    /** The study's sections of the report. */
    abstract void report(HtmlReport page);
}
