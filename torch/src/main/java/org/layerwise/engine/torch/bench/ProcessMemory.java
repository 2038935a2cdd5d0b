package org.layerwise.engine.torch.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's resident memory from {@code /proc/self/status} (Linux): the current resident set
 * (VmRSS) and its peak so far (VmHWM), which count the Java heap, the JVM and libtorch's native
 * memory together. -1 where the file or the field is missing (not Linux).
 */
final class ProcessMemory {
    private ProcessMemory() {
    }

    /** Current resident set size in KiB (VmRSS), or -1. */
    static long rssKib() {
        return field("VmRSS:");
    }

    /** Peak resident set size in KiB since the process started (VmHWM), or -1. */
    static long peakRssKib() {
        return field("VmHWM:");
    }

    private static long field(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) {
                    String[] parts = line.substring(name.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Minor page faults of this process so far (field 10 of /proc/self/stat), or -1. */
    static long minorFaults() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[7]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** KiB as MiB with one decimal, or "n/a". */
    static String mib(long kib) {
        return kib < 0 ? "n/a" : String.format(java.util.Locale.ROOT, "%.1f MiB", kib / 1024.0);
    }
}
