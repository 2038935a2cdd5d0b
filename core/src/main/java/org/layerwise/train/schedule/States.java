package org.layerwise.train.schedule;

import java.util.Arrays;

/** Concatenating and splitting the exported states of nested schedules. */
final class States {
    private States() {
    }

    static void requireLength(LrSchedule schedule, long[] state) {
        if (state == null || state.length != schedule.stateLength()) {
            throw new IllegalArgumentException("schedule state for '" + schedule.describe() + "' must have " + schedule.stateLength()
                    + " values, got " + (state == null ? "none" : String.valueOf(state.length)));
        }
    }

    static long[] concat(long[] a, long[] b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static long[] part(long[] state, int from, int length) {
        return Arrays.copyOfRange(state, from, from + length);
    }
}
