package org.layerwise.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * File checksums for run verification. CRC32C, not a cryptographic hash: it guards against
 * truncation, bit rot and files swapped between runs, not against an adversary, and it is hardware
 * accelerated, so verifying a multi-GiB run folder costs about as much as reading it.
 */
public final class Checksums {
    private Checksums() {
    }

    /** CRC32C of the whole file as 8 lower-case hex digits. */
    public static String crc32c(Path file) {
        CRC32C crc = new CRC32C();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                crc.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + ": " + IoErrors.describe(e), e);
        }
        return String.format("%08x", crc.getValue());
    }
}
