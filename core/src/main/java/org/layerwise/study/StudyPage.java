package org.layerwise.study;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.layerwise.io.Json;
import org.layerwise.report.Figure;
import org.layerwise.report.HtmlReport;
import org.layerwise.report.HtmlReport.Source;

/**
 * The page frame every study's report shares. A study fills the middle of the page ({@link #page()}:
 * its claim, intro, verdict and sections, in its own order); the frame gives every page the same
 * title line and the same ending: what could not be drawn (a damaged file never stops a report), and
 * the provenance: which files lie beside the page (the shared ones, the study's own from
 * {@link Study#files()}, and its run folders), the command that regenerates the page from its folder
 * alone, the settings and provenance.json. {@link #write} writes it atomically, beside its plots.
 */
public final class StudyPage {
    private final StudyFolder folder;
    private final StudyConfig config;
    private final StudyFiles files;
    private final HtmlReport page;
    private final List<String> skipped = new ArrayList<>();

    /**
     * A page titled {@code title} for the study's folder and settings; the title names the preset the
     * folder's provenance.json records ("... (preset quick)"), so a page never hides which preset it shows.
     */
    public StudyPage(Study study, String title, StudyFolder folder, StudyConfig config) {
        this.folder = folder;
        this.config = config;
        this.files = study.files();
        this.page = new HtmlReport(titled(title, recordedPreset(folder)));
    }

    /** "title (preset p)", or the title alone when no preset is recorded. */
    public static String titled(String title, String preset) {
        return preset == null ? title : title + " (preset " + preset + ")";
    }

    /**
     * "quick preset: ", what a verdict's headline starts with, so the first screen says the numbers below
     * are the preset's (a quick preset's are minutes on a CPU); empty when the command line named no preset.
     */
    public static String presetPrefix(StudyFolder folder) {
        String preset = recordedPreset(folder);
        return preset == null ? "" : preset + " preset: ";
    }

    /**
     * The preset named by {@code --preset NAME} on the command line that the folder's provenance.json
     * records, or null (no --preset, or no readable provenance.json).
     */
    public static String recordedPreset(StudyFolder folder) {
        Path prov = folder.file(StudyFolder.PROVENANCE);
        if (!Files.isRegularFile(prov)) {
            return null;
        }
        JsonNode cmd;
        try {
            cmd = Json.read(prov).path("command_line");
        } catch (RuntimeException e) {
            return null;
        }
        for (int i = 0; i < cmd.size(); i++) {
            String word = cmd.get(i).asText();
            if (word.equals("--preset") && i + 1 < cmd.size()) {
                return cmd.get(i + 1).asText();
            }
            if (word.startsWith("--preset=")) {
                return word.substring("--preset=".length());
            }
        }
        return null;
    }

    /** The page, for the study's own blocks between the title and the frame's ending. */
    public HtmlReport page() {
        return page;
    }

    /** The folder the page's figures go to. */
    public Path plots() {
        return files.plots(folder.dir());
    }

    /**
     * Adds a figure with its caption and the data files it is drawn from (linked beside it); a figure
     * that could not be drawn (null) is left out.
     */
    public StudyPage figure(Figure f, String caption, Path... data) {
        if (f != null) {
            page.figure(f, caption, List.of(data));
        }
        return this;
    }

    /**
     * The files among {@code files} that exist (null and repeats dropped, order kept): what a figure or a
     * line of links may point at, so a page never links a missing file (a run still training, a quantity an
     * external run did not record).
     */
    public static List<Path> existing(Path... files) {
        return java.util.Arrays.stream(files).filter(p -> p != null && Files.isRegularFile(p)).distinct().toList();
    }

    /** Something that could not be drawn, and why; listed near the end of the page. */
    public void skipped(String what) {
        skipped.add(what);
    }

    /**
     * Ends the page and writes it: what could not be drawn, then the provenance.
     *
     * @param runs what the run folders hold, ending the list of files beside the report ("one folder per run under
     *             depths/ (A.npy, ...)")
     * @return the page's file
     */
    public Path write(String runs) {
        JsonNode provenance = null;
        Path prov = folder.file(StudyFolder.PROVENANCE);
        if (Files.exists(prov)) {
            try {
                provenance = Json.read(prov);
            } catch (RuntimeException ex) {
                skipped.add(StudyFolder.PROVENANCE + ": " + ex.getMessage());
            }
        }
        if (!skipped.isEmpty()) {
            page.section("Not drawn");
            skipped.forEach(s -> page.note(Source.LAYERWISE, s));
        }
        String launcher = "layerwise";
        if (provenance != null && provenance.hasNonNull("layerwise_home")) {
            Path l = Path.of(provenance.get("layerwise_home").asText()).resolve("layerwise");
            if (Files.isExecutable(l)) {
                launcher = shellQuote(l.toString());
            }
        }
        String command = launcher + " report " + shellQuote(folder.dir().toAbsolutePath().normalize().toString());
        List<String> documents = new ArrayList<>(List.of(command, Json.toString(config.asMap())));
        if (provenance != null) {
            documents.add(Json.toString(provenance));
        }
        List<String> beside = new ArrayList<>(List.of(StudyFolder.CONFIG, StudyFolder.PROVENANCE, files.summary()));
        beside.addAll(files.own().keySet());
        beside.add(files.plots() + "/");
        page.provenance("Files beside this report: " + String.join(", ", beside) + ", and " + runs + ". Regenerate this report from any"
                + " folder, without training, with the first command below" + (launcher.equals("layerwise") ? " (the layerwise launcher on your PATH)"
                : "") + "; then the settings and the provenance.", documents.toArray(String[]::new));
        Path file = files.report(folder.dir());
        page.write(file);
        return file;
    }

    /** The text as one shell word: as it is when it holds only safe characters, else in single quotes. */
    public static String shellQuote(String s) {
        return s.matches("[A-Za-z0-9_./:=@%+,-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
