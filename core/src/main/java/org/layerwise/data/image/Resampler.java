package org.layerwise.data.image;

/**
 * Bilinear resampling as PIL's {@code Image.resize(..., BILINEAR)} (which torchvision uses for PIL
 * images): separable, pixel centres at half-integers, a triangle filter whose support is widened by
 * the scale factor when shrinking (so downscaling averages, i.e. is antialiased), weights cut at
 * the box edges and renormalized. Enlarging is ordinary bilinear interpolation.
 *
 * <p>Differences from PIL, both below half a grey level: arithmetic is in floating point rather
 * than PIL's 22-bit fixed point, and the result is not rounded to 8 bits.
 */
public final class Resampler {
    private Resampler() {
    }

    /** Weights of one output coordinate: input positions {@code first .. first + weights.length - 1}. */
    record Taps(int first, double[] weights) {
    }

    /**
     * Filter taps for output coordinates {@code from .. from + count - 1} when {@code inLength}
     * input pixels map to {@code outLength} output pixels; positions are relative to the box start.
     */
    static Taps[] taps(int inLength, int outLength, int from, int count) {
        double scale = (double) inLength / outLength;
        double filterScale = Math.max(scale, 1.0);
        double support = filterScale; // the triangle filter has support 1
        Taps[] taps = new Taps[count];
        for (int k = 0; k < count; k++) {
            double center = (from + k + 0.5) * scale;
            // (int) truncates toward zero, as the C cast in PIL's precompute_coeffs
            int lo = Math.max((int) (center - support + 0.5), 0);
            int hi = Math.min((int) (center + support + 0.5), inLength);
            double[] w = new double[Math.max(hi - lo, 0)];
            double total = 0;
            for (int i = 0; i < w.length; i++) {
                w[i] = triangle((lo + i - center + 0.5) / filterScale);
                total += w[i];
            }
            if (total != 0) {
                for (int i = 0; i < w.length; i++) {
                    w[i] /= total;
                }
            }
            taps[k] = new Taps(lo, w);
        }
        return taps;
    }

    private static double triangle(double x) {
        double a = Math.abs(x);
        return a < 1 ? 1 - a : 0;
    }

    /**
     * Resizes the box ({@code boxLeft}, {@code boxTop}, {@code boxWidth} x {@code boxHeight}) of
     * {@code image} to {@code outWidth x outHeight} and returns the window ({@code winLeft},
     * {@code winTop}, {@code winWidth} x {@code winHeight}) of the result as planar float values on
     * the 0..255 scale (3 x winHeight x winWidth). Pixels outside the box are never used, as if the
     * box had been cropped first.
     */
    public static float[] resize(RgbImage image, int boxLeft, int boxTop, int boxWidth, int boxHeight,
                                 int outWidth, int outHeight, int winLeft, int winTop, int winWidth, int winHeight) {
        if (boxLeft < 0 || boxTop < 0 || boxWidth < 1 || boxHeight < 1
                || boxLeft + boxWidth > image.width() || boxTop + boxHeight > image.height()) {
            throw new IllegalArgumentException("box " + boxLeft + "," + boxTop + " " + boxWidth + "x" + boxHeight
                    + " is not inside the " + image.width() + "x" + image.height() + " image");
        }
        if (winLeft < 0 || winTop < 0 || winWidth < 1 || winHeight < 1
                || winLeft + winWidth > outWidth || winTop + winHeight > outHeight) {
            throw new IllegalArgumentException("window " + winLeft + "," + winTop + " " + winWidth + "x" + winHeight
                    + " is not inside the " + outWidth + "x" + outHeight + " output");
        }
        Taps[] xs = taps(boxWidth, outWidth, winLeft, winWidth);
        Taps[] ys = taps(boxHeight, outHeight, winTop, winHeight);
        // only the input rows the vertical taps touch need the horizontal pass
        int rowLo = ys[0].first();
        int rowHi = rowLo;
        for (Taps t : ys) {
            rowLo = Math.min(rowLo, t.first());
            rowHi = Math.max(rowHi, t.first() + t.weights().length);
        }
        int rows = rowHi - rowLo;
        int w = image.width();
        int h = image.height();
        byte[] px = image.pixels();
        float[] out = new float[3 * winWidth * winHeight];
        double[] mid = new double[rows * winWidth];
        for (int c = 0; c < 3; c++) {
            for (int r = 0; r < rows; r++) {
                int rowBase = (c * h + boxTop + rowLo + r) * w + boxLeft;
                for (int x = 0; x < winWidth; x++) {
                    Taps t = xs[x];
                    double[] wt = t.weights();
                    double s = 0;
                    for (int i = 0; i < wt.length; i++) {
                        s += wt[i] * (px[rowBase + t.first() + i] & 0xFF);
                    }
                    mid[r * winWidth + x] = s;
                }
            }
            for (int y = 0; y < winHeight; y++) {
                Taps t = ys[y];
                double[] wt = t.weights();
                int o = (c * winHeight + y) * winWidth;
                for (int x = 0; x < winWidth; x++) {
                    double s = 0;
                    for (int i = 0; i < wt.length; i++) {
                        s += wt[i] * mid[(t.first() - rowLo + i) * winWidth + x];
                    }
                    out[o + x] = (float) s;
                }
            }
        }
        return out;
    }
}
