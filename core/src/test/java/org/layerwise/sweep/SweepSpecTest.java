package org.layerwise.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.config.ConfigException;

/** Sweep specs expand into the grid they describe, with stable ids, and every bad value is one line before anything runs. */
class SweepSpecTest {
    static final String BASE = """
            study: scaling
            base:
              preset: quick
              settings: {max-updates: 50, depth-max: 12, depth-base: 2}
            """;

    static Path write(Path dir, String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    private static ConfigException bad(Path dir, String text) throws Exception {
        Path f = write(dir, "bad.yaml", text);
        ConfigException e = assertThrows(ConfigException.class, () -> Manifest.plan(SweepSpec.read(f)));
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
        return e;
    }

    @Test
    void crossedAndZippedAxesExpandInOrder(@TempDir Path tmp) throws Exception {
        Path f = write(tmp, "grid.yaml", BASE + """
                axes:
                  activation: [tanh, relu]
                  lr: {range: {from: 0.1, to: 0.3, step: 0.1}}
                zip:
                  - init-scale: [0.01, 0.1]
                    momentum: [0, 0.9]
                """);
        SweepSpec spec = SweepSpec.read(f);
        assertEquals("grid", spec.name());
        assertEquals(List.of("activation", "lr", "init-scale", "momentum"), spec.axisKeys());
        List<Map<String, Object>> c = spec.combinations();
        assertEquals(2 * 3 * 2, c.size());
        // exact decimal steps: 0.1, 0.2, 0.3 (not 0.30000000000000004); the first axis varies slowest, zipped keys together
        assertEquals(Map.of("activation", "tanh", "lr", 0.1, "init-scale", 0.01, "momentum", 0.0), c.get(0));
        assertEquals(Map.of("activation", "tanh", "lr", 0.1, "init-scale", 0.1, "momentum", 0.9), c.get(1));
        assertEquals(Map.of("activation", "tanh", "lr", 0.3, "init-scale", 0.1, "momentum", 0.9), c.get(5));
        assertEquals(Map.of("activation", "relu", "lr", 0.2, "init-scale", 0.01, "momentum", 0.0), c.get(8));
        Manifest m = Manifest.plan(spec);
        assertEquals(12, m.entries().size());
        // depths floor(2^n) in [3, 12] = 4, 8; 2 seeds (the quick preset's)
        assertEquals(List.of("L00004-s0", "L00004-s1", "L00008-s0", "L00008-s1"), m.entries().get(0).runIds());
        assertEquals(48, m.size());
        // global indices: entry e holds runs [first, first + 4)
        Manifest.Slot s = m.slot(13);
        assertEquals(3, m.entries().indexOf(s.entry()));
        assertEquals(1, s.planIndex());
        assertEquals(m.entries().get(3).id() + "/" + m.entries().get(3).runIds().get(1), s.key());
        assertEquals(47, m.slot(47).index());
        assertThrows(ConfigException.class, () -> m.slot(48));
    }

    @Test
    void geometricGridsWithCountOrFactorAndIntegerRounding(@TempDir Path tmp) throws Exception {
        Path f = write(tmp, "g.yaml", BASE + """
                axes:
                  lr: {geometric: {from: 0.01, to: 1, count: 3}}
                  width: {geometric: {from: 2, to: 5, factor: 1.2}}
                """);
        SweepSpec spec = SweepSpec.read(f);
        assertEquals(List.of(0.01, 0.1, 1.0), spec.axes().get(0).points().stream().map(p -> p.get("lr")).toList());
        // 2, 2.4, 2.88, 3.456, 4.1472, 4.97664 -> rounded 2, 2, 3, 3, 4, 5 -> 2, 3, 4, 5 (repeats dropped)
        assertEquals(List.of(2, 3, 4, 5), spec.axes().get(1).points().stream().map(p -> p.get("width")).toList());
    }

    @Test
    void idsAreStableAndChangeOnlyWithTheirValues(@TempDir Path tmp) throws Exception {
        String axes = """
                axes:
                  activation: [tanh, relu]
                  lr: [0.01, 0.05]
                """;
        Manifest a = Manifest.plan(SweepSpec.read(write(tmp, "a.yaml", BASE + axes)));
        Manifest b = Manifest.plan(SweepSpec.read(write(tmp, "b.yaml", BASE + axes)));
        assertEquals(ids(a), ids(b));
        assertEquals(a.fingerprint(), b.fingerprint());
        assertTrue(a.entries().get(0).id().startsWith("activation-tanh_lr-0.01-"), a.entries().get(0).id());
        // one axis value changed: only the entries with it get new ids
        Manifest c = Manifest.plan(SweepSpec.read(write(tmp, "c.yaml", BASE + axes.replace("0.05", "0.07"))));
        for (int i = 0; i < 4; i++) {
            boolean changed = i % 2 == 1;
            assertEquals(changed, !ids(a).get(i).equals(ids(c).get(i)), i + ": " + ids(a) + " vs " + ids(c));
        }
        // a base setting that changes what runs compute gives new ids everywhere
        Manifest d = Manifest.plan(SweepSpec.read(write(tmp, "d.yaml", BASE.replace("max-updates: 50", "max-updates: 60") + axes)));
        for (int i = 0; i < 4; i++) {
            assertNotEquals(ids(a).get(i), ids(d).get(i));
        }
        // a larger depth grid keeps the folders (the study grows them, as layerwise scaling does) ...
        Manifest e = Manifest.plan(SweepSpec.read(write(tmp, "e.yaml", BASE.replace("depth-max: 12", "depth-max: 20") + axes)));
        assertEquals(ids(a), ids(e));
        assertEquals(a.entries().get(0).runIds().size() + 2, e.entries().get(0).runIds().size());
        // ... unless the grid setting is itself an axis
        Manifest g = Manifest.plan(SweepSpec.read(write(tmp, "g.yaml", BASE + "axes: {seeds: [1, 2]}\n")));
        assertNotEquals(g.entries().get(0).id(), g.entries().get(1).id());
        assertNotEquals(a.fingerprint(), c.fingerprint());
    }

    @Test
    void manifestRoundTripsThroughItsFile(@TempDir Path tmp) throws Exception {
        Manifest m = Manifest.plan(SweepSpec.read(write(tmp, "r.yaml", BASE + "axes: {lr: [0.01, 0.05], activation: [tanh, relu]}\n")));
        m.write(tmp.resolve("manifest.json"));
        Manifest back = Manifest.read(tmp.resolve("manifest.json"));
        assertEquals(m.fingerprint(), back.fingerprint());
        assertEquals(m.size(), back.size());
        for (int i = 0; i < m.entries().size(); i++) {
            assertEquals(m.entries().get(i).settings(), back.entries().get(i).settings());
            assertEquals(m.entries().get(i).axisValues(), back.entries().get(i).axisValues());
            assertEquals(m.entries().get(i).costs(), back.entries().get(i).costs());
            assertEquals(m.config(m.entries().get(i)).asMap(), back.config(back.entries().get(i)).asMap());
        }
        Files.writeString(tmp.resolve("other.json"), "{\"format\": \"x\"}");
        ConfigException e = assertThrows(ConfigException.class, () -> Manifest.read(tmp.resolve("other.json")));
        assertTrue(e.getMessage().contains("not a layerwise sweep manifest"), e.getMessage());
    }

    @Test
    void everyBadValueIsOneLineNamingTheKey(@TempDir Path tmp) throws Exception {
        String[][] cases = {
            {BASE + "axes: {lr: [0.01, -1]}\n", "axes.lr[1]: lr: -1 is out of range"},
            {BASE + "axes: {activation: [tanh, sigmoid]}\n", "axes.activation[1]: activation: unknown value 'sigmoid'"},
            {BASE + "axes: {lerning-rate: [0.1]}\n", "axes: unknown setting 'lerning-rate'"},
            {BASE + "axes: {threads: [1, 2]}\n", "axes: threads is an execution setting"},
            {BASE + "axes: {lr: []}\n", "axes.lr: an empty list"},
            {BASE + "axes: {lr: [0.1, 0.1]}\n", "axes.lr: a value is repeated"},
            {BASE + "axes: {lr: {range: {from: 0.1, to: 0.05, step: 0.01}}}\n", "must not be below from"},
            {BASE + "axes: {lr: {range: {from: 0, to: 1, step: 0}}}\n", "axes.lr.range.step: must be > 0"},
            {BASE + "axes: {activation: {range: {from: 0, to: 1, step: 1}}}\n", "needs a numeric setting"},
            {BASE + "axes: {lr: {geometric: {from: 0.1, to: 1}}}\n", "give exactly one of count"},
            {BASE + "axes: {lr: {linear: [1, 2]}}\n", "axes.lr: give a list"},
            {BASE + "zip: [{lr: [0.1, 0.2], momentum: [0.5]}]\n", "zip[0]: zipped keys need equally many values; lr has 2, momentum has 1"},
            {BASE + "axes: {lr: [0.1]}\nzip: [{lr: [0.1]}]\n", "zip[0]: lr is already an axis"},
            {BASE + "axes: {depth-min: [3, 500]}\n", "entry 2 of 2 (depth-min=500): depth-min (500) must not exceed depth-max (12)"},
            {BASE + "axes: {batch-size: [100, 5000]}\n", "entry 2 of 2 (batch-size=5000): batch-size (5000) must not exceed train-size"},
            {"study: nonesuch\n", "study: unknown study 'nonesuch'"},
            {"base: {preset: quick}\n", "study: required"},
            {BASE + "axis: {lr: [0.1]}\n", "unknown key 'axis'"},
            {BASE.replace("preset: quick", "preset: fast"), "base.preset: unknown value 'fast'"},
            {BASE.replace("max-updates: 50", "max-updates: -5"), "base.settings: max-updates: -5 is out of range"},
            {BASE + "name: 'a b'\n", "name: 'a b' is not valid"},
        };
        for (String[] c : cases) {
            ConfigException e = bad(tmp, c[0]);
            assertTrue(e.getMessage().contains(c[1]), "expected '" + c[1] + "' in: " + e.getMessage());
        }
    }

    @Test
    void zippedColumnsMayRepeatButPointsMayNot(@TempDir Path tmp) throws Exception {
        Manifest m = Manifest.plan(SweepSpec.read(write(tmp, "z.yaml", BASE + "zip: [{lr: [0.05, 0.05], init-scale: [0.01, 0.1]}]\n")));
        assertEquals(2, m.entries().size());
        ConfigException e = bad(tmp, BASE + "zip: [{lr: [0.05, 0.05], init-scale: [0.01, 0.01]}]\n");
        assertTrue(e.getMessage().contains("zip[0]: values 1 and 2 are the same"), e.getMessage());
    }

    private static List<String> ids(Manifest m) {
        return m.entries().stream().map(Manifest.Entry::id).toList();
    }
}
