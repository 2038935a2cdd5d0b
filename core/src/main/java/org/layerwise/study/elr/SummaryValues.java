package org.layerwise.study.elr;

import java.util.Map;

/**
 * How numbers enter an ELR study's summary.json: a finite number as it is; anything else (NaN,
 * infinite, not measured) as JSON null with a sibling key {@code KEY_why_null} that says why, so the
 * file is valid JSON (no NaN token) and a reader learns what a gap means.
 */
final class SummaryValues {
    /** The suffix of the key that explains a null. */
    static final String WHY = "_why_null";

    private SummaryValues() {
    }

    /** Puts {@code value} under {@code key}, or null and {@code whyNot} under {@code key + "_why_null"}. */
    static void put(Map<String, Object> m, String key, double value, String whyNot) {
        if (Double.isFinite(value)) {
            m.put(key, value);
        } else {
            m.put(key, null);
            m.put(key + WHY, whyNot != null ? whyNot : Double.isNaN(value) ? "not a number (no usable measurement)" : "infinite");
        }
    }

    /** Puts a nested object, or null with the reason. */
    static void putObject(Map<String, Object> m, String key, Object value, String whyNot) {
        m.put(key, value);
        if (value == null) {
            m.put(key + WHY, whyNot);
        }
    }
}
