package org.layerwise.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerwise.config.ConfigAssertions.rejects;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class ConfigSpecTest {
    private static final ConfigSpec SPEC = TestSpecs.scalingLike();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A bad value for a key and fragments its message must hold (all also name the key). */
    record Bad(String key, Object value, String... fragments) {
    }

    static List<Bad> badValues() {
        String lr = "allowed: a number \u2265 0";
        String n = "allowed: an integer \u2265 1";
        return List.of(
                // Java's Double.parseDouble grammar, which flags used to accept
                new Bad("lr", "0.05f", "lr: '0.05f' is not valid: not a plain decimal number", lr),
                new Bad("lr", "0.05d", "'0.05d' is not valid"),
                new Bad("lr", "0x1p-4", "'0x1p-4' is not valid", lr),
                new Bad("lr", "Infinity", "'Infinity' is not valid"),
                new Bad("lr", "inf", "'inf' is not valid"),
                new Bad("lr", "NaN", "'NaN' is not valid"),
                new Bad("lr", "-Infinity", "'-Infinity' is not valid"),
                new Bad("lr", "1_000", "'1_000' is not valid"),
                new Bad("lr", "0,05", "'0,05' is not valid"),
                new Bad("lr", "0.05 0.06", "'0.05 0.06' is not valid"),
                new Bad("lr", "\uff15", "is not valid"), // a full-width digit
                new Bad("lr", "fast", "lr: 'fast' is not valid"),
                new Bad("lr", "", "lr: empty value", lr),
                new Bad("lr", "   ", "lr: empty value"),
                new Bad("lr", "e5", "'e5' is not valid"),
                new Bad("lr", "1e", "'1e' is not valid"),
                new Bad("lr", "1".repeat(200), "longer than 100 characters"),
                new Bad("lr", "1e400", "lr: '1e400' is too large for a double"),
                new Bad("lr", "1e-400", "lr: '1e-400' is too close to 0"),
                new Bad("lr", "1e99999999999", "its exponent is out of range"),
                new Bad("lr", "-0.1", "lr: '-0.1' is out of range", lr),
                new Bad("lr", "true", "lr: 'true' is not valid"),
                new Bad("lr", Boolean.TRUE, "lr: true is not valid: a boolean, not a number"),
                new Bad("lr", Double.POSITIVE_INFINITY, "not a finite number"),
                new Bad("lr", Double.NaN, "not a finite number"),
                new Bad("lr", NODES.numberNode(Double.NaN), "not a finite number"),
                new Bad("lr", "0.5\n--rm", "'0.5\\n--rm' is not valid"),
                // integers
                new Bad("train-size", "1.5", "train-size: '1.5' is not valid: not a whole number", n),
                new Bad("train-size", "1e-5", "not a whole number"),
                new Bad("train-size", "1e-999999999", "not a whole number"),
                new Bad("train-size", "10L", "'10L' is not valid"),
                new Bad("train-size", "0x10", "'0x10' is not valid"),
                new Bad("train-size", "2147483648", "train-size: '2147483648' is too large (the largest is 2147483647)", n),
                new Bad("train-size", "-2147483649", "is too small (the smallest is -2147483648)"),
                new Bad("train-size", "0", "train-size: 0 is out of range; allowed: an integer \u2265 1"),
                new Bad("train-size", "99999999999999999999999999999", "train-size: '99999999999999999999999999999' is too large"),
                new Bad("train-size", "1e999999999", "train-size: '1e999999999' is too large"),
                new Bad("train-size", 0.5, "not a whole number"),
                new Bad("train-size", NODES.booleanNode(false), "train-size: false is not valid: a boolean, not a number"),
                new Bad("width", "5000", "width: 5000 is out of range; allowed: an integer from 2 to 4096"),
                new Bad("max-updates", "9223372036854775808", "max-updates: '9223372036854775808' is too large (the largest is 9223372036854775807)"),
                new Bad("seed", "-1", "seed: -1 is out of range; allowed: an integer \u2265 0"),
                new Bad("momentum", "1", "momentum: '1' is out of range; allowed: a number in [0, 1)"),
                // containers and null from files
                new Bad("lr", NODES.objectNode().put("a", 1), "lr: a nested object is not allowed here, only a single value", lr),
                new Bad("lr", NODES.arrayNode().add(1), "lr: a list is not allowed here", lr),
                new Bad("lr", NODES.missingNode(), "lr: no value given", lr),
                new Bad("lr", null, "lr: no value given", lr),
                // choices and paths
                new Bad("activation", "sigmoid", "activation: unknown value 'sigmoid'; allowed: one of tanh, relu, linear"),
                new Bad("activation", "", "activation: unknown value ''"),
                new Bad("dataset", "mnist", "dataset: unknown value 'mnist'"),
                new Bad("data-path", "a\0b", "data-path: 'a\\u0000b' is not valid: a path cannot contain a NUL character"));
    }

    @TestFactory
    Stream<DynamicTest> badValuesAreOneLineNamingTheKey() {
        return badValues().stream().map(b -> DynamicTest.dynamicTest(b.key() + " = " + b.value(), () -> {
            String m = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> rejects(() -> SPEC.parse(b.key(), b.value()), b.fragments()));
            assertTrue(m.startsWith(b.key() + ": "), () -> "does not start with the key: " + m);
        }));
    }

    @Test
    void nullFromAFileSaysWhatIsAllowed() {
        String m = rejects(true, () -> SPEC.parse("lr", NODES.nullNode()));
        assertEquals("lr: null is not allowed; allowed: a number \u2265 0 (or leave the key out for the default, 0.05)", m);
    }

    @Test
    void plainDecimalsAreAccepted() {
        Map<String, Double> ok = Map.ofEntries(Map.entry("0.05", 0.05), Map.entry("+0.05", 0.05), Map.entry(".5", 0.5),
                Map.entry("5.", 5.0), Map.entry("1e-4", 1e-4), Map.entry("1E-4", 1e-4), Map.entry("2.5e+3", 2500.0),
                Map.entry(" 0.05 ", 0.05), Map.entry("007", 7.0), Map.entry("0", 0.0), Map.entry("-0", 0.0),
                Map.entry("1e308", 1e308), Map.entry("4.9e-324", Double.MIN_VALUE));
        ok.forEach((text, expected) -> assertEquals(expected, SPEC.parse("lr", text), text));
        assertEquals(Double.doubleToLongBits(0.0), Double.doubleToLongBits((Double) SPEC.parse("lr", "-0")));
        // numbers from presets and files are taken exactly
        assertEquals(0.01, SPEC.parse("lr", 0.01));
        assertEquals(0.1, SPEC.parse("lr", NODES.numberNode(new java.math.BigDecimal("0.1"))));
        assertEquals(0.1, SPEC.parse("lr", NODES.numberNode(0.1)));
        assertEquals(0.1, SPEC.parse("lr", NODES.textNode("0.1")));
        assertEquals(3.0, SPEC.parse("lr", 3));
        assertEquals(0.999, SPEC.parse("momentum", "0.999"));
    }

    @Test
    void integersMayUseExponentsWhenExactlyWhole() {
        assertEquals(100000, SPEC.parse("train-size", "1e5"));
        assertEquals(100, SPEC.parse("train-size", "100.0"));
        assertEquals(5, SPEC.parse("train-size", "0.5e1"));
        assertEquals(Integer.MAX_VALUE, SPEC.parse("train-size", "2147483647"));
        assertEquals(7, SPEC.parse("train-size", " +7 "));
        assertEquals(100000L, SPEC.parse("max-updates", "1e5"));
        assertEquals(Long.MAX_VALUE, SPEC.parse("max-updates", "9223372036854775807"));
        assertEquals(3000L, SPEC.parse("max-updates", 3000L));
        assertEquals(3000L, SPEC.parse("max-updates", 3000));
        assertEquals(500, SPEC.parse("train-size", NODES.numberNode(500)));
        assertEquals(500, SPEC.parse("train-size", NODES.numberNode(500.0)));
        assertEquals(500, SPEC.parse("train-size", NODES.textNode("500")));
    }

    @Test
    void rangesReadLikeMath() {
        ConfigSpec s = new ConfigSpec()
                .integer("n", 1, 1, Integer.MAX_VALUE, "")
                .integer("d", 10, 1, 4096, "")
                .integer("k", 0, Integer.MIN_VALUE, 5, "")
                .integer("any-int", 0, Integer.MIN_VALUE, Integer.MAX_VALUE, "")
                .longInt("seed", 0, 0, "")
                .longInt("l", 5, 1, 10, "")
                .number("lr", 0.05, 0, Double.MAX_VALUE, "")
                .number("m", 0, 0, 0.999999, "")
                .number("base", 1.2, 1.0000001, 1000, "")
                .number("open", 0.5, Range.open(0, 1), "")
                .number("closed-open", 0, Range.closedOpen(0, 1), "")
                .number("open-closed", 1, Range.openClosed(0, 1), "")
                .number("positive", 1, Range.greaterThan(0), "")
                .number("small", 1e-9, Range.atLeast(1e-9), "")
                .number("cap", 1, Range.atMost(10), "")
                .number("below", 1, Range.lessThan(1e20), "")
                .number("free", 1, Range.ANY, "")
                .choice("c", "a", "", "a", "b")
                .path("p", "", "")
                .requiredPath("q", "");
        Map<String, String> expected = Map.ofEntries(
                Map.entry("n", "an integer \u2265 1"),
                Map.entry("d", "an integer from 1 to 4096"),
                Map.entry("k", "an integer \u2264 5"),
                Map.entry("any-int", "an integer"),
                Map.entry("seed", "an integer \u2265 0"),
                Map.entry("l", "an integer from 1 to 10"),
                Map.entry("lr", "a number \u2265 0"),
                Map.entry("m", "a number from 0 to 0.999999"),
                Map.entry("base", "a number from 1.0000001 to 1000"),
                Map.entry("open", "a number in (0, 1)"),
                Map.entry("closed-open", "a number in [0, 1)"),
                Map.entry("open-closed", "a number in (0, 1]"),
                Map.entry("positive", "a number > 0"),
                Map.entry("small", "a number \u2265 1e-9"),
                Map.entry("cap", "a number \u2264 10"),
                Map.entry("below", "a number < 1e+20"),
                Map.entry("free", "a number"),
                Map.entry("c", "one of a, b"),
                Map.entry("p", "a path, or empty for the default"),
                Map.entry("q", "a non-empty path"));
        for (ConfigSpec.Key k : s.keys()) {
            assertEquals(expected.get(k.name()), k.allowed(), k.name());
        }
        assertEquals(expected.size(), s.keys().size());
        // exclusive bounds are enforced, not only printed
        rejects(() -> s.parse("open", "0"), "open: '0' is out of range; allowed: a number in (0, 1)");
        rejects(() -> s.parse("open", "1"), "out of range");
        rejects(() -> s.parse("positive", "0"), "positive: '0' is out of range; allowed: a number > 0");
        assertEquals(1.0, s.parse("open-closed", "1"));
        assertEquals(Double.MIN_VALUE, s.parse("positive", "4.9e-324"));
    }

    @Test
    void choicesAreCaseSensitiveWithANearMissHint() {
        assertEquals("tanh", SPEC.parse("activation", "tanh"));
        assertEquals("tanh", SPEC.parse("activation", " tanh "));
        assertEquals("true", SPEC.parse("replicate-shuffle-bug", NODES.booleanNode(true)));
        assertEquals("activation: unknown value 'Tanh'; allowed: one of tanh, relu, linear; did you mean 'tanh'?",
                rejects(() -> SPEC.parse("activation", "Tanh")));
        rejects(() -> SPEC.parse("activation", "TANH"), "did you mean 'tanh'?");
        rejects(() -> SPEC.parse("activation", "relux"), "did you mean 'relu'?");
        rejects(() -> SPEC.parse("activation", "rleu"), "did you mean 'relu'?"); // a swap counts once
        rejects(() -> SPEC.parse("init", "xavier-dept"), "did you mean 'xavier-depth'?");
        String far = rejects(() -> SPEC.parse("activation", "sigmoid"));
        assertTrue(!far.contains("did you mean"), far);
        // two candidates equally near: no guess
        ConfigSpec tie = new ConfigSpec().choice("x", "ab", "", "ab", "ac");
        String m = rejects(() -> tie.parse("x", "aa"));
        assertTrue(!m.contains("did you mean"), m);
        assertEquals("unknown setting 'depht-max'; known settings: depth-max, depth-min; did you mean 'depth-max'?",
                rejects(() -> new ConfigSpec().integer("depth-max", 3, 1, 9, "").integer("depth-min", 3, 1, 9, "").parse("depht-max", "3")));
    }

    @Test
    void pathsMayRequireAValue() {
        ConfigSpec s = new ConfigSpec().path("data-path", "", "").path("cache", "cache", false, "").requiredPath("model", "");
        assertEquals("", s.parse("data-path", ""));
        assertEquals("a b/c", s.parse("cache", "a b/c"));
        assertEquals("cache: empty value; allowed: a non-empty path", rejects(() -> s.parse("cache", "")));
        assertEquals("model: blank value; allowed: a non-empty path", rejects(() -> s.parse("model", "  ")));
        Map<String, Object> v = s.defaults();
        assertEquals("model: required, and not given; set it with --model or in the config file; allowed: a non-empty path",
                rejects(() -> s.requireAll(v)));
        v.put("model", s.parse("model", "m.pt"));
        s.requireAll(v);
        assertEquals("m.pt", v.get("model"));
    }

    @Test
    void messagesStayOnOneLineWhateverTheValue() {
        assertEquals("a b", new ConfigException("a\nb").getMessage());
        assertEquals("a b", new ConfigException("a\r\n  b\n").getMessage());
        assertEquals("x\\ny\\u001b", ConfigException.quote("x\ny\u001b"));
        assertEquals("y".repeat(ConfigException.QUOTE_LIMIT) + "\u2026", ConfigException.quote("y".repeat(5000)));
        assertEquals("y".repeat(ConfigException.QUOTE_LIMIT), ConfigException.quote("y".repeat(ConfigException.QUOTE_LIMIT)));
        Map<String, Object> into = new HashMap<>();
        rejects(() -> SPEC.parse("lr\nrm -rf", "1"), "unknown setting 'lr\\nrm -rf'");
        rejects(() -> SPEC.applyJson(into, NODES.arrayNode(), "f.json"), "f.json: the top level is a list");
    }
}
