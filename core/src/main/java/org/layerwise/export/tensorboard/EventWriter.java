package org.layerwise.export.tensorboard;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.layerwise.io.AtomicFiles;
import org.layerwise.io.IoErrors;
import org.tensorflow.framework.HistogramProto;
import org.tensorflow.framework.Summary;
import org.tensorflow.framework.SummaryMetadata;
import org.tensorflow.util.Event;

/**
 * Writes one TensorBoard event file: TFRecord records ({@link TfRecord}) of {@code tensorboard.Event}
 * messages, the first with {@code file_version = "brain.Event:2"}, then one event per value:
 * a scalar as {@code Summary.Value.simple_value} (a float32, the classic form TensorBoard reads), a
 * histogram as {@code Summary.Value.histo} ({@link Histograms}). Numbers that are not finite are left
 * out (in a study folder they stand for a number that does not exist). The first value of a tag carries its
 * description ({@code SummaryMetadata.summary_description}), which TensorBoard shows beside the chart.
 * Every event has the same wall time, the writer's: exported numbers carry no clock of their own.
 */
public final class EventWriter {
    /** What the first record of every event file says. */
    public static final String FILE_VERSION = "brain.Event:2";
    /** How every event file's name starts ({@code events.out.tfevents.<unix seconds>.<host>}). */
    public static final String PREFIX = "events.out.tfevents.";

    private final OutputStream out;
    private final double wallTime;
    private final Map<String, String> descriptions = new HashMap<>();
    private final Set<String> described = new HashSet<>();

    /** Starts an event file on {@code out}: writes the file-version event. */
    public EventWriter(OutputStream out, double wallTime) throws IOException {
        this.out = out;
        this.wallTime = wallTime;
        write(Event.newBuilder().setWallTime(wallTime).setFileVersion(FILE_VERSION).build());
    }

    /** The description the first value of {@code tag} carries. */
    public void describe(String tag, String description) {
        descriptions.put(tag, description);
    }

    /**
     * One scalar at a step, stored as float32 (simple_value); a value that is not finite (a number the
     * folder does not have) is left out and false returned.
     */
    public boolean scalar(String tag, long step, double value) throws IOException {
        if (!Double.isFinite(value)) {
            return false;
        }
        value(step, value(tag).setSimpleValue((float) value));
        return true;
    }

    /** A scalar with its interval: {@code tag}, {@code tag/lower} and {@code tag/upper}, each left out when not finite. */
    public void interval(String tag, long step, double value, double lower, double upper) throws IOException {
        scalar(tag, step, value);
        scalar(tag + "/lower", step, lower);
        scalar(tag + "/upper", step, upper);
    }

    /** The histogram of the finite values at a step; returns false (and writes nothing) when no value is finite. */
    public boolean histogram(String tag, long step, double[] values) throws IOException {
        HistogramProto h = Histograms.of(values);
        if (h == null) {
            return false;
        }
        value(step, value(tag).setHisto(h));
        return true;
    }

    private Summary.Value.Builder value(String tag) {
        Summary.Value.Builder v = Summary.Value.newBuilder().setTag(tag);
        if (described.add(tag) && descriptions.containsKey(tag)) {
            v.setMetadata(SummaryMetadata.newBuilder().setSummaryDescription(descriptions.get(tag)));
        }
        return v;
    }

    private void value(long step, Summary.Value.Builder v) throws IOException {
        write(Event.newBuilder().setWallTime(wallTime).setStep(step).setSummary(Summary.newBuilder().addValue(v)).build());
    }

    private void write(Event e) throws IOException {
        TfRecord.write(out, e.toByteArray());
    }

    /** What fills one event file. */
    @FunctionalInterface
    public interface Body {
        void write(EventWriter events) throws IOException;
    }

    /**
     * Writes the event file of one TensorBoard run into {@code dir} (created if needed), named
     * {@code events.out.tfevents.<wall time in seconds>.<host>}, atomically (TensorBoard never reads a
     * half-written file), after deleting the event files already there: an export replaces the earlier
     * one, so no step shows twice. Returns the file.
     */
    public static Path writeFile(Path dir, double wallTime, Body body) {
        try {
            Files.createDirectories(dir);
            try (DirectoryStream<Path> old = Files.newDirectoryStream(dir, PREFIX + "*")) {
                for (Path p : old) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare " + dir + ": " + IoErrors.describe(e), e);
        }
        Path file = dir.resolve(PREFIX + (long) Math.floor(wallTime) + "." + Host.NAME);
        AtomicFiles.write(file, out -> body.write(new EventWriter(out, wallTime)));
        return file;
    }

    /** The last-modified time of a file in seconds since 1970, the wall time of events exported from it. */
    public static double wallTimeOf(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis() / 1000.0;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + ": " + IoErrors.describe(e), e);
        }
    }

    /** This machine's name, as TensorFlow's writers put it in the file name ("localhost" when it has none); looked up once. */
    private static final class Host {
        static final String NAME = lookUp();

        private static String lookUp() {
            String h;
            try {
                h = InetAddress.getLocalHost().getHostName();
            } catch (IOException | RuntimeException e) {
                h = "localhost";
            }
            h = h.replaceAll("[^A-Za-z0-9._-]", "_");
            return h.isEmpty() ? "localhost" : h;
        }
    }
}
