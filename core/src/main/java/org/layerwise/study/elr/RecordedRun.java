package org.layerwise.study.elr;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.layerwise.analysis.elr.ElrModel;
import org.layerwise.config.ConfigException;
import org.layerwise.data.DataException;
import org.layerwise.io.Csv;
import org.layerwise.io.Json;
import org.layerwise.io.Npy;
import org.layerwise.study.RunFolder;
import org.layerwise.study.RunSpec;
import org.layerwise.study.Study;
import org.layerwise.study.StudyConfigs;
import org.layerwise.study.StudyFolder;
import org.layerwise.study.StudyRegistry;
import org.layerwise.train.ElrProbe;

/**
 * One run folder as {@code layerwise elr analyze} reads it, checked before anything is analysed: written
 * by {@code python/layerwise_probe.py} in someone's own training loop (provenance.json with
 * {@code "source": "external"}), or a run of an ELR study ({@code STUDY/runs/RUN}, whose settings are in
 * the study's config.json), or of unknown origin. What it holds, where it came from, which optimizer
 * trained it (the model check needs that) and which of the probe's files it lacks.
 *
 * <p>A folder that is not a run folder is a {@link ConfigException} naming the folder and what is expected;
 * a malformed file a {@link DataException} naming the file. Never a stack trace.
 */
final class RecordedRun {
    /** Where a run folder came from. */
    enum Origin {
        /** Written by layerwise_probe.py: layerwise did not train the network. */
        EXTERNAL,
        /** A run of an ELR study. */
        STUDY,
        /** Neither provenance.json nor a study's config.json says. */
        UNKNOWN
    }

    static final String PROVENANCE = "provenance.json";
    /** What a folder must hold to be analysed at all. */
    static final String EXPECTED = "layers.json, steps.csv with at least one row and elr.npy, as python/layerwise_probe.py"
            + " and ./layerwise elr train (STUDY/runs/RUN) write them";

    final Path dir;
    final Origin origin;
    /** provenance.json of an external run (or the study's), or null. */
    final JsonNode provenance;
    /** The study's settings for a run of a study, else null. */
    final ElrConfig config;
    final ElrRunData data;
    /** The probe's quantities whose .npy file is present and has the layers' columns. */
    final List<String> present;
    /** The probe's quantities whose .npy file is absent. */
    final List<String> missing;
    /** The model of the optimizer that trained the run, or null when the model does not describe it ({@link #whyNoModel}). */
    final ElrModel model;
    /** Why {@link #model} is null, or null. */
    final String whyNoModel;
    /** What the model check assumes beyond the model's own assumptions (e.g. an optimizer that was not recorded). */
    final List<String> modelNotes;

    private RecordedRun(Path dir, Origin origin, JsonNode provenance, ElrConfig config, ElrRunData data, List<String> present, List<String> missing,
                        ElrModel model, String whyNoModel, List<String> modelNotes) {
        this.dir = dir;
        this.origin = origin;
        this.provenance = provenance;
        this.config = config;
        this.data = data;
        this.present = List.copyOf(present);
        this.missing = List.copyOf(missing);
        this.model = model;
        this.whyNoModel = whyNoModel;
        this.modelNotes = List.copyOf(modelNotes);
    }

    /** Reads and checks the run folder {@code dir}. */
    static RecordedRun open(Path dir) {
        String shown = dir.toString();
        if (!Files.exists(dir)) {
            throw new ConfigException(shown + ": no such folder; expected a run folder with " + EXPECTED);
        }
        if (!Files.isDirectory(dir)) {
            throw new ConfigException(shown + " is a file; expected a run folder with " + EXPECTED);
        }
        if (!Files.exists(dir.resolve(ElrProbe.LAYERS)) && Files.exists(dir.resolve(StudyFolder.CONFIG)) && Files.isDirectory(dir.resolve("runs"))) {
            throw new ConfigException(shown + " is a study folder, not a run folder: analyse one of its runs (" + dir.resolve("runs") + "/RUN),"
                    + " or redraw the study's report with: layerwise report " + shown);
        }
        for (String f : List.of(ElrProbe.LAYERS, ElrProbe.STEPS, "elr.npy")) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new ConfigException(shown + " is not a run folder of the ELR probe: no " + f + "; expected " + EXPECTED);
            }
        }
        if (size(dir.resolve(ElrProbe.STEPS)) == 0) {
            throw new ConfigException(shown + ": steps.csv is empty (the probe has not recorded a step yet); expected " + EXPECTED);
        }
        List<String> layers = checkLayers(dir.resolve(ElrProbe.LAYERS));
        checkSteps(dir.resolve(ElrProbe.STEPS));
        List<String> present = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String q : ElrProbe.QUANTITIES) {
            Path f = dir.resolve(q + ".npy");
            if (!Files.exists(f)) {
                missing.add(q);
                continue;
            }
            checkMatrix(f, layers.size());
            present.add(q);
        }
        if (Files.exists(dir.resolve(RunFolder.RESULT))) {
            read(dir.resolve(RunFolder.RESULT));
        }

        JsonNode provenance = Files.exists(dir.resolve(PROVENANCE)) ? read(dir.resolve(PROVENANCE)) : null;
        StudyRun study = provenance == null ? studyRun(dir) : null;
        Origin origin = provenance != null && "external".equals(provenance.path("source").asText())
                ? Origin.EXTERNAL : study != null ? Origin.STUDY : Origin.UNKNOWN;
        String id = dir.toAbsolutePath().normalize().getFileName() == null ? "run"
                : dir.toAbsolutePath().normalize().getFileName().toString().replaceAll("[^A-Za-z0-9_.-]", "_");
        RunSpec spec = study != null ? study.spec : new RunSpec(id, dir.toString(), Map.of(), 1);
        ElrConfig config = study != null ? study.config : null;
        boolean complete = Files.exists(dir.resolve(RunFolder.RESULT));
        ElrRunData data;
        try {
            data = ElrRunData.load(spec, new RunFolder(dir, spec.id()), complete, config);
        } catch (UncheckedIOException | IllegalArgumentException e) {
            throw new DataException(shown + ": " + e.getMessage(), e);
        }
        if (data == null || data.rows() == 0) {
            throw new ConfigException(shown + ": no recorded step in both steps.csv and elr.npy; expected " + EXPECTED);
        }

        List<String> notes = new ArrayList<>();
        ElrModel model = null;
        String why = null;
        switch (origin) {
            case EXTERNAL -> {
                JsonNode opt = provenance.path("optimizer");
                if (opt.isMissingNode() || opt.isNull()) {
                    model = ElrModel.sgd();
                    notes.add("the optimizer was not recorded (Probe made without optimizer=): replayed as plain SGD; the errors of replay (a)"
                            + " show whether that holds");
                } else {
                    Object m = sgdModel(opt, layers.size());
                    if (m instanceof ElrModel e) {
                        model = e;
                    } else {
                        why = (String) m;
                    }
                }
            }
            case STUDY -> model = ElrModel.of(config.momentum(), config.weightDecay());
            case UNKNOWN -> {
                model = ElrModel.sgd();
                notes.add("no provenance.json and no study's config.json: the optimizer is unknown; replayed as plain SGD");
            }
            default -> throw new IllegalStateException(origin.toString());
        }
        return new RecordedRun(dir, origin, provenance != null ? provenance : study != null ? study.provenance : null, config, data, present,
                missing, model, why, notes);
    }

    /**
     * The model of a recorded torch optimizer ({@code provenance.json} "optimizer"): an {@link ElrModel} for
     * torch.optim.SGD with dampening 0, no Nesterov, and one momentum and weight decay for every normalized
     * layer; otherwise the reason (a String) why the model does not describe it.
     */
    static Object sgdModel(JsonNode opt, int layers) {
        String type = opt.path("type").asText("?");
        if (!type.equals("SGD")) {
            return "the model describes SGD (elr-model.md §3); this run was trained with " + type;
        }
        Double momentum = null;
        Double decay = null;
        int covered = 0;
        for (JsonNode g : opt.path("param_groups")) {
            int n = g.path("normalized_layers").size();
            if (n == 0) {
                continue;
            }
            covered += n;
            double m = g.path("momentum").asDouble(0);
            double wd = g.path("weight_decay").asDouble(0);
            if (g.path("nesterov").asBoolean(false)) {
                return "the model covers torch.optim.SGD without Nesterov momentum; this run used nesterov=True";
            }
            if (g.path("dampening").asDouble(0) != 0) {
                return "the model covers torch.optim.SGD with dampening 0; this run used dampening " + g.path("dampening").asDouble();
            }
            if (g.path("maximize").asBoolean(false)) {
                return "the optimizer maximised (maximize=True): the model takes steps against the gradient";
            }
            if ((momentum != null && momentum != m) || (decay != null && decay != wd)) {
                return "the normalized layers sit in param groups with different momentum or weight decay; the model takes one of each";
            }
            momentum = m;
            decay = wd;
        }
        if (covered != layers || momentum == null) {
            return "the recorded param groups do not hold every normalized layer (" + covered + " of " + layers + ")";
        }
        if (!(momentum >= 0 && momentum < 1) || !(decay >= 0)) {
            return "momentum " + momentum + " or weight decay " + decay + " outside the model's range (0 <= momentum < 1, decay >= 0)";
        }
        return ElrModel.of(momentum, decay);
    }

    /** The study run a folder STUDY/runs/RUN is, when STUDY/config.json names an ELR study that plans it; else null. */
    private record StudyRun(RunSpec spec, ElrConfig config, JsonNode provenance) {
    }

    private static StudyRun studyRun(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        Path runs = abs.getParent();
        if (runs == null || runs.getFileName() == null || !runs.getFileName().toString().equals("runs") || runs.getParent() == null) {
            return null;
        }
        StudyFolder folder = new StudyFolder(runs.getParent());
        if (!folder.hasConfig()) {
            return null;
        }
        try {
            StudyFolder.Saved saved = folder.readConfig();
            Study study = StudyRegistry.all().get(saved.study());
            if (!(study instanceof ElrStudy)) {
                return null;
            }
            ElrConfig config = (ElrConfig) StudyConfigs.fromSaved(study, saved.settings(), folder.file(StudyFolder.CONFIG));
            String wanted = "runs/" + abs.getFileName();
            for (RunSpec r : study.plan(config)) {
                if (r.folder().equals(wanted)) {
                    Path prov = folder.file(StudyFolder.PROVENANCE);
                    return new StudyRun(r, config, Files.exists(prov) ? read(prov) : null);
                }
            }
            return null;
        } catch (RuntimeException e) {
            return null; // not a study's run after all: analysed as a folder of unknown origin
        }
    }

    private static List<String> checkLayers(Path f) {
        JsonNode meta = read(f);
        JsonNode names = meta.path("layers");
        if (!names.isArray() || names.isEmpty()) {
            throw new DataException(f + ": no \"layers\" list (the names of the normalized tensors, one per column of every .npy)");
        }
        JsonNode sizes = meta.path("sizes");
        if (!sizes.isArray() || sizes.size() != names.size()) {
            throw new DataException(f + ": \"sizes\" should list the number of elements of each of the " + names.size() + " layers");
        }
        List<String> out = new ArrayList<>();
        names.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static void checkSteps(Path f) {
        List<String> header;
        try {
            header = Csv.readColumns(f).header();
        } catch (RuntimeException e) {
            throw new DataException(f + ": not a readable CSV table (" + e.getMessage() + ")", e);
        }
        for (String col : ElrProbe.STEP_HEADER) {
            if (!header.contains(col)) {
                throw new DataException(f + ": no column '" + col + "'; expected the header " + String.join(",", ElrProbe.STEP_HEADER));
            }
        }
    }

    private static void checkMatrix(Path f, int layers) {
        Npy.Array a;
        try {
            a = Npy.read(f);
        } catch (UncheckedIOException | IllegalArgumentException e) {
            throw new DataException(f + ": " + e.getMessage(), e);
        }
        if (a.shape().length != 2 || a.shape()[1] != layers) {
            throw new DataException(f + ": expected a matrix (recorded steps x " + layers + " layers of layers.json), found shape "
                    + java.util.Arrays.toString(a.shape()));
        }
    }

    private static JsonNode read(Path f) {
        try {
            return Json.read(f);
        } catch (UncheckedIOException e) {
            throw new DataException(e.getMessage(), e);
        }
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + f + ": " + e.getMessage(), e);
        }
    }

    /** The provenance fields a report and summary show of an external run (those present), in a stable order. */
    Map<String, Object> provenanceSummary() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (provenance == null) {
            return m;
        }
        for (String k : List.of("source", "writer", "description", "model", "parameters", "dtype", "device", "selection", "lr_from", "python",
                "torch", "host", "started", "finished", "git_commit", "working_directory")) {
            JsonNode v = provenance.get(k);
            if (v != null && !v.isNull() && !(v.isTextual() && v.asText().isEmpty())) {
                m.put(k, v.isNumber() ? v.numberValue() : v.asText());
            }
        }
        JsonNode opt = provenance.path("optimizer");
        if (opt.isObject()) {
            m.put("optimizer", opt.path("type").asText("?"));
        }
        JsonNode cl = provenance.path("command_line");
        if (cl.isArray()) {
            List<String> words = new ArrayList<>();
            cl.forEach(w -> words.add(w.asText()));
            m.put("command_line", String.join(" ", words));
        }
        return m;
    }
}
