package org.layerwise.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerwise.config.ConfigAssertions.rejects;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.io.Json;

class ConfigFilesTest {
    private static final ConfigSpec SPEC = TestSpecs.scalingLike();

    @TempDir
    Path tmp;

    /** How a corpus row makes its file; returns the path to hand to the reader. */
    interface Maker {
        Path make(Path file) throws IOException;
    }

    /**
     * One bad input: the file, and the fragments its message must hold beyond the file's name.
     * {@code mentionsNull}: the user wrote null, so the message may say so.
     */
    record Bad(String file, Maker maker, boolean mentionsNull, String... fragments) {
    }

    private static Maker text(String s) {
        return f -> Files.writeString(f, s);
    }

    private static Maker bytes(byte[] b) {
        return f -> Files.write(f, b);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    static List<Bad> corpus() {
        byte[] random = new byte[2048];
        new Random(42).nextBytes(random);
        byte[] png = concat(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 'I', 'H', 'D', 'R'}, random);
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        List<Bad> rows = new ArrayList<>();
        // the file itself
        rows.add(new Bad("missing.json", f -> f, false, "not found"));
        rows.add(new Bad("folder.json", f -> Files.createDirectory(f), false, "is a folder"));
        rows.add(new Bad("empty.json", text(""), false, "empty"));
        rows.add(new Bad("blank.yaml", text("  \n\t\n"), false, "empty"));
        rows.add(new Bad("bom-only.json", bytes(bom), false, "empty"));
        rows.add(new Bad("comments-only.yaml", text("# lr: 0.1\n"), false, "no settings"));
        rows.add(new Bad("random.json", bytes(random), false, "not a text config"));
        rows.add(new Bad("random.cfg", bytes(random), false, "not a text config"));
        rows.add(new Bad("image.png", bytes(png), false, "not a text config"));
        rows.add(new Bad("latin1.yaml", bytes("lr: 0.1 # caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1)), false, "not a text config"));
        rows.add(new Bad("escape.json", text("{\"lr\": 0.1}\u001b[0m"), false, "not a text config"));
        rows.add(new Bad("utf16.json", bytes("{\"lr\": 0.1}".getBytes(StandardCharsets.UTF_16)), false, "UTF-16", "UTF-8"));
        rows.add(new Bad("huge.json", f -> Files.writeString(f, "{\"lr\": \"" + "0".repeat(2 << 20) + "\"}"), false, "2.0 MiB", "too large", "1 MiB"));
        rows.add(new Bad("sparse-3GiB.json", f -> {
            try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
                r.setLength(3L << 30); // a hole: reading it all would take seconds and 3 GiB of memory
            }
            return f;
        }, false, "3072.0 MiB", "too large"));
        rows.add(new Bad("unreadable.json", f -> {
            Files.writeString(f, "{\"lr\": 0.1}");
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("---------"));
            // root (CAP_DAC_OVERRIDE) reads mode 000 files anyway: nothing to refuse then
            Assumptions.assumeFalse(Files.isReadable(f), "running as root: a mode-000 file is readable, row skipped");
            return f;
        }, false, "permission denied"));
        // JSON syntax
        rows.add(new Bad("malformed.json", text("{\"lr\": 0.05,\n  \"width\" 5}"), false, "line 2, column 11", "malformed JSON"));
        rows.add(new Bad("truncated.json", text("{\"lr\": 0.05"), false, "malformed JSON", "end of file"));
        rows.add(new Bad("trailing-comma.json", text("{\"lr\": 0.05,}"), false, "line 1, column 13", "malformed JSON"));
        rows.add(new Bad("nan.json", text("{\"lr\": NaN}"), false, "malformed JSON"));
        rows.add(new Bad("line-comment.json", text("{\n  // learning rate\n  \"lr\": 0.05\n}"), false, "line 2, column 3", "comments are not allowed in JSON", "YAML"));
        rows.add(new Bad("block-comment.json", text("{ /* eta */ \"lr\": 0.05 }"), false, "comments are not allowed in JSON", "YAML"));
        rows.add(new Bad("hash-comment.json", text("# settings\n{\"lr\": 0.05}"), false, "line 1, column 1", "comments are not allowed in JSON"));
        rows.add(new Bad("yaml-named.json", text("lr: 0.05\n"), false, "malformed JSON", "name it .yaml"));
        rows.add(new Bad("two-objects.json", text("{\"lr\": 0.1} {\"lr\": 0.2}"), false, "line 1, column 13", "more content after"));
        rows.add(new Bad("duplicate.json", text("{\"lr\": 0.1,\n \"lr\": 0.2}"), false, "line 2", "duplicate key 'lr'", "first at line 1"));
        rows.add(new Bad("deep.json", text("{\"lr\": " + "[".repeat(100) + "]".repeat(100) + "}"), false, "nested more than 32 levels"));
        rows.add(new Bad("list.json", text("[1,2]"), false, "top level is a list", "object of settings"));
        rows.add(new Bad("number.json", text("3"), false, "top level is the number 3"));
        // YAML syntax and plain-data rules
        rows.add(new Bad("duplicate.yaml", text("lr: 0.1\nwidth: 5\nlr: 0.2\n"), false, "line 3", "duplicate key 'lr'", "first at line 1"));
        rows.add(new Bad("nested-duplicate.yml", text("lr:\n  a: 1\n  a: 2\n"), false, "duplicate key 'a'"));
        rows.add(new Bad("java-tag.yaml", text("lr: !!java/object:java.util.Date {}\n"), false, "line 1, column 5", "YAML tag '!!java/object:java.util.Date'", "not supported"));
        rows.add(new Bad("custom-tag.yaml", text("lr: !foo 0.1\n"), false, "YAML tag '!foo'"));
        rows.add(new Bad("str-tag.yaml", text("lr: !!str 0.1\n"), false, "YAML tag '!!str'"));
        rows.add(new Bad("anchor.yaml", text("base: &b 0.1\nlr: *b\n"), false, "YAML anchor '&b'"));
        rows.add(new Bad("alias.yaml", text("lr: *b\n"), false, "YAML alias '*b'"));
        rows.add(new Bad("laughs.yaml", text("a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"), false, "YAML anchor '&a'"));
        rows.add(new Bad("two-docs.yaml", text("lr: 0.1\n---\nlr: 0.2\n"), false, "second YAML document"));
        rows.add(new Bad("unclosed.yaml", text("lr: [0.1\n"), false, "malformed YAML", "line 2"));
        rows.add(new Bad("tab.yaml", text("\tlr: 0.1\n"), false, "line 1, column 1", "malformed YAML"));
        rows.add(new Bad("complex-key.yaml", text("? [a, b]\n: 1\n"), false, "malformed YAML", "a key must be a plain name"));
        rows.add(new Bad("flow-yaml-no-extension", text("{lr: 0.1}"), false, "malformed JSON", "read as JSON since it starts with '{'", "name it .yaml"));
        rows.add(new Bad("scalar.yaml", text("hello\n"), false, "top level is the text 'hello'"));
        rows.add(new Bad("sequence.yml", text("- lr\n- 0.1\n"), false, "top level is a list"));
        rows.add(new Bad("list.cfg", text("[1, 2]"), false, "top level is a list"));
        // values: the message names the file and the key
        rows.add(new Bad("object-value.json", text("{\"lr\": {\"a\": 1}}"), false, "lr: a nested object is not allowed", "allowed: a number \u2265 0"));
        rows.add(new Bad("list-value.yaml", text("lr: [0.1, 0.2]\n"), false, "lr: a list is not allowed"));
        rows.add(new Bad("null-value.json", text("{\"lr\": null}"), true, "lr: null is not allowed; allowed: a number \u2265 0", "default, 0.05"));
        rows.add(new Bad("empty-value.yaml", text("lr:\n"), true, "lr: null is not allowed"));
        rows.add(new Bad("java-float.json", text("{\"lr\": \"0.05f\"}"), false, "lr: '0.05f' is not valid", "plain decimal"));
        rows.add(new Bad("hex-float.json", text("{\"lr\": \"0x1p-4\"}"), false, "lr: '0x1p-4' is not valid"));
        rows.add(new Bad("bool-number.json", text("{\"lr\": true}"), false, "lr: true is not valid: a boolean, not a number"));
        rows.add(new Bad("overflow.json", text("{\"lr\": 1e400}"), false, "lr:", "too large for a double"));
        rows.add(new Bad("yaml-inf.yaml", text("lr: .inf\n"), false, "lr: '.inf' is not valid"));
        rows.add(new Bad("yaml-hex.yaml", text("train-size: 0x10\n"), false, "train-size: '0x10' is not valid"));
        rows.add(new Bad("yaml-underscore.yaml", text("train-size: 1_000\n"), false, "train-size: '1_000' is not valid"));
        rows.add(new Bad("fraction.json", text("{\"train-size\": 1.5}"), false, "train-size: 1.5 is not valid: not a whole number", "an integer \u2265 1"));
        rows.add(new Bad("too-large.json", text("{\"train-size\": 99999999999999999999}"), false, "train-size: 99999999999999999999 is too large",
                "the largest is 2147483647"));
        rows.add(new Bad("out-of-range.json", text("{\"width\": 5000}"), false, "width: 5000 is out of range; allowed: an integer from 2 to 4096"));
        rows.add(new Bad("momentum-1.yaml", text("momentum: 1\n"), false, "momentum: 1 is out of range; allowed: a number in [0, 1)"));
        rows.add(new Bad("unknown-key.json", text("{\"lrr\": 0.1}"), false, "unknown setting 'lrr'", "did you mean 'lr'?"));
        rows.add(new Bad("choice-case.yaml", text("activation: Tanh\n"), false, "activation: unknown value 'Tanh'", "did you mean 'tanh'?"));
        rows.add(new Bad("yes.yaml", text("replicate-shuffle-bug: yes\n"), false, "replicate-shuffle-bug: unknown value 'yes'; allowed: one of false, true"));
        return rows;
    }

    @TestFactory
    Stream<DynamicTest> everyBadInputIsOneLineNamingTheFile() {
        return corpus().stream().map(row -> DynamicTest.dynamicTest(row.file(), () -> {
            Path f = row.maker().make(tmp.resolve(row.file()));
            String m = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> rejects(row.mentionsNull(), () -> SPEC.applyFile(new LinkedHashMap<>(), f), row.fragments()));
            assertTrue(m.startsWith(f.toString() + ": "), () -> "does not start with the file: " + m);
        }));
    }

    @Test
    void jsonAndYamlGiveTheSameSettings() throws IOException {
        Path json = Files.writeString(tmp.resolve("c.json"), """
                {"dataset": "mnist-idx", "data-path": "/data/x", "train-size": 500, "lr": 0.1, "momentum": 0.9,
                 "epsilon": 1e-5, "max-updates": 100000, "seed": 7, "activation": "relu", "replicate-shuffle-bug": "true"}
                """);
        Path yaml = Files.writeString(tmp.resolve("c.yaml"), """
                # the same settings, with YAML's comments and quoting
                dataset: mnist-idx
                data-path: /data/x      # where the IDX files are
                train-size: 500
                lr: '0.1'               # numbers as strings are fine
                momentum: 0.9
                epsilon: 1e-5
                max-updates: 1e5        # an integral number in exponent form, for an integer key
                seed: 7
                activation: relu
                replicate-shuffle-bug: true
                """);
        Map<String, Object> fromJson = apply(json);
        assertEquals(fromJson, apply(yaml));
        assertEquals(fromJson, apply(Files.writeString(tmp.resolve("c.yml"), Files.readString(yaml))));
        // other names: a leading { means JSON, anything else YAML
        assertEquals(fromJson, apply(Files.writeString(tmp.resolve("settings"), Files.readString(json))));
        assertEquals(fromJson, apply(Files.writeString(tmp.resolve("settings.conf"), Files.readString(yaml))));
        assertEquals(0.1, fromJson.get("lr"));
        assertEquals(500, fromJson.get("train-size"));
        assertEquals(100000L, fromJson.get("max-updates"));
        assertEquals(1e-5, fromJson.get("epsilon"));
        assertEquals("true", fromJson.get("replicate-shuffle-bug"));
        assertEquals("/data/x", fromJson.get("data-path"));
        // the extension decides before the content: flow YAML starts with '{' too, and is not JSON
        assertEquals(0.1, apply(Files.writeString(tmp.resolve("flow.yaml"), "{lr: 0.1}")).get("lr"));
        assertEquals(0.1, apply(Files.writeString(tmp.resolve("flow.yml"), "{lr: 0.1}")).get("lr"));
        Path flowJson = Files.writeString(tmp.resolve("flow.json"), "{lr: 0.1}");
        rejects(() -> apply(flowJson), "flow.json", "malformed JSON");
    }

    @Test
    void byteOrderMarkIsSkipped() throws IOException {
        byte[] body = "{\"lr\": 0.2, \"width\": 3}".getBytes(StandardCharsets.UTF_8);
        Path plain = Files.write(tmp.resolve("plain.json"), body);
        Path bom = Files.write(tmp.resolve("bom.json"), concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, body));
        Path bomYaml = Files.write(tmp.resolve("bom.yaml"), concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, "lr: 0.2\nwidth: 3\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(apply(plain), apply(bom));
        assertEquals(apply(plain), apply(bomYaml));
        assertEquals(0.2, apply(bom).get("lr"));
    }

    @Test
    void anEmptyObjectChangesNothing() throws IOException {
        assertEquals(SPEC.defaults(), apply(Files.writeString(tmp.resolve("none.json"), "{}")));
    }

    @Test
    void configWrittenByTheProgramReadsBack() {
        // a run folder's config.json: written with Json.write (doubles as DoubleNode), re-read for analysis
        Map<String, Object> v = SPEC.defaults();
        v.put("lr", 0.1);
        v.put("epsilon", 1e-4);
        v.put("max-updates", 3000L);
        Path f = tmp.resolve("config.json");
        Json.write(f, v);
        assertEquals(v, apply(f));
        Map<String, Object> viaMapper = SPEC.defaults();
        SPEC.applyJson(viaMapper, Json.read(f), "config.json");
        assertEquals(v, viaMapper);
    }

    private static Map<String, Object> apply(Path f) {
        Map<String, Object> m = SPEC.defaults();
        SPEC.applyFile(m, f);
        return m;
    }
}
