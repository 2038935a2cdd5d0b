package org.layerwise.study;

/**
 * What a study's run costs ({@link RunSpec#cost()}) count, and how fast this machine does them: what a
 * sweep's plan prints as the compute and the time it asks for, before anything runs. A study that
 * cannot measure its rate keeps {@link #RELATIVE}: its costs still order the runs (longest first) and
 * drive the progress estimates, in units of its own, and a sweep prints the compute without a time
 * (unless the user gives a rate).
 */
public interface RunCost {
    /** Costs in the study's own relative units, with no measured rate. */
    RunCost RELATIVE = () -> "the study's relative cost units";

    /** What a cost counts, in words; the text before " (" is the short unit a progress line shows ("FLOPs"). */
    String unit();

    /**
     * Cost units per second on one thread of this machine, measured now for these settings (a sweep
     * passes its costliest entry), or null where the study cannot measure them. May take seconds.
     */
    default Rate measure(StudyConfig costliest) {
        return null;
    }

    /**
     * A rate.
     *
     * @param perThread cost units per second on one thread
     * @param how       where the rate comes from, in words
     */
    record Rate(double perThread, String how) {
    }
}
