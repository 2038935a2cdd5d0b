package org.layerwise.study;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.layerwise.io.EnvironmentException;
import org.layerwise.io.IoErrors;

/**
 * One process per study folder. The lock is an OS file lock on {@code .layerwise.lock} (fcntl on
 * Linux), which the kernel releases when its process dies, so a lock left by a killed process is
 * simply free again: no PID guessing. The file's content says who holds it (PID, host, start,
 * command line), so a second process can name the holder; when it takes over from a dead one it says so.
 */
public final class FolderLock implements AutoCloseable {
    public static final String FILE = ".layerwise.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private FolderLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the folder's lock (creating the folder). If another process holds it: with {@code wait},
     * waits for it (saying so once on {@code log}); without, throws an {@link EnvironmentException}
     * naming the holder.
     */
    public static FolderLock acquire(Path dir, boolean wait, String command, PrintStream log) {
        Path file = dir.resolve(FILE);
        FileChannel ch;
        try {
            Files.createDirectories(dir);
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new EnvironmentException("cannot use " + dir + " as the output folder: " + IoErrors.describe(e), e);
        }
        boolean announced = false;
        try {
            while (true) {
                FileLock l = Locks.tryLock(ch, false);
                if (l != null) {
                    String previous = Locks.read(ch);
                    if (!previous.isBlank() && !previous.contains("\"released\"")) {
                        log.println("note: took over the lock of " + dir + " left by " + Locks.holder(previous) + ", which is no longer running");
                    }
                    write(ch, command, false);
                    return new FolderLock(ch, l);
                }
                String h = Locks.holder(Locks.read(ch));
                if (!wait) {
                    ch.close();
                    throw new EnvironmentException("the study folder " + dir + " is in use by " + h
                            + "; wait for it to finish, pass --wait to wait for it, or choose another --out");
                }
                if (!announced) {
                    log.println("waiting for " + h + " to release " + dir + " ...");
                    announced = true;
                }
                Thread.sleep(500);
            }
        } catch (IOException e) {
            throw new EnvironmentException("cannot lock " + file + ": " + IoErrors.describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EnvironmentException("interrupted while waiting for the lock of " + dir, e);
        }
    }

    /** The holder's description, flushed to disk so it outlives a crash of this machine. */
    private static void write(FileChannel ch, String command, boolean released) throws IOException {
        Locks.write(ch, command, released);
        ch.force(false);
    }

    @Override
    public void close() {
        try {
            write(channel, "", true);
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the OS releases the lock when the channel or process goes away
        }
    }
}
