package org.layerwise.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Turns an I/O exception into the few words a user needs (Java's messages are often just the path). */
public final class IoErrors {
    private IoErrors() {
    }

    public static String describe(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied" + where(e);
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or folder" + where(e);
        }
        if (e instanceof NotDirectoryException) {
            return "not a folder" + where(e);
        }
        if (e instanceof FileAlreadyExistsException) {
            return "already exists" + where(e);
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason() + where(e); // e.g. "No space left on device", "Read-only file system"
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static String where(IOException e) {
        if (e instanceof FileSystemException f && f.getFile() != null) {
            return " (" + f.getFile() + ")";
        }
        return "";
    }
}
