package org.layerwise.export.tensorboard;

import org.tensorflow.framework.HistogramProto;

/**
 * A {@code HistogramProto} of a set of values (in the studies: one value per layer at one step), with
 * equal-width buckets from the smallest to the largest value, as TensorBoard reads them: bucket i
 * counts the values v with limit[i-1] ≤ v &lt; limit[i] (the first from {@code min}, the last up to and
 * including {@code max}, which is its limit). Values that are not finite are left out, as TensorBoard
 * could not place them; {@code num} counts the rest.
 */
public final class Histograms {
    /** Buckets per histogram: TensorBoard's own default for tf.summary.histogram. */
    public static final int BUCKETS = 30;

    private Histograms() {
    }

    /** The histogram of the finite values, or null when there is none. */
    public static HistogramProto of(double[] values) {
        int n = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        double squares = 0;
        for (double v : values) {
            if (Double.isFinite(v)) {
                n++;
                min = Math.min(min, v);
                max = Math.max(max, v);
                sum += v;
                squares += v * v;
            }
        }
        if (n == 0) {
            return null;
        }
        int k = min == max ? 1 : BUCKETS;
        double[] limit = new double[k];
        for (int i = 0; i < k - 1; i++) {
            limit[i] = min + (max - min) * (i + 1) / k;
        }
        limit[k - 1] = max;
        double[] count = new double[k];
        for (double v : values) {
            if (Double.isFinite(v)) {
                count[bucket(limit, v)]++;
            }
        }
        HistogramProto.Builder h = HistogramProto.newBuilder().setMin(min).setMax(max).setNum(n).setSum(sum).setSumSquares(squares);
        for (int i = 0; i < k; i++) {
            h.addBucketLimit(limit[i]).addBucket(count[i]);
        }
        return h.build();
    }

    /** The first bucket whose limit exceeds v (the last bucket for v = max). */
    private static int bucket(double[] limit, double v) {
        int lo = 0;
        int hi = limit.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (v < limit[mid]) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }
}
