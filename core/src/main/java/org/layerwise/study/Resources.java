package org.layerwise.study;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.layerwise.io.EnvironmentException;

/**
 * Memory and disk before anything is written: the estimate of a study's runs printed, and a refusal
 * when one run cannot fit the Java heap or the runs cannot fit the disk.
 */
public final class Resources {
    private Resources() {
    }

    /** Refuses before anything is written when one run cannot fit the heap or the runs cannot fit the disk. */
    static void check(Map<String, Study.Footprint> footprints, Path dir, PrintStream log) {
        long heap = usableHeap();
        long maxHeap = 0;
        String maxId = null;
        long disk = 0;
        for (var e : footprints.entrySet()) {
            if (e.getValue().heapBytes() > maxHeap) {
                maxHeap = e.getValue().heapBytes();
                maxId = e.getKey();
            }
            disk += e.getValue().diskBytes();
        }
        long free = freeSpace(dir);
        log.printf("estimate: %d run(s); at most %s of heap per run (usable heap %s); at most %s on disk (%s free)%n",
                footprints.size(), bytes(maxHeap), bytes(heap), bytes(disk), free < 0 ? "unknown" : bytes(free));
        footprints.values().stream().map(Study.Footprint::note).filter(n -> !n.isEmpty()).distinct().forEach(n -> log.println("  " + n));
        if (maxHeap > heap) {
            throw new EnvironmentException(String.format("memory: run %s needs about %s of Java heap, but only %s is usable"
                    + " (the launcher gives Java 75%% of RAM; set LAYERWISE_HEAP, e.g. LAYERWISE_HEAP=20g, or lower the depth, width or batch size)",
                    maxId, bytes(maxHeap), bytes(heap)));
        }
        if (free >= 0 && disk > free) {
            throw new EnvironmentException(String.format("disk: the runs need up to %s in %s but only %s is free; free space or choose another --out",
                    bytes(disk), dir, bytes(free)));
        }
    }

    /** The heap a run may plan to hold: 85 % of the most the JVM may take. */
    public static long usableHeap() {
        return (long) (0.85 * Runtime.getRuntime().maxMemory());
    }

    private static long freeSpace(Path dir) {
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                try {
                    return Files.getFileStore(p).getUsableSpace();
                } catch (IOException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** "512 B", "3.5 MiB", "12 GiB". */
    public static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        String[] u = {"KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int i = -1;
        while (v >= 1024 && i < u.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(v < 10 ? "%.1f %s" : "%.0f %s", v, u[i]);
    }
}
