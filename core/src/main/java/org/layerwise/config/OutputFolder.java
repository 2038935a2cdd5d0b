package org.layerwise.config;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** Checks an output folder setting ({@code --out}) before any work starts. */
public final class OutputFolder {
    private OutputFolder() {
    }

    /** {@link #check(String, String)} for the key {@code out}. */
    public static Path check(String raw) {
        return check("out", raw);
    }

    /**
     * The folder {@code raw} names, which may exist (as a folder) or not yet. Rejected with one line
     * naming {@code key}: null, empty or blank text; a value that is no valid path; an existing regular
     * file or other non-folder; a path below an existing file (it could never be created); an existing
     * folder, or the nearest existing parent of a new one, that is not writable.
     */
    public static Path check(String key, String raw) {
        String example = "; give a folder, e.g. --" + key + " runs/my-study";
        if (raw == null || raw.isEmpty()) {
            throw new ConfigException(key + ": empty output folder" + example);
        }
        if (raw.isBlank()) {
            throw new ConfigException(key + ": blank output folder '" + ConfigException.quote(raw) + "'" + example);
        }
        String shown = "'" + ConfigException.quote(raw) + "'";
        Path p;
        try {
            p = Path.of(raw);
        } catch (InvalidPathException e) {
            throw new ConfigException(key + ": " + shown + " is not a valid folder path (" + e.getReason() + ")" + example);
        }
        if (Files.isRegularFile(p)) {
            throw new ConfigException(key + ": " + shown + " is an existing file, not a folder; choose a new or existing folder");
        }
        if (Files.exists(p) && !Files.isDirectory(p)) {
            throw new ConfigException(key + ": " + shown + " exists and is not a folder; choose a new or existing folder");
        }
        if (Files.isDirectory(p)) {
            if (!Files.isWritable(p)) {
                throw new ConfigException(key + ": folder " + shown + " is not writable; choose another folder or fix its permissions");
            }
            return p;
        }
        for (Path a = p.toAbsolutePath().getParent(); a != null; a = a.getParent()) {
            if (Files.isDirectory(a)) {
                if (!Files.isWritable(a)) {
                    throw new ConfigException(key + ": cannot create " + shown + ": folder '" + ConfigException.quote(a.toString())
                            + "' is not writable; choose another folder");
                }
                break;
            }
            if (Files.exists(a)) {
                throw new ConfigException(key + ": cannot create " + shown + ": '" + ConfigException.quote(a.toString())
                        + "' is a file, not a folder; choose another folder");
            }
        }
        return p;
    }
}
