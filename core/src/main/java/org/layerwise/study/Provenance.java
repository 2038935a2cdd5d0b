package org.layerwise.study;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * How a result was made (after Tribuo): the configuration sets the parameters; the provenance is
 * the configuration plus what the run gathered: versions, git commit, machine, threads, times.
 */
public final class Provenance {
    public static final String VERSION = "0.1.0-SNAPSHOT";

    private Provenance() {
    }

    public static Map<String, Object> gather(List<String> commandLine) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("layerwise_version", VERSION);
        p.put("git_commit", git("rev-parse", "HEAD"));
        String dirty = git("status", "--porcelain", "--untracked-files=no");
        p.put("git_dirty", dirty == null ? null : !dirty.isEmpty());
        p.put("java_version", System.getProperty("java.version"));
        p.put("java_vendor", System.getProperty("java.vendor"));
        p.put("java_vm", System.getProperty("java.vm.name"));
        p.put("vector_species", jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.toString());
        p.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        try {
            p.put("host", InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            p.put("host", null);
        }
        p.put("cpus", Runtime.getRuntime().availableProcessors());
        p.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
        p.put("command_line", commandLine);
        p.put("started", Instant.now().toString());
        return p;
    }

    /** git output in the working directory, or null outside a repository or without git. */
    static String git(String... args) {
        try {
            String[] cmd = new String[args.length + 1];
            cmd[0] = "git";
            System.arraycopy(args, 0, cmd, 1, args.length);
            Process pr = new ProcessBuilder(cmd).redirectErrorStream(false).start();
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
