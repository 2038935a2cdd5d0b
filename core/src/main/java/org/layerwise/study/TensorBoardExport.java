package org.layerwise.study;

import java.nio.file.Path;
import java.util.List;

/**
 * A study's mapping of its folder to TensorBoard event files
 * ({@link org.layerwise.export.tensorboard.EventWriter}): which numbers become scalars and which
 * per-layer rows become histograms, under which tags and steps. It reads the folder alone, as
 * {@link Study#analyse} does, and writes only under {@code out}: one subfolder per TensorBoard run.
 */
public interface TensorBoardExport {
    /**
     * Writes the event files of the folder's complete runs ({@code runs.complete()}) under {@code out}
     * and returns them.
     */
    List<Path> write(StudyConfig config, StudyFolder folder, StudyFolder.Scan runs, Path out);

    /** What it writes: TensorBoard runs, tags and steps, a few lines of 100 characters at most, for the help of {@code layerwise export}. */
    String description();
}
