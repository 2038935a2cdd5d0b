package org.layerwise.reproduce;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.layerwise.config.ConfigException;

/**
 * How large a reproduction is: {@code quick} (minutes on a laptop's 2 cores, offline data), {@code full}
 * (hours on a workstation or a cluster, offline data) or {@code paper} (the papers' own settings: GPU
 * scale, the CIFAR-10 files the user supplies).
 */
public enum Scale {
    QUICK("≤ 30 minutes on 2 cores, offline data (Fashion-MNIST, synthetic)"),
    FULL("hours on a workstation or a Slurm cluster, offline data"),
    PAPER("the papers' own settings: GPU scale, CIFAR-10 binary files given with --data-path");

    private final String description;

    Scale(String description) {
        this.description = description;
    }

    /** What the scale costs and needs, in one line. */
    public String description() {
        return description;
    }

    /** The name on the command line ("quick"). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a command-line value; a ConfigException naming the key and the allowed values otherwise. */
    public static Scale parse(String raw) {
        for (Scale s : values()) {
            if (s.id().equals(raw)) {
                return s;
            }
        }
        throw new ConfigException("scale: unknown value '" + ConfigException.quote(String.valueOf(raw)) + "'; allowed: one of "
                + Arrays.stream(values()).map(Scale::id).collect(Collectors.joining(", ")));
    }
}
