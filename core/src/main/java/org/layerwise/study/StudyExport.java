package org.layerwise.study;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.layerwise.config.ConfigException;
import org.layerwise.config.OutputFolder;
import org.layerwise.io.EnvironmentException;

/**
 * TensorBoard event files of an existing study folder ({@code layerwise export tensorboard}), from the
 * folder alone: the study and its settings from config.json, the complete runs, then the study's
 * {@link TensorBoardExport}. It reads the folder and takes no lock, so a study that is still training
 * can be exported (its finished runs); it writes only under {@code out}.
 */
public final class StudyExport {
    /** Where the event files go when no folder is named: {@code tensorboard/} inside the study folder. */
    public static final String DEFAULT_FOLDER = "tensorboard";

    private StudyExport() {
    }

    /** The event files written, and how many runs they describe. */
    public record Result(Study study, List<Path> files, int runs) {
    }

    /**
     * Exports the study folder {@code dir} under the folder {@code rawOut} names (null: {@link #DEFAULT_FOLDER} in
     * the study folder); a folder that is no exportable study is one line (ConfigException), checked before the output folder.
     */
    public static Result tensorBoard(Path dir, String rawOut, PrintStream log) {
        StudyFolder folder = new StudyFolder(dir);
        if (!Files.isDirectory(dir)) {
            throw new ConfigException(dir + " is not a study folder: " + (Files.exists(dir) ? "it is a file" : "there is no such folder")
                    + "; expected the --out folder of " + exporters());
        }
        if (!folder.hasConfig()) {
            throw new ConfigException(dir + " is not a study folder: it has no " + StudyFolder.CONFIG + "; expected the --out folder of "
                    + exporters());
        }
        StudyFolder.Saved saved = folder.readConfig();
        Study study = StudyRegistry.get(saved.study());
        TensorBoardExport export = study.tensorBoard();
        if (export == null) {
            throw new ConfigException(dir + " holds a '" + study.name() + "' study, which has nothing for TensorBoard; expected the --out folder of "
                    + exporters());
        }
        Path out = OutputFolder.check("out", rawOut == null ? dir.resolve(DEFAULT_FOLDER).toString() : rawOut);
        StudyConfig config = StudyConfigs.fromSaved(study, saved.settings(), folder.file(StudyFolder.CONFIG));
        StudyFolder.Scan scan = folder.scan(study.plan(config));
        if (scan.complete().isEmpty()) {
            throw new EnvironmentException("no finished run in " + dir + " (" + scan.planned().size() + " planned); nothing to export yet");
        }
        if (scan.complete().size() < scan.planned().size()) {
            log.println("exporting " + scan.coverage() + " (the others are not finished or are damaged)");
        }
        List<Path> files = export.write(config, folder, scan, out);
        log.println("tensorboard: " + files.size() + " event file(s) for " + scan.complete().size() + " run(s) in " + out.toAbsolutePath()
                + "; view with: tensorboard --logdir " + out.toAbsolutePath());
        return new Result(study, files, scan.complete().size());
    }

    /** Every study that exports, what it writes (studies that write the same are listed together), for the help of {@code layerwise export}. */
    public static String describeExporters() {
        Map<String, List<String>> byText = new LinkedHashMap<>();
        for (Study s : StudyRegistry.all().values()) {
            if (s.tensorBoard() != null) {
                byText.computeIfAbsent(s.tensorBoard().description(), k -> new ArrayList<>()).add("layerwise " + String.join(" ", s.command()));
            }
        }
        StringBuilder sb = new StringBuilder();
        byText.forEach((text, commands) -> {
            sb.append("  ").append(String.join(", ", commands)).append(":\n");
            for (String line : text.split("\n")) {
                sb.append("      ").append(line).append('\n');
            }
        });
        return sb.toString();
    }

    /** The commands of the studies that export: "layerwise a, layerwise b x or ...". */
    static String exporters() {
        List<String> c = StudyRegistry.all().values().stream().filter(s -> s.tensorBoard() != null)
                .map(s -> "layerwise " + String.join(" ", s.command())).toList();
        if (c.isEmpty()) {
            return "a study (no registered study exports to TensorBoard)";
        }
        return c.size() == 1 ? c.get(0) : c.subList(0, c.size() - 1).stream().collect(Collectors.joining(", ")) + " or " + c.get(c.size() - 1);
    }
}
