package org.layerwise.study;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.layerwise.io.EnvironmentException;
import org.layerwise.io.IoErrors;
import org.layerwise.io.Json;

/**
 * The locks that let many processes (a local executor, Slurm tasks on several nodes) train the runs
 * of one study folder at once without ever training a run twice:
 * <ul>
 *   <li>a <b>run lock</b> per run, exclusive, on {@code STUDY/.locks/RUN-FOLDER.lock} (outside the run
 *       folder, whose files are checksummed and cleared on a redo): whoever holds it trains the run,
 *       after checking that it is not complete;</li>
 *   <li>a <b>shared study lock</b> on the study folder's {@link FolderLock#FILE}, held by every process
 *       that trains single runs; {@link FolderLock} takes the same file exclusively (a whole-study run,
 *       a report), so the two kinds exclude each other while processes of the first kind coexist.</li>
 * </ul>
 * All are OS file locks (fcntl on Linux, also over NFS with a lock manager), released by the kernel
 * when a process dies, so a killed task leaves nothing to clean up. Within one JVM, Java refuses a
 * second lock on a file this JVM holds; such a lock counts as held by someone else, and shared locks
 * are counted per JVM.
 */
public final class Locks {
    /** Folder (inside a study folder) that holds the run locks. */
    public static final String RUN_LOCKS = ".locks";
    private static final Map<Path, SharedHolder> SHARED = new HashMap<>();

    private Locks() {
    }

    /** A held lock; closing it releases it. */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /** The lock file of a run (by its folder relative to the study folder). */
    public static Path runLockFile(Path studyDir, String runFolder) {
        return studyDir.resolve(RUN_LOCKS).resolve(runFolder + ".lock");
    }

    /**
     * Takes an exclusive lock on {@code file}. Returns null when another holder has it and {@code wait}
     * is false; with {@code wait}, waits (saying once on {@code log} whom for).
     */
    public static Held exclusive(Path file, boolean wait, String command, PrintStream log) {
        FileChannel ch = open(file);
        boolean announced = false;
        try {
            while (true) {
                FileLock l = tryLock(ch, false);
                if (l != null) {
                    write(ch, command, false);
                    return () -> release(ch, l);
                }
                if (!wait) {
                    ch.close();
                    return null;
                }
                if (!announced) {
                    log.println("waiting for " + holder(read(ch)) + " to finish " + file.getParent().getFileName() + "/"
                            + file.getFileName().toString().replaceFirst("\\.lock$", "") + " ...");
                    announced = true;
                }
                Thread.sleep(250);
            }
        } catch (IOException e) {
            closeQuietly(ch);
            throw new EnvironmentException("cannot lock " + file + ": " + IoErrors.describe(e), e);
        } catch (InterruptedException e) {
            closeQuietly(ch);
            Thread.currentThread().interrupt();
            throw new EnvironmentException("interrupted while waiting for the lock " + file, e);
        }
    }

    /**
     * Takes the study folder's lock in shared mode (creating the folder). If a process holds it
     * exclusively (a whole-study run, a report): waits with {@code wait}, else throws an
     * {@link EnvironmentException} naming the holder.
     */
    public static Held shared(Path studyDir, boolean wait, String command, PrintStream log) {
        Path file;
        try {
            Files.createDirectories(studyDir);
            file = studyDir.toRealPath().resolve(FolderLock.FILE);
        } catch (IOException e) {
            throw new EnvironmentException("cannot use " + studyDir + " as a study folder: " + IoErrors.describe(e), e);
        }
        synchronized (SHARED) {
            SharedHolder h = SHARED.get(file);
            if (h != null) {
                h.count++;
                return () -> releaseShared(file);
            }
        }
        FileChannel ch = open(file);
        boolean announced = false;
        try {
            while (true) {
                FileLock l;
                synchronized (SHARED) {
                    SharedHolder h = SHARED.get(file); // another thread of this JVM may have taken it meanwhile
                    if (h != null) {
                        h.count++;
                        ch.close();
                        return () -> releaseShared(file);
                    }
                    l = tryLock(ch, true);
                    if (l != null) {
                        write(ch, command, false);
                        SHARED.put(file, new SharedHolder(ch, l));
                        return () -> releaseShared(file);
                    }
                }
                String who = holder(read(ch));
                if (!wait) {
                    ch.close();
                    throw new EnvironmentException("the study folder " + studyDir + " is in use by " + who
                            + "; wait for it to finish, pass --wait to wait for it, or choose another folder");
                }
                if (!announced) {
                    log.println("waiting for " + who + " to release " + studyDir + " ...");
                    announced = true;
                }
                Thread.sleep(500);
            }
        } catch (IOException e) {
            closeQuietly(ch);
            throw new EnvironmentException("cannot lock " + file + ": " + IoErrors.describe(e), e);
        } catch (InterruptedException e) {
            closeQuietly(ch);
            Thread.currentThread().interrupt();
            throw new EnvironmentException("interrupted while waiting for the lock of " + studyDir, e);
        }
    }

    /** Whether some process (this one included) holds a lock on {@code file} now; false when there is no such file. */
    public static boolean isHeld(Path file) {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            FileLock l = tryLock(ch, true);
            if (l == null) {
                return true;
            }
            l.release();
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** Who holds (or last held) the lock on {@code file}, in words; "" when nobody recorded. */
    public static String holderOf(Path file) {
        try {
            return holder(Files.readString(file));
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static final class SharedHolder {
        final FileChannel channel;
        final FileLock lock;
        int count = 1;

        SharedHolder(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }
    }

    private static void releaseShared(Path file) {
        synchronized (SHARED) {
            SharedHolder h = SHARED.get(file);
            if (h == null || --h.count > 0) {
                return;
            }
            SHARED.remove(file);
            try {
                h.lock.release();
                // the last holder anywhere marks the lock released, so an exclusive taker does not report a dead holder
                FileLock x = tryLock(h.channel, false);
                if (x != null) {
                    write(h.channel, "", true);
                    x.release();
                }
            } catch (IOException e) {
                // the OS releases the lock when the channel closes
            } finally {
                closeQuietly(h.channel);
            }
        }
    }

    private static FileChannel open(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new EnvironmentException("cannot create the lock " + file + ": " + IoErrors.describe(e), e);
        }
    }

    static FileLock tryLock(FileChannel ch, boolean shared) throws IOException {
        try {
            return ch.tryLock(0, Long.MAX_VALUE, shared);
        } catch (OverlappingFileLockException e) {
            return null; // held by this very JVM through another channel
        }
    }

    private static void release(FileChannel ch, FileLock l) {
        try {
            write(ch, "", true);
            l.release();
        } catch (IOException e) {
            // the OS releases the lock when the channel closes
        } finally {
            closeQuietly(ch);
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }

    /** The lock file's text: who holds or last held it (FolderLock shares these helpers). */
    static String read(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(ch.size(), 1 << 16));
        ch.read(b, 0);
        return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
    }

    static void write(FileChannel ch, String command, boolean released) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pid", ProcessHandle.current().pid());
        m.put("host", host());
        m.put("started", Instant.now().toString());
        m.put("command", command);
        if (released) {
            m.put("released", true);
        }
        byte[] b = Json.toString(m).getBytes(StandardCharsets.UTF_8);
        ch.truncate(0);
        ch.write(ByteBuffer.wrap(b), 0);
    }

    /** This machine's name, as the JVM sees it. */
    public static String host() {
        return ManagementFactory.getRuntimeMXBean().getName().replaceFirst("^\\d+@", "");
    }

    static String holder(String text) {
        try {
            JsonNode n = Json.MAPPER.readTree(text);
            if (n == null || n.path("released").asBoolean(false)) {
                return "another process";
            }
            return "process " + n.path("pid").asText("?") + " on " + n.path("host").asText("?") + " (started "
                    + n.path("started").asText("?") + (n.path("command").asText("").isEmpty() ? "" : ": " + n.path("command").asText()) + ")";
        } catch (IOException | RuntimeException e) {
            return "another process";
        }
    }
}
