package org.layerwise.study;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The files a study's analysis writes into its folder. The summary, the report and the plots folder
 * are what the framework, a sweep and a reproduction read or link (under the shared names unless the
 * study names its own); {@code own} lists the study's other files, each with what it holds, for the
 * provenance of its report.
 *
 * @param summary the summary's file name
 * @param report  the report page's file name
 * @param plots   the folder of the report's figures
 * @param own     the study's other files (name → what it holds), in the order a reader should meet them
 */
public record StudyFiles(String summary, String report, String plots, Map<String, String> own) {
    public static final String SUMMARY = "summary.json";
    public static final String REPORT = "report.html";
    public static final String PLOTS = "plots";
    /** The shared names and no file of the study's own. */
    public static final StudyFiles STANDARD = standard();

    public StudyFiles {
        own = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(own));
    }

    /** The shared names, with the study's own files beside them: name, what it holds, name, what it holds ... */
    public static StudyFiles standard(String... own) {
        if (own.length % 2 != 0) {
            throw new IllegalArgumentException("own files come in pairs: name, what it holds");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < own.length; i += 2) {
            m.put(own[i], own[i + 1]);
        }
        return new StudyFiles(SUMMARY, REPORT, PLOTS, m);
    }

    public Path summary(Path folder) {
        return folder.resolve(summary);
    }

    public Path report(Path folder) {
        return folder.resolve(report);
    }

    public Path plots(Path folder) {
        return folder.resolve(plots);
    }
}
