package org.layerwise.study;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * How a result was made (after Tribuo): the configuration sets the parameters; the provenance is
 * the configuration plus what the run gathered: versions, git commit, machine, threads, times.
 * The version comes from the build (a filtered resource); the git commit is the project's own
 * (found from the launcher's {@code layerwise.home}, else from where the classes were loaded), not
 * that of the folder the command was started in.
 */
public final class Provenance {
    private Provenance() {
    }

    /** The project version as Maven built it. */
    public static String version() {
        try (InputStream in = Provenance.class.getResourceAsStream("/org/layerwise/version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** "0.x.y (git 1a2b3c4d, modified)": the version and the commit of the checkout it runs from, when known. */
    public static String versionLine() {
        Path home = projectHome();
        String commit = home == null ? null : git(home, "rev-parse", "--short=12", "HEAD");
        if (commit == null) {
            return version() + " (git commit unknown)";
        }
        String dirty = git(home, "status", "--porcelain", "--untracked-files=no");
        return version() + " (git " + commit + (dirty != null && !dirty.isEmpty() ? ", with uncommitted changes" : "") + ")";
    }

    public static Map<String, Object> gather(List<String> commandLine) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("layerwise_version", version());
        Path home = projectHome();
        p.put("layerwise_home", home == null ? null : home.toString());
        String commit = home == null ? null : git(home, "rev-parse", "HEAD");
        p.put("git_commit", commit);
        String dirty = commit == null ? null : git(home, "status", "--porcelain", "--untracked-files=no");
        p.put("git_dirty", dirty == null ? null : !dirty.isEmpty());
        p.put("java_version", System.getProperty("java.version"));
        p.put("java_vendor", System.getProperty("java.vendor"));
        p.put("java_vm", System.getProperty("java.vm.name"));
        p.put("vector_species", jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.toString());
        p.put("cpu_flags", cpuFlags());
        p.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        try {
            p.put("host", InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            p.put("host", null);
        }
        p.put("cpus", Runtime.getRuntime().availableProcessors());
        p.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
        p.put("command_line", commandLine);
        p.put("working_directory", Path.of("").toAbsolutePath().toString());
        p.put("started", Instant.now().toString());
        return p;
    }

    /** The SIMD flags that decide the vector species (avx2, avx512f ...), from /proc/cpuinfo where there is one. */
    static List<String> cpuFlags() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) {
                    return java.util.Arrays.stream(line.substring(line.indexOf(':') + 1).trim().split("\\s+"))
                            .filter(f -> f.equals("avx") || f.equals("avx2") || f.equals("fma") || f.startsWith("avx512"))
                            .sorted().toList();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the vector species still says what the kernel used
        }
        return List.of();
    }

    /** The layerwise checkout this code runs from, or null. */
    static Path projectHome() {
        String h = System.getProperty("layerwise.home");
        if (h != null && !h.isBlank()) {
            return Path.of(h);
        }
        try {
            Path p = Path.of(Provenance.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path q = p; q != null; q = q.getParent()) {
                if (Files.exists(q.resolve(".git"))) {
                    return q;
                }
            }
        } catch (Exception e) {
            // no code source (unusual class loader): provenance says null
        }
        return null;
    }

    /** git output in {@code dir}, or null outside a repository or without git. */
    static String git(Path dir, String... args) {
        try {
            String[] cmd = new String[args.length + 3];
            cmd[0] = "git";
            cmd[1] = "-C";
            cmd[2] = dir.toString();
            System.arraycopy(args, 0, cmd, 3, args.length);
            Process pr = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!pr.waitFor(5, TimeUnit.SECONDS) || pr.exitValue() != 0) {
                return null;
            }
            return out;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
