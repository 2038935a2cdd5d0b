package org.layerwise.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Typed, documented settings: every key has a type, a default, and either a list of allowed values or
 * a numeric range. Values from presets, config files (JSON or YAML, see {@link ConfigFiles}) and
 * command-line flags are all checked here by {@link #parse}, so a bad value is rejected with one line
 * naming the key, the problem and what the key accepts.
 *
 * <p>Grammar of values given as text (flags, quoted JSON/YAML strings):
 * <ul>
 *   <li>numbers: a plain decimal, {@code [+-]digits[.digits][e[+-]digits]} (also {@code .5} and
 *       {@code 5.}), surrounding spaces ignored. Java's extras ({@code 0.05f}, {@code 0x1p-4},
 *       {@code Infinity}, {@code NaN}) and YAML's ({@code .inf}, {@code 1_000}, {@code 0x10}) are
 *       rejected; values that overflow a double are "too large", non-zero values that underflow to 0
 *       are rejected too.</li>
 *   <li>integers: the same grammar, accepted only when the value is exactly whole, so {@code 1e5}
 *       and {@code 100.0} mean 100000 and 100, while {@code 1.5} is "not a whole number"; values
 *       beyond {@code int}/{@code long} are "too large", never a NumberFormatException.</li>
 *   <li>choices: case-sensitive after trimming spaces, with a "did you mean" for a near miss.</li>
 *   <li>JSON/YAML numbers are taken exactly; booleans are never numbers; {@code null}, objects
 *       and lists are rejected naming the key.</li>
 * </ul>
 */
public final class ConfigSpec {
    /** The type of a setting's value: Integer, Long, Double, or String (STRING, CHOICE, PATH). */
    public enum Kind { INT, LONG, DOUBLE, STRING, CHOICE, PATH }

    /** Longest number text accepted; longer is no number anyone means, and parsing it costs time. */
    private static final int MAX_NUMBER_LENGTH = 100;
    /** A plain decimal: optional sign, digits with an optional fraction, optional exponent. */
    private static final Pattern PLAIN_DECIMAL = Pattern.compile("[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");

    /**
     * One setting.
     *
     * @param defaultValue the value before any preset, file or flag; {@code null} for a setting that must
     *     be given (see {@link #requireAll})
     * @param range the numbers allowed ({@link Range#ANY} for non-numeric kinds)
     * @param emptyAllowed for PATH and STRING: whether "" (or only spaces) is a valid value
     */
    public record Key(String name, Kind kind, Object defaultValue, List<String> choices, Range range, boolean emptyAllowed, String help) {
        /** What the key accepts, in words: "an integer ≥ 1", "a number in (0, 1)", "one of a, b". */
        public String allowed() {
            return switch (kind) {
                case CHOICE -> "one of " + String.join(", ", choices);
                case INT -> range.describe("an integer", Integer.MIN_VALUE, Integer.MAX_VALUE);
                case LONG -> range.describe("an integer", Long.MIN_VALUE, Long.MAX_VALUE);
                case DOUBLE -> range.describe("a number");
                case PATH -> emptyAllowed ? "a path, or empty for the default" : "a non-empty path";
                case STRING -> emptyAllowed ? "a string" : "a non-empty string";
            };
        }

        /** Whether the key has no default and must be given. */
        public boolean required() {
            return defaultValue == null;
        }
    }

    private final Map<String, Key> keys = new LinkedHashMap<>();

    private ConfigSpec add(Key k) {
        if (keys.containsKey(k.name())) {
            throw new IllegalArgumentException("setting declared twice: " + k.name());
        }
        keys.put(k.name(), k);
        return this;
    }

    /** A setting whose value is one of {@code choices}, compared case-sensitively. */
    public ConfigSpec choice(String name, String def, String help, String... choices) {
        return add(new Key(name, Kind.CHOICE, def, List.of(choices), Range.ANY, false, help));
    }

    /** An {@code int} from {@code min} to {@code max} inclusive; {@code Integer.MAX_VALUE} as max reads "≥ min". */
    public ConfigSpec integer(String name, int def, int min, int max, String help) {
        return add(new Key(name, Kind.INT, def, List.of(), Range.closed(min, max), false, help));
    }

    /** A {@code long} of at least {@code min}. */
    public ConfigSpec longInt(String name, long def, long min, String help) {
        return longInt(name, def, min, Long.MAX_VALUE, help);
    }

    /** A {@code long} from {@code min} to {@code max} inclusive. */
    public ConfigSpec longInt(String name, long def, long min, long max, String help) {
        return add(new Key(name, Kind.LONG, def, List.of(), Range.closed(min, max), false, help));
    }

    /** A finite double from {@code min} to {@code max} inclusive; {@code Double.MAX_VALUE} as max reads "≥ min". */
    public ConfigSpec number(String name, double def, double min, double max, String help) {
        return number(name, def, Range.closed(min, max), help);
    }

    /** A finite double in {@code range}, which may exclude its bounds: {@code Range.open(0, 1)} reads "a number in (0, 1)". */
    public ConfigSpec number(String name, double def, Range range, String help) {
        return add(new Key(name, Kind.DOUBLE, def, List.of(), range, false, help));
    }

    /** A path that may be empty (empty meaning "use the default", which the caller decides). */
    public ConfigSpec path(String name, String def, String help) {
        return path(name, def, true, help);
    }

    /**
     * A path. With {@code emptyAllowed} false an empty or blank value is rejected; with {@code def}
     * null as well the path is required: {@link #requireAll} rejects a resolved config that lacks it.
     */
    public ConfigSpec path(String name, String def, boolean emptyAllowed, String help) {
        if (def == null && emptyAllowed) {
            throw new IllegalArgumentException(name + ": a required path (no default) must be non-empty");
        }
        return add(new Key(name, Kind.PATH, def, List.of(), Range.ANY, emptyAllowed, help));
    }

    /** A non-empty text value (e.g. a comma-separated list that the study checks item by item). */
    public ConfigSpec text(String name, String def, String help) {
        return add(new Key(name, Kind.STRING, def, List.of(), Range.ANY, false, help));
    }

    /** A non-empty path that must be given (no default). */
    public ConfigSpec requiredPath(String name, String help) {
        return path(name, null, false, help);
    }

    /** The settings in declaration order. */
    public Collection<Key> keys() {
        return keys.values();
    }

    /** The key called {@code name}; an unknown name is a {@link ConfigException} listing the known ones. */
    public Key key(String name) {
        Key k = keys.get(name);
        if (k == null) {
            throw new ConfigException("unknown setting '" + ConfigException.quote(name) + "'; known settings: " + String.join(", ", keys.keySet())
                    + Suggestions.didYouMean(name, keys.keySet()));
        }
        return k;
    }

    /** All defaults (null for required settings). */
    public Map<String, Object> defaults() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Key k : keys.values()) {
            m.put(k.name(), k.defaultValue());
        }
        return m;
    }

    /** Rejects resolved settings in which a required setting (declared without default) is still missing. */
    public void requireAll(Map<String, Object> values) {
        for (Key k : keys.values()) {
            if (k.required() && values.get(k.name()) == null) {
                throw new ConfigException(k.name() + ": required, and not given; set it with --" + k.name()
                        + " or in the config file; allowed: " + k.allowed());
            }
        }
    }

    /**
     * Parses and checks one value: text (a command-line flag, a preset's string), a Java number or
     * boolean (a preset), or a {@link JsonNode} (a config file). Returns an Integer, Long, Double or
     * String according to the key's kind; throws {@link ConfigException} naming the key otherwise.
     */
    public Object parse(String name, Object raw) {
        Key k = key(name);
        Object v = scalar(k, raw);
        return switch (k.kind()) {
            case INT, LONG -> parseInteger(k, v);
            case DOUBLE -> parseDouble(k, v);
            case CHOICE -> parseChoice(k, v);
            case STRING, PATH -> parseText(k, v);
        };
    }

    /** Applies every field of an object (a parsed config file) as an override; unknown keys are errors. */
    public void applyJson(Map<String, Object> into, JsonNode obj, String source) {
        if (obj == null || !obj.isObject()) {
            throw new ConfigException(source + ": the top level is " + ConfigFiles.describe(obj)
                    + "; a config is an object of settings, e.g. {\"lr\": 0.05} in JSON or lr: 0.05 in YAML");
        }
        List<String> names = new ArrayList<>();
        obj.fieldNames().forEachRemaining(names::add);
        for (String n : names) {
            try {
                into.put(n, parse(n, obj.get(n)));
            } catch (ConfigException e) {
                throw new ConfigException(source + ": " + e.getMessage());
            }
        }
    }

    /**
     * Reads a config file with {@link ConfigFiles#read} (JSON or YAML, every file-level check) and applies
     * its settings over {@code into}. The one call a caller needs for {@code --config FILE}.
     */
    public void applyFile(Map<String, Object> into, Path file) {
        applyJson(into, ConfigFiles.read(file), file.toString());
    }

    // ---- one value ----

    /** Unwraps a JsonNode to String, Boolean or Number; rejects null, objects and lists naming the key. */
    private static Object scalar(Key k, Object raw) {
        if (raw == null || raw instanceof JsonNode j && j.isMissingNode()) {
            throw invalid(k, "no value given");
        }
        if (!(raw instanceof JsonNode j)) {
            return raw;
        }
        if (j.isNull()) {
            throw new ConfigException(k.name() + ": null is not allowed; allowed: " + k.allowed()
                    + (k.required() ? "" : " (or leave the key out for the default, " + shownDefault(k) + ")"));
        }
        if (j.isObject()) {
            throw new ConfigException(k.name() + ": a nested object is not allowed here, only a single value; allowed: " + k.allowed());
        }
        if (j.isArray()) {
            throw new ConfigException(k.name() + ": a list is not allowed here, only a single value; allowed: " + k.allowed());
        }
        if (j.isBoolean()) {
            return j.booleanValue();
        }
        if (j.isNumber()) {
            return j.numberValue();
        }
        if (j.isTextual()) {
            return j.textValue();
        }
        throw new ConfigException(k.name() + ": binary or embedded data is not allowed; allowed: " + k.allowed());
    }

    private static String shownDefault(Key k) {
        String d = String.valueOf(k.defaultValue());
        return d.isEmpty() ? "empty" : d;
    }

    private static Object parseInteger(Key k, Object v) {
        BigDecimal d = decimal(k, v);
        String shown = shown(v);
        // 10^25 exceeds every long; checked before any expansion, so "1e999999999" costs nothing
        if (d.signum() != 0 && d.precision() - d.scale() > 25) {
            throw tooFar(k, shown, d.signum());
        }
        if (d.signum() != 0 && d.stripTrailingZeros().scale() > 0) {
            throw invalid(k, shown, "not a whole number");
        }
        BigInteger i = d.toBigIntegerExact();
        boolean isInt = k.kind() == Kind.INT;
        BigInteger lo = BigInteger.valueOf(isInt ? Integer.MIN_VALUE : Long.MIN_VALUE);
        BigInteger hi = BigInteger.valueOf(isInt ? Integer.MAX_VALUE : Long.MAX_VALUE);
        if (i.compareTo(hi) > 0 || i.compareTo(lo) < 0) {
            throw tooFar(k, shown, i.signum());
        }
        if (!k.range().contains(new BigDecimal(i))) {
            throw new ConfigException(k.name() + ": " + i + " is out of range; allowed: " + k.allowed());
        }
        return isInt ? (Object) i.intValue() : (Object) i.longValue();
    }

    private static ConfigException tooFar(Key k, String shown, int sign) {
        String limit = switch (k.kind()) {
            case INT -> sign > 0 ? "the largest is " + Integer.MAX_VALUE : "the smallest is " + Integer.MIN_VALUE;
            default -> sign > 0 ? "the largest is " + Long.MAX_VALUE : "the smallest is " + Long.MIN_VALUE;
        };
        return new ConfigException(k.name() + ": " + shown + " is too " + (sign > 0 ? "large" : "small") + " (" + limit
                + "); allowed: " + k.allowed());
    }

    private static Object parseDouble(Key k, Object v) {
        String shown = shown(v);
        double d;
        if (v instanceof Double || v instanceof Float) {
            d = ((Number) v).doubleValue();
            if (!Double.isFinite(d)) {
                throw invalid(k, shown, "not a finite number");
            }
        } else {
            BigDecimal exact = decimal(k, v);
            d = Double.parseDouble(exact.toString());
            if (Double.isInfinite(d)) {
                throw new ConfigException(k.name() + ": " + shown + " is too " + (d > 0 ? "large" : "small")
                        + " for a double (magnitude at most about 1.8e308); allowed: " + k.allowed());
            }
            if (d == 0 && exact.signum() != 0) {
                throw new ConfigException(k.name() + ": " + shown + " is too close to 0 for a double (use 0, or a magnitude of at least 4.9e-324); allowed: "
                        + k.allowed());
            }
        }
        d += 0.0; // -0.0 -> 0.0, so "-0" is stored and printed as 0
        if (!k.range().contains(d)) {
            throw new ConfigException(k.name() + ": " + shown + " is out of range; allowed: " + k.allowed());
        }
        return d;
    }

    /** An exact decimal from a number or from text in the plain-decimal grammar. */
    private static BigDecimal decimal(Key k, Object v) {
        String noun = k.kind() == Kind.DOUBLE ? "a plain decimal number (e.g. 0.05, -2, 1e-4)" : "an integer (e.g. 100, 1e5)";
        if (v instanceof Boolean) {
            throw invalid(k, shown(v), "a boolean, not a number");
        }
        if (v instanceof BigDecimal b) {
            return b;
        }
        if (v instanceof BigInteger b) {
            return new BigDecimal(b);
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return BigDecimal.valueOf(((Number) v).longValue());
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (!Double.isFinite(d)) {
                throw invalid(k, shown(v), "not a finite number");
            }
            return new BigDecimal(d);
        }
        String text = v.toString().strip();
        if (text.isEmpty()) {
            throw invalid(k, "empty value");
        }
        if (text.length() > MAX_NUMBER_LENGTH) {
            throw invalid(k, shown(v), "longer than " + MAX_NUMBER_LENGTH + " characters");
        }
        if (!PLAIN_DECIMAL.matcher(text).matches()) {
            throw invalid(k, shown(v), "not " + noun);
        }
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            // only an exponent beyond the int range gets here: the grammar matched
            throw invalid(k, shown(v), "its exponent is out of range");
        }
    }

    private static String parseChoice(Key k, Object v) {
        String text = text(v).strip();
        if (!k.choices().contains(text)) {
            throw new ConfigException(k.name() + ": unknown value '" + ConfigException.quote(text) + "'; allowed: " + k.allowed()
                    + Suggestions.didYouMean(text, k.choices()));
        }
        return text;
    }

    private static String parseText(Key k, Object v) {
        String text = text(v);
        if (!k.emptyAllowed() && text.isBlank()) {
            throw new ConfigException(k.name() + ": " + (text.isEmpty() ? "empty" : "blank") + " value; allowed: " + k.allowed());
        }
        if (k.kind() == Kind.PATH) {
            if (text.indexOf('\0') >= 0) {
                throw invalid(k, shown(v), "a path cannot contain a NUL character");
            }
            try {
                Path.of(text);
            } catch (InvalidPathException e) {
                throw invalid(k, shown(v), "not a valid path (" + e.getReason() + ")");
            }
        }
        return text;
    }

    private static String text(Object v) {
        if (v instanceof BigDecimal b) {
            return b.toPlainString();
        }
        return String.valueOf(v);
    }

    /** A value as the user wrote it: text in quotes, numbers and booleans bare. */
    private static String shown(Object v) {
        if (v instanceof String s) {
            return "'" + ConfigException.quote(s) + "'";
        }
        if (v instanceof BigDecimal b) {
            String plain = b.toPlainString();
            return ConfigException.quote(plain.length() <= 30 ? plain : b.toString().replace("E+", "e").replace('E', 'e'));
        }
        return ConfigException.quote(String.valueOf(v));
    }

    private static ConfigException invalid(Key k, String shown, String why) {
        return new ConfigException(k.name() + ": " + shown + " is not valid: " + why + "; allowed: " + k.allowed());
    }

    private static ConfigException invalid(Key k, String why) {
        return new ConfigException(k.name() + ": " + why + "; allowed: " + k.allowed());
    }
}
