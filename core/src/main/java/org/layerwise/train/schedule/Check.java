package org.layerwise.train.schedule;

import org.layerwise.config.ConfigException;

/** Validation of schedule settings, with messages that name the setting and what is allowed. */
final class Check {
    private Check() {
    }

    static void rate(String name, double v) {
        if (!(v >= 0) || v == Double.POSITIVE_INFINITY) {
            throw new ConfigException(name + ": must be finite and >= 0, got " + v);
        }
    }

    static void positive(String name, double v) {
        if (!(v > 0) || v == Double.POSITIVE_INFINITY) {
            throw new ConfigException(name + ": must be finite and > 0, got " + v);
        }
    }

    static void global(String name, LrSchedule s) {
        if (s == null) {
            throw new ConfigException(name + ": a schedule is required");
        }
        if (s.perLayer()) {
            throw new ConfigException(name + ": must be a global schedule, got the per-layer '" + s.describe() + "'");
        }
    }

    static void measurementFree(String name, LrSchedule s) {
        global(name, s);
        if (s.usesMeasurements()) {
            throw new ConfigException(name + ": must not depend on measurements, got '" + s.describe() + "'");
        }
    }
}
