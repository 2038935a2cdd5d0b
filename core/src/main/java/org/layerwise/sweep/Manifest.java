package org.layerwise.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.layerwise.config.ConfigException;
import org.layerwise.io.Json;
import org.layerwise.study.Fingerprints;
import org.layerwise.study.Provenance;
import org.layerwise.study.RunSpec;
import org.layerwise.study.Study;
import org.layerwise.study.StudyConfig;
import org.layerwise.study.StudyConfigs;
import org.layerwise.study.StudyRegistry;

/**
 * A sweep expanded into its runs: every entry (one study config, its folder and its settings in
 * full) and, per entry, the ids and costs of the study's own plan. Run {@code i} of a manifest is
 * run {@code i - firstIndex} of the entry that holds it; this global index is what
 * {@code layerwise sweep run-one --index I} and a Slurm array task take. Entry folders are relative to
 * the folder holding the manifest (the sweep folder).
 *
 * <p>Ids are stable: an entry's id is a readable slug of its axis values and a hash of the settings
 * that determine what it computes (without execution settings, and without the study's grid
 * settings unless they are axes, so a grown depth grid keeps its folder as {@code layerwise scaling}
 * does). The same spec gives the same ids; a changed value gives a new id and a new folder.
 *
 * @param sweep    the sweep's name
 * @param study    the study every entry runs
 * @param source   the spec file it was planned from
 * @param axes     the axis keys, in the spec's order
 * @param entries  the entries, in the order of the spec's combinations
 * @param costUnit what {@link RunSpec#cost()} counts, in words
 */
public record Manifest(String sweep, String study, String source, List<String> axes, List<Entry> entries, String costUnit) {
    public static final String FILE = "manifest.json";
    private static final int VERSION = 1;

    /**
     * One entry: a study config and its runs.
     *
     * @param id         stable, the entry's folder name
     * @param label      "activation=relu, lr=0.01" (or "base" without axes)
     * @param axisValues the entry's value of every axis
     * @param folder     its study folder, relative to the sweep folder
     * @param settings   every setting of the study, checked
     * @param runIds     the study's plan: run ids in order
     * @param runFolders the runs' folders, relative to the entry's folder
     * @param costs      the runs' costs
     * @param firstIndex the global index of its first run
     */
    public record Entry(String id, String label, Map<String, Object> axisValues, String folder, Map<String, Object> settings,
                        List<String> runIds, List<String> runFolders, List<Double> costs, int firstIndex) {
        public double cost() {
            return costs.stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    /** Run {@code index} of the manifest: its entry and its index in the entry's plan. */
    public record Slot(Entry entry, int planIndex, int index) {
        public String runId() {
            return entry.runIds().get(planIndex);
        }

        public double cost() {
            return entry.costs().get(planIndex);
        }

        /** "entry-id/run-id", unique within the sweep. */
        public String key() {
            return entry.id() + "/" + runId();
        }
    }

    /** Expands a spec: checks every entry with the study (one line naming the entry and key) and plans its runs. */
    public static Manifest plan(SweepSpec spec) {
        Study study = spec.study();
        List<Map<String, Object>> combos = spec.combinations();
        Set<String> axisKeys = new HashSet<>(spec.axisKeys());
        List<Entry> entries = new ArrayList<>();
        Map<String, String> byId = new HashMap<>();
        int first = 0;
        for (int e = 0; e < combos.size(); e++) {
            Map<String, Object> point = combos.get(e);
            String label = label(point);
            String where = spec.source() + ": entry " + (e + 1) + " of " + combos.size() + (point.isEmpty() ? "" : " (" + label + ")");
            StudyConfig config;
            try {
                Map<String, Object> v = study.spec().defaults();
                if (spec.preset() != null) {
                    study.spec().applyJson(v, study.presets().get(spec.preset()).settings(), "preset " + spec.preset());
                }
                v.putAll(spec.base());
                v.putAll(point);
                config = study.config(v);
            } catch (ConfigException ex) {
                throw new ConfigException(where + ": " + ex.getMessage());
            }
            Map<String, Object> identity = config.without(study.executionKeys());
            for (String g : study.gridKeys()) {
                if (!axisKeys.contains(g)) {
                    identity.remove(g);
                }
            }
            String id = slug(point) + "-" + Fingerprints.of(identity).substring(0, 8);
            String clash = byId.put(id, label);
            if (clash != null) {
                throw new ConfigException(where + ": has the same id " + id + " as the entry (" + clash + "); change the sweep's name or an axis value");
            }
            List<RunSpec> runs = study.plan(config);
            entries.add(new Entry(id, label, point, "entries/" + id, config.asMap(), runs.stream().map(RunSpec::id).toList(),
                    runs.stream().map(RunSpec::folder).toList(), runs.stream().map(RunSpec::cost).toList(), first));
            first += runs.size();
        }
        return new Manifest(spec.name(), study.name(), spec.source(), spec.axisKeys(), entries, CostModel.unit(study));
    }

    /** A manifest of one study config in {@code folder} itself (folder "."): how a study hands its own grid to an executor. */
    public static Manifest single(StudyConfig config, String name) {
        Study study = StudyRegistry.get(config.study());
        List<RunSpec> runs = study.plan(config);
        Entry e = new Entry(config.study(), config.study(), Map.of(), ".", config.asMap(), runs.stream().map(RunSpec::id).toList(),
                runs.stream().map(RunSpec::folder).toList(), runs.stream().map(RunSpec::cost).toList(), 0);
        return new Manifest(name, study.name(), "(command line)", List.of(), List.of(e), CostModel.unit(study));
    }

    /** Total number of runs. */
    public int size() {
        Entry last = entries.isEmpty() ? null : entries.get(entries.size() - 1);
        return last == null ? 0 : last.firstIndex() + last.runIds().size();
    }

    public double totalCost() {
        return entries.stream().mapToDouble(Entry::cost).sum();
    }

    /** The run at a global index; a ConfigException naming the range otherwise. */
    public Slot slot(int index) {
        if (index < 0 || index >= size()) {
            throw new ConfigException("index: " + index + " is out of range; this sweep has runs 0 to " + (size() - 1));
        }
        int lo = 0;
        int hi = entries.size() - 1;
        while (lo < hi) { // the last entry whose first index is <= index
            int mid = (lo + hi + 1) >>> 1;
            if (entries.get(mid).firstIndex() <= index) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        Entry e = entries.get(lo);
        return new Slot(e, index - e.firstIndex(), index);
    }

    /** Every run, in index order. */
    public List<Slot> slots() {
        List<Slot> s = new ArrayList<>();
        for (Entry e : entries) {
            for (int j = 0; j < e.runIds().size(); j++) {
                s.add(new Slot(e, j, e.firstIndex() + j));
            }
        }
        return s;
    }

    public Study studyImpl() {
        return StudyRegistry.get(study);
    }

    /** The entry's study config, re-read from its settings. */
    public StudyConfig config(Entry e) {
        Study s = studyImpl();
        return StudyConfigs.fromSaved(s, Json.MAPPER.valueToTree(e.settings()), Path.of(FILE));
    }

    /** A short hash of what the manifest asks for (entry ids and run ids): the same plan, the same fingerprint. */
    public String fingerprint() {
        Map<String, Object> m = new TreeMap<>();
        for (Entry e : entries) {
            m.put(e.id(), e.runIds());
        }
        m.put("study", study);
        return Fingerprints.of(m);
    }

    /** Writes the manifest into its sweep folder. */
    public void write(Path file) {
        write(file, ".");
    }

    /** Writes the manifest; {@code root} is the sweep folder relative to the file's folder ("." or ".." for a copy in slurm/). */
    public void write(Path file, String root) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", "layerwise sweep manifest");
        m.put("version", VERSION);
        m.put("root", root);
        m.put("sweep", sweep);
        m.put("study", study);
        m.put("source", source);
        m.put("axes", axes);
        m.put("runs", size());
        m.put("cost_unit", costUnit);
        m.put("total_cost", totalCost());
        m.put("layerwise", Provenance.version());
        List<Map<String, Object>> es = new ArrayList<>();
        for (Entry e : entries) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("id", e.id());
            x.put("label", e.label());
            x.put("axis_values", e.axisValues());
            x.put("folder", e.folder());
            x.put("first_index", e.firstIndex());
            x.put("run_ids", e.runIds());
            x.put("run_folders", e.runFolders());
            x.put("costs", e.costs());
            x.put("settings", e.settings());
            es.add(x);
        }
        m.put("entries", es);
        Json.write(file, m);
    }

    /** Reads a manifest; a one-line ConfigException for anything that is not one. */
    public static Manifest read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(file + ": no sweep manifest here; `layerwise sweep plan SPEC` writes one");
        }
        JsonNode n;
        try {
            n = Json.read(file);
        } catch (RuntimeException e) {
            throw new ConfigException(file + ": not a readable manifest (" + e.getMessage() + ")");
        }
        if (!"layerwise sweep manifest".equals(n.path("format").asText()) || n.path("version").asInt() != VERSION) {
            throw new ConfigException(file + ": not a layerwise sweep manifest of version " + VERSION + "; plan the sweep again");
        }
        Study study = StudyRegistry.get(n.path("study").asText());
        List<String> axes = new ArrayList<>();
        n.path("axes").forEach(a -> axes.add(a.asText()));
        List<Entry> entries = new ArrayList<>();
        int expectFirst = 0;
        for (JsonNode x : n.path("entries")) {
            Map<String, Object> settings = StudyConfigs.fromSaved(study, x.path("settings"), file).asMap();
            Map<String, Object> axisValues = new LinkedHashMap<>();
            for (String a : axes) {
                axisValues.put(a, settings.get(a));
            }
            List<String> ids = new ArrayList<>();
            x.path("run_ids").forEach(r -> ids.add(r.asText()));
            List<String> folders = new ArrayList<>();
            x.path("run_folders").forEach(r -> folders.add(r.asText()));
            List<Double> costs = new ArrayList<>();
            x.path("costs").forEach(c -> costs.add(c.asDouble()));
            if (ids.size() != costs.size() || ids.size() != folders.size() || x.path("first_index").asInt(-1) != expectFirst) {
                throw new ConfigException(file + ": entry " + x.path("id").asText("?") + " is inconsistent; plan the sweep again");
            }
            entries.add(new Entry(x.path("id").asText(), x.path("label").asText(), axisValues, x.path("folder").asText(), settings, ids, folders,
                    costs, expectFirst));
            expectFirst += ids.size();
        }
        return new Manifest(n.path("sweep").asText(), study.name(), n.path("source").asText(), axes, entries, n.path("cost_unit").asText());
    }

    /** The sweep folder of a manifest file: its folder, or the folder its "root" field names (a copy under slurm/). */
    public static Path sweepDir(Path manifestFile) {
        Path dir = manifestFile.toAbsolutePath().getParent();
        try {
            String root = Json.read(manifestFile).path("root").asText(".");
            return root.equals("..") ? dir.getParent() : dir;
        } catch (RuntimeException e) {
            return dir; // Manifest.read names the problem
        }
    }

    static String label(Map<String, Object> point) {
        if (point.isEmpty()) {
            return "base";
        }
        List<String> parts = new ArrayList<>();
        point.forEach((k, v) -> parts.add(k + "=" + v));
        return String.join(", ", parts);
    }

    /** A folder-safe, readable form of the axis values ("activation-relu_lr-0.01"), at most 60 characters. */
    static String slug(Map<String, Object> point) {
        if (point.isEmpty()) {
            return "base";
        }
        List<String> parts = new ArrayList<>();
        point.forEach((k, v) -> parts.add(k + "-" + v));
        String s = String.join("_", parts).replaceAll("[^A-Za-z0-9._-]", "-");
        return s.length() > 60 ? s.substring(0, 60) : s;
    }
}
