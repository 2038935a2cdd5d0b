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

/** The layout shows the architecture: no import cycle between packages, and no native code in core. */
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
