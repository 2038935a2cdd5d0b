package org.layerwise.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.layerwise.config.ConfigException;
import org.layerwise.config.ConfigFiles;
import org.layerwise.config.ConfigSpec;
import org.layerwise.study.Study;
import org.layerwise.study.StudyRegistry;

/**
 * A sweep: one study, a base config (a preset and overrides) and axes over the study's settings.
 * Read from YAML (parsed as plain data, never constructing objects) or JSON by {@link ConfigFiles};
 * every value is checked against the study's {@link ConfigSpec} here, so a bad value is one line
 * naming the file and the key before anything is planned.
 *
 * <pre>
 * name: act-lr                 # optional; default: the file name
 * study: scaling
 * base:
 *   preset: quick              # optional
 *   settings:                  # optional overrides of the preset
 *     max-updates: 500
 * axes:                        # crossed: every combination, the first axis varying slowest
 *   activation: [tanh, relu]                               # a list
 *   seed: {range: {from: 0, to: 2, step: 1}}               # from, from+step, ... up to and including to
 *   lr: {geometric: {from: 0.01, to: 0.1, count: 3}}       # count values, equal ratios (or factor: r)
 * zip:                         # optional: each group is one axis whose keys vary together
 *   - init-scale: [0.01, 0.1]
 *     momentum: [0, 0.9]
 * </pre>
 *
 * Geometric grids of integer settings are rounded to the nearest integer and repeated integers
 * dropped. Execution settings (threads ...) cannot be axes: they say how runs execute, not what they
 * compute, and executors set them.
 *
 * @param name   the sweep's name (letters, digits, '.', '_', '-')
 * @param study  the study every entry is a config of
 * @param preset the base preset, or null
 * @param base   base overrides, checked values by key
 * @param axes   the dimensions in order; each is a list of assignments (key to checked value)
 * @param source the file it came from (for messages)
 */
public record SweepSpec(String name, Study study, String preset, Map<String, Object> base, List<Axis> axes, String source) {
    /** Most entries a sweep may expand into: far beyond any grid a person means, and it bounds memory. */
    public static final int MAX_ENTRIES = 100_000;
    /** Most values one range or geometric grid may hold. */
    public static final int MAX_AXIS_VALUES = 10_000;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Set<String> TOP = new LinkedHashSet<>(List.of("name", "study", "description", "base", "axes", "zip"));

    /**
     * One dimension of the grid: a single crossed key, or a zipped group of keys that vary together.
     *
     * @param keys   the settings it varies, in the spec's order
     * @param points one assignment per value (key to checked value)
     */
    public record Axis(List<String> keys, List<Map<String, Object>> points) {
    }

    /** Reads and checks a spec file (JSON or YAML). */
    public static SweepSpec read(Path file) {
        ObjectNode root = ConfigFiles.read(file);
        String stem = file.getFileName() == null ? "sweep" : file.getFileName().toString().replaceFirst("\\.(ya?ml|json)$", "");
        return parse(root, file.toString(), stem);
    }

    /** Checks a parsed spec; {@code source} names it in messages, {@code defaultName} is used when it has no name. */
    public static SweepSpec parse(JsonNode root, String source, String defaultName) {
        if (root == null || !root.isObject()) {
            throw new ConfigException(source + ": a sweep spec is a mapping with study, base and axes");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!TOP.contains(k)) {
                throw new ConfigException(source + ": unknown key '" + ConfigException.quote(k) + "'; allowed: " + String.join(", ", TOP));
            }
        }
        JsonNode studyNode = root.get("study");
        if (studyNode == null || !studyNode.isTextual() || studyNode.asText().isBlank()) {
            throw new ConfigException(source + ": study: required, the study every entry runs; studies: "
                    + String.join(", ", StudyRegistry.all().keySet()));
        }
        Study study;
        try {
            study = StudyRegistry.get(studyNode.asText().strip());
        } catch (ConfigException e) {
            throw new ConfigException(source + ": study: " + e.getMessage());
        }
        String name = root.has("name") ? text(root.get("name"), source, "name") : sanitise(defaultName);
        if (!NAME.matcher(name).matches()) {
            throw new ConfigException(source + ": name: '" + ConfigException.quote(name)
                    + "' is not valid; allowed: 1 to 64 letters, digits, '.', '_' or '-'");
        }
        ConfigSpec spec = study.spec();
        String preset = null;
        Map<String, Object> base = new LinkedHashMap<>();
        JsonNode b = root.get("base");
        if (b != null && !b.isNull()) {
            if (!b.isObject()) {
                throw new ConfigException(source + ": base: a mapping with preset and settings, e.g. base: {preset: quick}");
            }
            for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!k.equals("preset") && !k.equals("settings")) {
                    throw new ConfigException(source + ": base: unknown key '" + ConfigException.quote(k)
                            + "'; allowed: preset, settings (settings go under base.settings)");
                }
            }
            if (b.has("preset")) {
                preset = text(b.get("preset"), source, "base.preset");
                if (study.presets().get(preset) == null) {
                    throw new ConfigException(source + ": base.preset: unknown value '" + ConfigException.quote(preset) + "'; allowed: one of "
                            + String.join(", ", study.presets().all().keySet()));
                }
            }
            if (b.has("settings") && !b.get("settings").isNull()) {
                spec.applyJson(base, b.get("settings"), source + ": base.settings");
            }
        }
        List<Axis> axes = new ArrayList<>();
        Set<String> used = new HashSet<>();
        JsonNode a = root.get("axes");
        if (a != null && !a.isNull()) {
            if (!a.isObject()) {
                throw new ConfigException(source + ": axes: a mapping of setting to values, e.g. axes: {lr: [0.01, 0.1]}");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
                var e = it.next();
                String key = axisKey(study, e.getKey(), source, "axes", used);
                List<Object> values = values(spec, key, e.getValue(), source + ": axes." + key);
                if (new HashSet<>(values).size() != values.size()) {
                    throw new ConfigException(source + ": axes." + key + ": a value is repeated; each value of an axis must differ");
                }
                List<Map<String, Object>> points = new ArrayList<>();
                for (Object v : values) {
                    points.add(Map.of(key, v));
                }
                axes.add(new Axis(List.of(key), points));
            }
        }
        JsonNode z = root.get("zip");
        if (z != null && !z.isNull()) {
            if (!z.isArray()) {
                throw new ConfigException(source + ": zip: a list of groups, each a mapping of settings to equally long value lists");
            }
            for (int g = 0; g < z.size(); g++) {
                JsonNode group = z.get(g);
                String where = "zip[" + g + "]";
                if (!group.isObject() || group.size() == 0) {
                    throw new ConfigException(source + ": " + where + ": a mapping of settings to equally long value lists");
                }
                List<String> keys = new ArrayList<>();
                List<List<Object>> columns = new ArrayList<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = group.fields(); it.hasNext(); ) {
                    var e = it.next();
                    String key = axisKey(study, e.getKey(), source, where, used);
                    keys.add(key);
                    columns.add(values(spec, key, e.getValue(), source + ": " + where + "." + key));
                }
                int n = columns.get(0).size();
                for (int k = 1; k < keys.size(); k++) {
                    if (columns.get(k).size() != n) {
                        throw new ConfigException(source + ": " + where + ": zipped keys need equally many values; " + keys.get(0) + " has " + n
                                + ", " + keys.get(k) + " has " + columns.get(k).size());
                    }
                }
                List<Map<String, Object>> points = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    Map<String, Object> p = new LinkedHashMap<>();
                    for (int k = 0; k < keys.size(); k++) {
                        p.put(keys.get(k), columns.get(k).get(i));
                    }
                    int same = points.indexOf(p);
                    if (same >= 0) {
                        throw new ConfigException(source + ": " + where + ": values " + (same + 1) + " and " + (i + 1)
                                + " are the same; each point of a zipped group must differ");
                    }
                    points.add(p);
                }
                axes.add(new Axis(List.copyOf(keys), points));
            }
        }
        long entries = 1;
        for (Axis x : axes) {
            entries *= x.points().size();
            if (entries > MAX_ENTRIES) {
                throw new ConfigException(source + ": the axes make more than " + MAX_ENTRIES + " entries; split the sweep");
            }
        }
        return new SweepSpec(name, study, preset, base, axes, source);
    }

    /** The axis keys in order (crossed keys, then zipped groups). */
    public List<String> axisKeys() {
        List<String> k = new ArrayList<>();
        axes.forEach(a -> k.addAll(a.keys()));
        return k;
    }

    /** Every combination of the axes' points, the first axis varying slowest; one empty assignment when there are no axes. */
    public List<Map<String, Object>> combinations() {
        List<Map<String, Object>> out = new ArrayList<>();
        out.add(new LinkedHashMap<>());
        for (Axis a : axes) {
            List<Map<String, Object>> next = new ArrayList<>();
            for (Map<String, Object> prefix : out) {
                for (Map<String, Object> p : a.points()) {
                    Map<String, Object> m = new LinkedHashMap<>(prefix);
                    m.putAll(p);
                    next.add(m);
                }
            }
            out = next;
        }
        return out;
    }

    private static String axisKey(Study study, String key, String source, String where, Set<String> used) {
        try {
            study.spec().key(key);
        } catch (ConfigException e) {
            throw new ConfigException(source + ": " + where + ": " + e.getMessage());
        }
        if (study.executionKeys().contains(key)) {
            throw new ConfigException(source + ": " + where + ": " + key + " is an execution setting (how runs execute, not what they compute)"
                    + " and cannot be an axis; executors set it (e.g. --threads)");
        }
        if (!used.add(key)) {
            throw new ConfigException(source + ": " + where + ": " + key + " is already an axis; each setting may vary along one axis only");
        }
        return key;
    }

    private static String text(JsonNode n, String source, String key) {
        if (n == null || !n.isTextual() || n.asText().isBlank()) {
            throw new ConfigException(source + ": " + key + ": a non-empty text value");
        }
        return n.asText().strip();
    }

    private static String sanitise(String s) {
        String n = s.replaceAll("[^A-Za-z0-9._-]", "-");
        n = n.length() > 64 ? n.substring(0, 64) : n;
        return n.isEmpty() ? "sweep" : n;
    }

    /** The checked values of one axis: a list, a range or a geometric grid. */
    static List<Object> values(ConfigSpec spec, String key, JsonNode node, String where) {
        List<Object> out = new ArrayList<>();
        if (node.isArray()) {
            if (node.size() == 0) {
                throw new ConfigException(where + ": an empty list; give at least one value");
            }
            for (int i = 0; i < node.size(); i++) {
                out.add(parse(spec, key, node.get(i), where + "[" + i + "]"));
            }
        } else if (node.isObject() && node.size() == 1 && (node.has("range") || node.has("geometric"))) {
            boolean range = node.has("range");
            JsonNode g = node.get(range ? "range" : "geometric");
            ConfigSpec.Kind kind = spec.key(key).kind();
            if (kind != ConfigSpec.Kind.INT && kind != ConfigSpec.Kind.LONG && kind != ConfigSpec.Kind.DOUBLE) {
                throw new ConfigException(where + ": a " + (range ? "range" : "geometric grid") + " needs a numeric setting; "
                        + key + " takes " + spec.key(key).allowed() + "; give a list");
            }
            boolean integer = kind != ConfigSpec.Kind.DOUBLE;
            List<BigDecimal> raw = range ? range(g, where + ".range") : geometric(g, where + ".geometric");
            Set<Object> seen = new HashSet<>();
            for (BigDecimal v : raw) {
                BigDecimal x = integer ? v.setScale(0, RoundingMode.HALF_UP) : v;
                Object parsed = parse(spec, key, x, where);
                if (seen.add(parsed)) {
                    out.add(parsed); // a geometric grid of integers may round two values to one
                }
            }
        } else {
            throw new ConfigException(where + ": give a list [a, b, ...], {range: {from, to, step}} or {geometric: {from, to, count}}"
                    + " (or factor instead of count)");
        }
        return out;
    }

    private static Object parse(ConfigSpec spec, String key, Object raw, String where) {
        try {
            return spec.parse(key, raw);
        } catch (ConfigException e) {
            throw new ConfigException(where + ": " + e.getMessage());
        }
    }

    private static List<BigDecimal> range(JsonNode g, String where) {
        Map<String, BigDecimal> f = fields(g, where, Set.of("from", "to", "step"), Set.of("from", "to", "step"));
        BigDecimal from = f.get("from");
        BigDecimal to = f.get("to");
        BigDecimal step = f.get("step");
        if (step.signum() <= 0) {
            throw new ConfigException(where + ".step: must be > 0");
        }
        if (to.compareTo(from) < 0) {
            throw new ConfigException(where + ": to (" + to.toPlainString() + ") must not be below from (" + from.toPlainString() + ")");
        }
        BigDecimal count = to.subtract(from).divide(step, MathContext.DECIMAL64).setScale(0, RoundingMode.FLOOR).add(BigDecimal.ONE);
        if (count.compareTo(BigDecimal.valueOf(MAX_AXIS_VALUES)) > 0) {
            throw new ConfigException(where + ": makes " + count.toPlainString() + " values; at most " + MAX_AXIS_VALUES);
        }
        List<BigDecimal> out = new ArrayList<>();
        for (int i = 0; i < count.intValue(); i++) {
            out.add(from.add(step.multiply(BigDecimal.valueOf(i)))); // exact decimals: 0.1 steps stay 0.1, 0.2, 0.3
        }
        return out;
    }

    private static List<BigDecimal> geometric(JsonNode g, String where) {
        Map<String, BigDecimal> f = fields(g, where, Set.of("from", "to", "count", "factor"), Set.of("from", "to"));
        if (f.containsKey("count") == f.containsKey("factor")) {
            throw new ConfigException(where + ": give exactly one of count (number of values) and factor (ratio of neighbours)");
        }
        double from = f.get("from").doubleValue();
        double to = f.get("to").doubleValue();
        if (!(from > 0) || !(to > 0) || !Double.isFinite(from) || !Double.isFinite(to)) {
            throw new ConfigException(where + ": from and to must be positive numbers");
        }
        if (to < from) {
            throw new ConfigException(where + ": to (" + f.get("to").toPlainString() + ") must not be below from (" + f.get("from").toPlainString() + ")");
        }
        List<BigDecimal> out = new ArrayList<>();
        MathContext digits = new MathContext(10); // 10 significant digits: 0.0316227766, not 0.031622776601683794
        if (f.containsKey("count")) {
            BigDecimal c = f.get("count");
            if (c.stripTrailingZeros().scale() > 0 || c.compareTo(BigDecimal.valueOf(2)) < 0 || c.compareTo(BigDecimal.valueOf(MAX_AXIS_VALUES)) > 0) {
                throw new ConfigException(where + ".count: " + c.toPlainString() + " is not valid; allowed: an integer from 2 to " + MAX_AXIS_VALUES);
            }
            int n = c.intValue();
            for (int i = 0; i < n; i++) {
                double v = i == n - 1 ? to : from * Math.pow(to / from, (double) i / (n - 1));
                out.add(i == 0 ? f.get("from") : i == n - 1 ? f.get("to") : new BigDecimal(v).round(digits));
            }
        } else {
            double r = f.get("factor").doubleValue();
            if (!(r > 1) || !Double.isFinite(r)) {
                throw new ConfigException(where + ".factor: " + f.get("factor").toPlainString() + " is not valid; allowed: a number > 1");
            }
            for (int i = 0; ; i++) {
                double v = from * Math.pow(r, i);
                if (v > to * (1 + 1e-12)) {
                    break;
                }
                if (i >= MAX_AXIS_VALUES) {
                    throw new ConfigException(where + ": makes more than " + MAX_AXIS_VALUES + " values; raise factor");
                }
                out.add(i == 0 ? f.get("from") : new BigDecimal(v).round(digits));
            }
        }
        return out;
    }

    private static Map<String, BigDecimal> fields(JsonNode g, String where, Set<String> allowed, Set<String> required) {
        if (g == null || !g.isObject()) {
            throw new ConfigException(where + ": a mapping of " + String.join(", ", new java.util.TreeSet<>(allowed)));
        }
        Map<String, BigDecimal> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = g.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!allowed.contains(e.getKey())) {
                throw new ConfigException(where + ": unknown key '" + ConfigException.quote(e.getKey()) + "'; allowed: "
                        + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
            JsonNode v = e.getValue();
            BigDecimal d = null;
            if (v.isNumber()) {
                d = v.decimalValue();
            } else if (v.isTextual()) {
                try {
                    d = new BigDecimal(v.asText().strip());
                } catch (NumberFormatException ex) {
                    d = null;
                }
            }
            if (d == null || d.precision() - d.scale() > 25 || d.scale() > 40) {
                throw new ConfigException(where + "." + e.getKey() + ": '" + ConfigException.quote(v.asText()) + "' is not a plain decimal number");
            }
            m.put(e.getKey(), d);
        }
        for (String r : required) {
            if (!m.containsKey(r)) {
                throw new ConfigException(where + ": " + r + " is missing; give " + String.join(", ", new java.util.TreeSet<>(required)));
            }
        }
        return m;
    }
}
