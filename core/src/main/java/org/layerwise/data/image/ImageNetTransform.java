package org.layerwise.data.image;

import org.layerwise.util.Rng;

/**
 * The standard ImageNet transforms of torchvision's reference training script [derived: the usual
 * ResNet pipeline; the paper's text is not available to confirm it], resampling with
 * {@link Resampler} (PIL-style bilinear):
 * <ul>
 *   <li>training: {@code RandomResizedCrop(size, scale=(0.08, 1), ratio=(3/4, 4/3))} then
 *       {@code RandomHorizontalFlip(0.5)};</li>
 *   <li>evaluation: {@code Resize(resize)} (shorter side to {@code resize}, the longer one scaled and
 *       truncated to an integer) then {@code CenterCrop(crop)}.</li>
 * </ul>
 * The output is 3 x size x size normalized floats. Sizes are configurable so tests can use tiny images.
 *
 * <p>Draw order of the training transform (part of the reproducibility contract): up to 10 attempts
 * of {@code scale = rng.uniform(0.08, 1)}, {@code logRatio = rng.uniform(ln 3/4, ln 4/3)}; for the
 * first attempt that fits, {@code top = rng.nextInt(H - h + 1)}, {@code left = rng.nextInt(W - w + 1)};
 * then {@code flip = rng.nextDouble() < 0.5}.
 */
public final class ImageNetTransform {
    /** torchvision's defaults. */
    public static final double SCALE_MIN = 0.08;
    public static final double SCALE_MAX = 1.0;
    public static final double RATIO_MIN = 3.0 / 4.0;
    public static final double RATIO_MAX = 4.0 / 3.0;

    private final boolean train;
    private final int size;
    private final int resize;

    private ImageNetTransform(boolean train, int size, int resize) {
        this.train = train;
        this.size = size;
        this.resize = resize;
    }

    /** RandomResizedCrop(224) + horizontal flip. */
    public static ImageNetTransform train() {
        return train(224);
    }

    /** RandomResizedCrop({@code size}) + horizontal flip. */
    public static ImageNetTransform train(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("crop size must be positive, got " + size);
        }
        return new ImageNetTransform(true, size, 0);
    }

    /** Resize(256) + CenterCrop(224). */
    public static ImageNetTransform eval() {
        return eval(256, 224);
    }

    /** Resize({@code resize}) + CenterCrop({@code crop}), with {@code resize >= crop}. */
    public static ImageNetTransform eval(int resize, int crop) {
        if (crop < 1 || resize < crop) {
            throw new IllegalArgumentException("need 1 <= crop <= resize, got resize " + resize + " and crop " + crop);
        }
        return new ImageNetTransform(false, crop, resize);
    }

    /** Side of the square output. */
    public int size() {
        return size;
    }

    /** Whether this is the random training transform. */
    public boolean isTrain() {
        return train;
    }

    /** A crop box in an image: rows {@code top .. top+height-1}, columns {@code left .. left+width-1}. */
    public record Box(int top, int left, int height, int width) {
    }

    /**
     * torchvision's {@code RandomResizedCrop.get_params}: up to 10 tries of a random area fraction in
     * [scaleMin, scaleMax) and a log-uniform aspect ratio (width / height) in [ratioMin, ratioMax);
     * sides are rounded half-to-even as Python's {@code round}; if no try fits, the largest central
     * crop whose aspect ratio is clamped into [ratioMin, ratioMax].
     */
    public static Box randomResizedCropBox(int height, int width, Rng rng, double scaleMin, double scaleMax,
                                           double ratioMin, double ratioMax) {
        double area = (double) height * width;
        double logMin = Math.log(ratioMin);
        double logMax = Math.log(ratioMax);
        for (int attempt = 0; attempt < 10; attempt++) {
            double targetArea = area * rng.uniform(scaleMin, scaleMax);
            double aspect = Math.exp(rng.uniform(logMin, logMax));
            int w = (int) Math.rint(Math.sqrt(targetArea * aspect));
            int h = (int) Math.rint(Math.sqrt(targetArea / aspect));
            if (w > 0 && w <= width && h > 0 && h <= height) {
                int top = rng.nextInt(height - h + 1);
                int left = rng.nextInt(width - w + 1);
                return new Box(top, left, h, w);
            }
        }
        double inRatio = (double) width / height;
        int w;
        int h;
        if (inRatio < ratioMin) {
            w = width;
            h = (int) Math.rint(w / ratioMin);
        } else if (inRatio > ratioMax) {
            h = height;
            w = (int) Math.rint(h * ratioMax);
        } else {
            w = width;
            h = height;
        }
        return new Box((height - h) / 2, (width - w) / 2, h, w);
    }

    /** The evaluation transform's intermediate size {@code {height, width}}: the shorter side becomes {@code resize}. */
    public int[] resizedSize(int height, int width) {
        if (width <= height) {
            return new int[] {(int) ((long) resize * height / width), resize};
        }
        return new int[] {resize, (int) ((long) resize * width / height)};
    }

    /**
     * Writes {@code image} transformed and normalized (3 x size x size floats) into {@code out} from
     * {@code offset}; the training transform draws from {@code rng}, the evaluation one ignores it.
     */
    public void apply(RgbImage image, Rng rng, Normalization norm, float[] out, int offset) {
        float[] values;
        boolean flip = false;
        if (train) {
            Box b = randomResizedCropBox(image.height(), image.width(), rng, SCALE_MIN, SCALE_MAX, RATIO_MIN, RATIO_MAX);
            values = Resampler.resize(image, b.left(), b.top(), b.width(), b.height(), size, size, 0, 0, size, size);
            flip = rng.nextDouble() < 0.5;
        } else {
            int[] hw = resizedSize(image.height(), image.width());
            // torchvision's center_crop: int(round((H - crop) / 2.0)), Python rounding half to even
            int top = (int) Math.rint((hw[0] - size) / 2.0);
            int left = (int) Math.rint((hw[1] - size) / 2.0);
            values = Resampler.resize(image, 0, 0, image.width(), image.height(), hw[1], hw[0], left, top, size, size);
        }
        int plane = size * size;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < size; y++) {
                int row = c * plane + y * size;
                for (int x = 0; x < size; x++) {
                    out[offset + row + x] = norm.apply(c, values[row + (flip ? size - 1 - x : x)]);
                }
            }
        }
    }

    @Override
    public String toString() {
        return train ? "RandomResizedCrop(" + size + ") + flip" : "Resize(" + resize + ") + CenterCrop(" + size + ")";
    }
}
