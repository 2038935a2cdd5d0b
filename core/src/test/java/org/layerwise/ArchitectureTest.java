package org.layerwise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The layout shows the architecture: no import cycle between packages, no native code in core, and no study named where every study is served alike. */
class ArchitectureTest {
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?(org\\.layerwise(?:\\.[a-z0-9]+)*)\\.[A-Z]", Pattern.MULTILINE);
    private static final Pattern PACKAGE = Pattern.compile("^package (org\\.layerwise[a-z0-9.]*);", Pattern.MULTILINE);

    static Map<String, Set<String>> graph(Path root) throws IOException {
        Map<String, Set<String>> g = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String src = code(Files.readString(f));
                Matcher pm = PACKAGE.matcher(src);
                if (!pm.find()) {
                    continue;
                }
                String pkg = pm.group(1);
                Set<String> deps = g.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = IMPORT.matcher(src);
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        deps.add(m.group(1));
                    }
                }
                // fully qualified references in code count too
                Matcher q = Pattern.compile("(org\\.layerwise(?:\\.[a-z0-9]+)+)\\.[A-Z]").matcher(src.replaceAll("(?m)^(package|import) .*$", ""));
                while (q.find()) {
                    if (!q.group(1).equals(pkg)) {
                        deps.add(q.group(1));
                    }
                }
            }
        }
        return g;
    }

    /** The source without comments (a javadoc may name any class). */
    static String code(String src) {
        return src.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
    }

    @Test
    void noImportCycleBetweenPackages() throws IOException {
        Map<String, Set<String>> g = graph(Path.of("src/main/java"));
        assertTrue(g.size() > 15, "found " + g.keySet());
        List<String> cycles = new ArrayList<>();
        for (String a : g.keySet()) {
            for (String b : g.get(a)) {
                if (reaches(g, b, a, new TreeSet<>())) {
                    cycles.add(a + " -> " + b + " -> ... -> " + a);
                }
            }
        }
        assertEquals(List.of(), cycles);
    }

    /**
     * The study contract is generic in fact: the code that runs, sweeps and dispatches studies (sweep/,
     * the framework files of study/, the app's cli/) names no study. It imports or qualifies no study's
     * package (org.layerwise.study.scaling ...), and no string literal in it holds a study's name or
     * command word ("scaling", "elr", "elr-train") or a prefix of a name ("elr-"): what differs between
     * studies comes through {@link org.layerwise.study.Study}, so a new study arrives without an edit
     * here. Text blocks are left out: they are help prose, whose examples may name a study.
     */
    @Test
    void frameworkAndCommandLineNameNoStudy() throws IOException {
        Set<String> names = new TreeSet<>();
        Set<String> words = new TreeSet<>();
        for (org.layerwise.study.Study s : org.layerwise.study.StudyRegistry.all().values()) {
            names.add(s.name());
            words.add(s.name());
            words.add(s.command().get(0));
        }
        assertTrue(names.size() >= 2, "studies on the class path: " + names);
        Path cli = Path.of("../app/src/main/java/org/layerwise/cli");
        assertTrue(Files.isDirectory(cli), "the app's command line is at " + cli.toAbsolutePath());
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Stream.concat(Stream.concat(Files.walk(Path.of("src/main/java/org/layerwise/sweep")), Files.walk(cli)),
                Files.list(Path.of("src/main/java/org/layerwise/study")))) {
            s.filter(p -> p.toString().endsWith(".java")).sorted().forEach(files::add);
        }
        assertTrue(files.size() > 20, "found " + files);
        List<String> found = new ArrayList<>();
        Pattern studyPackage = Pattern.compile("org\\.layerwise\\.study\\.[a-z][a-z0-9]*");
        for (Path f : files) {
            JavaSource src = JavaSource.parse(Files.readString(f));
            Matcher m = studyPackage.matcher(src.code());
            while (m.find()) {
                found.add(f + ": refers to the package " + m.group());
            }
            for (String literal : src.literals()) {
                for (String w : literal.split("[^A-Za-z0-9-]+")) {
                    boolean prefix = w.endsWith("-") && w.length() > 1 && names.stream().anyMatch(n -> n.startsWith(w));
                    if (words.contains(w) || prefix) {
                        found.add(f + ": the literal \"" + literal + "\" names the study " + w);
                    }
                }
            }
        }
        assertEquals(List.of(), found, "a study is named where every study is served alike; give it a method of Study instead");
    }

    private static boolean reaches(Map<String, Set<String>> g, String from, String to, Set<String> seen) {
        if (from.equals(to)) {
            return true;
        }
        if (!seen.add(from)) {
            return false;
        }
        for (String n : g.getOrDefault(from, Set.of())) {
            if (reaches(g, n, to, seen)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void coreHasNoNativeCode() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String src = code(Files.readString(f));
                assertTrue(!src.contains("org.bytedeco") && !src.contains("System.loadLibrary") && !src.matches("(?s).*\\bnative\\s+[\\w<>\\[\\]]+\\s+\\w+\\s*\\(.*"),
                        f.toString());
            }
        }
    }
}
