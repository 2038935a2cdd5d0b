package org.layerwise.engine.torch.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The machine a benchmark ran on, in one line, from /proc (Linux; "unknown" elsewhere). */
final class Machine {
    private Machine() {
    }

    /** CPU model, logical CPUs, and the AVX flags the kernels can use. */
    static String describe() {
        String model = "unknown CPU";
        Set<String> avx = new TreeSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name") && model.equals("unknown CPU")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                } else if (line.startsWith("flags")) {
                    for (String f : line.substring(line.indexOf(':') + 1).trim().split("\\s+")) {
                        if (f.equals("avx") || f.equals("avx2") || f.equals("fma") || f.startsWith("avx512")) {
                            avx.add(f);
                        }
                    }
                }
            }
        } catch (IOException e) {
            // not Linux: the model stays unknown
        }
        List<String> flags = new ArrayList<>(avx);
        return model + ", " + Runtime.getRuntime().availableProcessors() + " CPUs, " + (flags.isEmpty() ? "no AVX flags" : String.join(" ", flags));
    }

    /** The 1, 5 and 15 minute load averages (/proc/loadavg), or "unknown". */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
