package org.layerwise.study;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.layerwise.config.ConfigSpec;

/**
 * The resolved settings of one study: every key of the study's {@link ConfigSpec}, checked. Studies
 * add typed getters in a subclass ({@code ScalingConfig.lr()}); the framework only needs the map.
 */
public class StudyConfig {
    private final String study;
    private final Map<String, Object> values;

    protected StudyConfig(String study, Map<String, Object> values) {
        this.study = study;
        this.values = new LinkedHashMap<>(values);
    }

    /** The study that owns these settings ("scaling", "elr-train", ...). */
    public final String study() {
        return study;
    }

    /** Every setting, in spec order. */
    public final Map<String, Object> asMap() {
        return new LinkedHashMap<>(values);
    }

    /** The settings without those in {@code leaveOut}. */
    public final Map<String, Object> without(Set<String> leaveOut) {
        Map<String, Object> m = asMap();
        leaveOut.forEach(m::remove);
        return m;
    }

    protected final String s(String k) {
        return (String) values.get(k);
    }

    protected final int i(String k) {
        return ((Number) values.get(k)).intValue();
    }

    protected final long l(String k) {
        return ((Number) values.get(k)).longValue();
    }

    protected final double d(String k) {
        return ((Number) values.get(k)).doubleValue();
    }

    protected final boolean b(String k) {
        Object v = values.get(k);
        return v instanceof Boolean x ? x : "true".equals(v);
    }
}
