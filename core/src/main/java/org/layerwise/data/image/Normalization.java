package org.layerwise.data.image;

import java.util.Arrays;

/**
 * Per-channel normalization {@code out = (v / 255 - mean_c) / std_c} for pixel values v in 0..255,
 * as torchvision's {@code ToTensor()} followed by {@code Normalize(mean, std)}.
 *
 * <p>The constants are the usual ones for each data set [derived: community convention, not from
 * the paper]: CIFAR-10 and CIFAR-100 use the per-channel mean and (population) standard deviation of
 * their 50,000 training images; ImageNet uses torchvision's published values. For any other set
 * {@link #of(ImageSet)} computes them from the images.
 */
public final class Normalization {
    /** CIFAR-10 training-set statistics. */
    public static final Normalization CIFAR10 = new Normalization("cifar10",
            new double[] {0.49139968, 0.48215841, 0.44653091}, new double[] {0.24703223, 0.24348513, 0.26158784});
    /** CIFAR-100 training-set statistics. */
    public static final Normalization CIFAR100 = new Normalization("cifar100",
            new double[] {0.50707516, 0.48654887, 0.44091784}, new double[] {0.26733429, 0.25643846, 0.27615047});
    /** torchvision's ImageNet constants. */
    public static final Normalization IMAGENET = new Normalization("imagenet",
            new double[] {0.485, 0.456, 0.406}, new double[] {0.229, 0.224, 0.225});

    private final String name;
    private final double[] mean;
    private final double[] std;
    /** Per channel, the output for every byte value: the same float whatever thread computes it. */
    private final float[][] byteTable;

    /** @param mean per-channel means on the 0..1 scale; @param std per-channel standard deviations, positive */
    public Normalization(String name, double[] mean, double[] std) {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("normalization " + name + ": need one mean and one std per channel, got "
                    + mean.length + " and " + std.length);
        }
        for (int c = 0; c < std.length; c++) {
            if (!(std[c] > 0) || !Double.isFinite(std[c]) || !Double.isFinite(mean[c])) {
                throw new IllegalArgumentException("normalization " + name + ": channel " + c + " has mean " + mean[c]
                        + " and std " + std[c] + ", need finite values and std > 0");
            }
        }
        this.name = name;
        this.mean = mean.clone();
        this.std = std.clone();
        this.byteTable = new float[mean.length][256];
        for (int c = 0; c < mean.length; c++) {
            for (int v = 0; v < 256; v++) {
                byteTable[c][v] = apply(c, v);
            }
        }
    }

    /** Scales 0..255 to 0..1 and nothing else (mean 0, std 1). */
    public static Normalization scaleOnly(int channels) {
        double[] zero = new double[channels];
        double[] one = new double[channels];
        Arrays.fill(one, 1);
        return new Normalization("scale-only", zero, one);
    }

    /**
     * Mean and population standard deviation of every channel over all pixels of {@code set}
     * (on the 0..1 scale, summed exactly in longs). A channel with a single value gets std 1.
     */
    public static Normalization of(ImageSet set) {
        int channels = set.channels();
        int plane = set.height() * set.width();
        long[] sum = new long[channels];
        long[] sumSq = new long[channels];
        byte[] px = set.pixels();
        for (int i = 0; i < set.count(); i++) {
            for (int c = 0; c < channels; c++) {
                int base = (i * channels + c) * plane;
                long s = 0;
                long q = 0;
                for (int k = 0; k < plane; k++) {
                    int v = px[base + k] & 0xFF;
                    s += v;
                    q += v * v;
                }
                sum[c] += s;
                sumSq[c] += q;
            }
        }
        double n = (double) set.count() * plane;
        double[] mean = new double[channels];
        double[] std = new double[channels];
        for (int c = 0; c < channels; c++) {
            double m = sum[c] / n;
            double var = sumSq[c] / n - m * m;
            mean[c] = m / 255;
            std[c] = var > 0 ? Math.sqrt(var) / 255 : 1;
        }
        return new Normalization(set.name(), mean, std);
    }

    /** Normalized value of {@code value} (0..255 scale, possibly fractional after resampling) in channel {@code c}. */
    public float apply(int c, double value) {
        return (float) ((value / 255.0 - mean[c]) / std[c]);
    }

    /** Normalized value of a stored pixel byte. */
    public float applyByte(int c, byte value) {
        return byteTable[c][value & 0xFF];
    }

    public String name() {
        return name;
    }

    public int channels() {
        return mean.length;
    }

    /** Per-channel means on the 0..1 scale (a copy). */
    public double[] mean() {
        return mean.clone();
    }

    /** Per-channel standard deviations on the 0..1 scale (a copy). */
    public double[] std() {
        return std.clone();
    }

    @Override
    public String toString() {
        return "Normalization[" + name + ", mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
