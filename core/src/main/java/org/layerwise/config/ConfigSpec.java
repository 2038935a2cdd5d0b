package org.layerwise.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed, documented settings: every key has a type, a default, and either a list of allowed values or
 * a numeric range. Values from presets, JSON files and command-line flags are all checked against the
 * same spec, so a bad value is rejected with the key's name and what it accepts.
 */
public final class ConfigSpec {
    public enum Kind { INT, LONG, DOUBLE, STRING, CHOICE, PATH }

    public record Key(String name, Kind kind, Object defaultValue, List<String> choices, double min, double max, String help) {
        public String allowed() {
            return switch (kind) {
                case CHOICE -> "one of " + String.join(", ", choices);
                case INT, LONG -> "an integer" + range();
                case DOUBLE -> "a number" + range();
                case STRING, PATH -> "a string";
            };
        }

        private String range() {
            boolean lo = min != Double.NEGATIVE_INFINITY;
            boolean hi = max != Double.POSITIVE_INFINITY;
            if (lo && hi) {
                return " in [" + fmt(min) + ", " + fmt(max) + "]";
            }
            return lo ? " >= " + fmt(min) : hi ? " <= " + fmt(max) : "";
        }

        private static String fmt(double v) {
            return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
        }
    }

    private final Map<String, Key> keys = new LinkedHashMap<>();

    public ConfigSpec choice(String name, String def, String help, String... choices) {
        keys.put(name, new Key(name, Kind.CHOICE, def, List.of(choices), Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, help));
        return this;
    }

    public ConfigSpec integer(String name, int def, int min, int max, String help) {
        keys.put(name, new Key(name, Kind.INT, def, List.of(), min, max, help));
        return this;
    }

    public ConfigSpec longInt(String name, long def, long min, String help) {
        keys.put(name, new Key(name, Kind.LONG, def, List.of(), min, Double.POSITIVE_INFINITY, help));
        return this;
    }

    public ConfigSpec number(String name, double def, double min, double max, String help) {
        keys.put(name, new Key(name, Kind.DOUBLE, def, List.of(), min, max, help));
        return this;
    }

    public ConfigSpec path(String name, String def, String help) {
        keys.put(name, new Key(name, Kind.PATH, def, List.of(), Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, help));
        return this;
    }

    public Collection<Key> keys() {
        return keys.values();
    }

    public Key key(String name) {
        Key k = keys.get(name);
        if (k == null) {
            throw new ConfigException("unknown setting '" + name + "'; known settings: " + String.join(", ", keys.keySet()));
        }
        return k;
    }

    /** All defaults. */
    public Map<String, Object> defaults() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Key k : keys.values()) {
            m.put(k.name(), k.defaultValue());
        }
        return m;
    }

    /** Parses and checks one value given as text (a command-line flag) or JSON. */
    public Object parse(String name, Object raw) {
        Key k = key(name);
        String text = raw instanceof JsonNode j ? (j.isTextual() ? j.asText() : j.toString()) : String.valueOf(raw);
        try {
            Object v = switch (k.kind()) {
                case INT -> Integer.parseInt(text.trim());
                case LONG -> Long.parseLong(text.trim());
                case DOUBLE -> Double.parseDouble(text.trim());
                case STRING, PATH -> text;
                case CHOICE -> text.trim();
            };
            check(k, v);
            return v;
        } catch (NumberFormatException e) {
            throw new ConfigException(name + ": '" + text + "' is not valid; allowed: " + k.allowed());
        }
    }

    private static void check(Key k, Object v) {
        switch (k.kind()) {
            case CHOICE -> {
                if (!k.choices().contains((String) v)) {
                    throw new ConfigException(k.name() + ": unknown value '" + v + "'; allowed: " + k.allowed());
                }
            }
            case INT, LONG, DOUBLE -> {
                double d = ((Number) v).doubleValue();
                if (!(d >= k.min() && d <= k.max())) {
                    throw new ConfigException(k.name() + ": " + v + " is out of range; allowed: " + k.allowed());
                }
            }
            default -> { }
        }
    }

    /** Applies every field of a JSON object as an override; unknown keys are errors. */
    public void applyJson(Map<String, Object> into, JsonNode obj, String source) {
        if (!obj.isObject()) {
            throw new ConfigException(source + ": expected a JSON object of settings");
        }
        List<String> names = new ArrayList<>();
        obj.fieldNames().forEachRemaining(names::add);
        for (String n : names) {
            if (!keys.containsKey(n)) {
                throw new ConfigException(source + ": unknown setting '" + n + "'; known settings: " + String.join(", ", keys.keySet()));
            }
            into.put(n, parse(n, obj.get(n)));
        }
    }
}
