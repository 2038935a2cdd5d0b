package org.layerwise.data.image;

import java.nio.file.Path;
import org.layerwise.util.Rng;

/** Samples of an {@link ImageNetFolder}, decoded on demand and transformed by an {@link ImageNetTransform}. */
public final class ImageNetSource implements SampleSource {
    private final ImageNetFolder folder;
    private final ImageNetTransform transform;
    private final Normalization norm;

    public ImageNetSource(ImageNetFolder folder, ImageNetTransform transform, Normalization norm) {
        if (norm.channels() != 3) {
            throw new IllegalArgumentException("ImageNet images have 3 channels, normalization " + norm.name() + " has " + norm.channels());
        }
        this.folder = folder;
        this.transform = transform;
        this.norm = norm;
    }

    /** {@code root/train} with RandomResizedCrop(224) + flip and the ImageNet constants. */
    public static ImageNetSource train(Path root) {
        return new ImageNetSource(ImageNetFolder.open(root, Split.TRAIN), ImageNetTransform.train(), Normalization.IMAGENET);
    }

    /** {@code root/val} with Resize(256) + CenterCrop(224) and the ImageNet constants. */
    public static ImageNetSource eval(Path root) {
        return new ImageNetSource(ImageNetFolder.open(root, Split.TEST), ImageNetTransform.eval(), Normalization.IMAGENET);
    }

    public ImageNetFolder folder() {
        return folder;
    }

    public ImageNetTransform transform() {
        return transform;
    }

    @Override
    public String name() {
        return "imagenet-" + ImageNetFolder.folderName(folder.split());
    }

    @Override
    public int size() {
        return folder.size();
    }

    @Override
    public int channels() {
        return 3;
    }

    @Override
    public int height() {
        return transform.size();
    }

    @Override
    public int width() {
        return transform.size();
    }

    @Override
    public int numClasses() {
        return folder.classes().size();
    }

    @Override
    public int label(int index) {
        return folder.label(index);
    }

    @Override
    public void write(int index, Rng rng, float[] out, int offset) {
        transform.apply(folder.decode(index), rng, norm, out, offset);
    }
}
