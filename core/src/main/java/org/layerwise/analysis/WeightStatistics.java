package org.layerwise.analysis;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The statistics of Cohen et al. (2021) on a weight sequence W_0..W_{L-1} (reference regression.py),
 * each named for what it computes; ||.|| is the Frobenius norm (Euclidean for vectors).
 */
public final class WeightStatistics {
    /** Statistic keys, in report order. */
    public static final String MAX_FROBENIUS = "max_frobenius";
    public static final String MAX_SPECTRAL = "max_spectral";
    public static final String ROOT_SSQ = "root_ssq";
    public static final String H1 = "h1";
    public static final String QUADRATIC_VARIATION = "quadratic_variation";
    public static final String MAX_INCREMENT = "max_increment";
    public static final String CUMSUM = "cumsum";
    public static final String DETRENDED_CUMSUM = "detrended_cumsum";

    private WeightStatistics() {
    }

    /** One-line explanation of each statistic, for reports. */
    public static final Map<String, String> DESCRIPTIONS = Map.of(
            MAX_FROBENIUS, "max_k ||W_k||_F (the max norm used for beta)",
            MAX_SPECTRAL, "max_k sigma_max(W_k), true spectral norm",
            ROOT_SSQ, "sqrt(sum_k ||W_k||_F^2)",
            H1, "sqrt(L sum_k ||W_k - W_{k-1}||_F^2), H1 seminorm on a grid of step 1/L",
            QUADRATIC_VARIATION, "sum_k ||W_k - W_{k-1}||_F^2",
            MAX_INCREMENT, "max_k ||W_k - W_{k-1}||_F (times L^beta in the fits)",
            CUMSUM, "||sum_k W_k||_F",
            DETRENDED_CUMSUM, "max_k ||S_k - moving average of S||_F, S the cumulative sum");

    /** Every statistic of the sequence; the spectral one only for matrices. */
    public static Map<String, Double> compute(WeightSequence w) {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put(MAX_FROBENIUS, maxFrobenius(w));
        if (w.rows() > 1 && w.cols() > 1) {
            out.put(MAX_SPECTRAL, maxSpectral(w));
        }
        out.put(ROOT_SSQ, rootSsq(w));
        out.put(H1, h1(w));
        out.put(QUADRATIC_VARIATION, quadraticVariation(w));
        out.put(MAX_INCREMENT, maxIncrement(w));
        out.put(CUMSUM, cumsumNorm(w));
        out.put(DETRENDED_CUMSUM, detrendedCumsum(w));
        return out;
    }

    /** ||W_k||_F for every k. */
    public static double[] layerNorms(WeightSequence w) {
        double[] n = new double[w.length()];
        int s = w.size();
        for (int k = 0; k < w.length(); k++) {
            double sum = 0;
            for (int e = 0; e < s; e++) {
                double v = w.values()[k * s + e];
                sum += v * v;
            }
            n[k] = Math.sqrt(sum);
        }
        return n;
    }

    /** sigma_max(W_k) for every k (matrices). */
    public static double[] layerSpectralNorms(WeightSequence w) {
        double[] n = new double[w.length()];
        for (int k = 0; k < w.length(); k++) {
            n[k] = SpectralNorm.of(w.values(), k * w.size(), w.rows(), w.cols());
        }
        return n;
    }

    public static double maxFrobenius(WeightSequence w) {
        double m = 0;
        for (double v : layerNorms(w)) {
            m = Math.max(m, v);
        }
        return m;
    }

    public static double maxSpectral(WeightSequence w) {
        double m = 0;
        for (double v : layerSpectralNorms(w)) {
            m = Math.max(m, v);
        }
        return m;
    }

    public static double rootSsq(WeightSequence w) {
        double s = 0;
        for (double v : w.values()) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    /** ||W_k - W_{k-1}||_F^2 for k = 1..L-1. */
    private static double[] squaredIncrements(WeightSequence w) {
        int s = w.size();
        double[] inc = new double[Math.max(0, w.length() - 1)];
        for (int k = 1; k < w.length(); k++) {
            double sum = 0;
            for (int e = 0; e < s; e++) {
                double d = w.values()[k * s + e] - w.values()[(k - 1) * s + e];
                sum += d * d;
            }
            inc[k - 1] = sum;
        }
        return inc;
    }

    public static double quadraticVariation(WeightSequence w) {
        double s = 0;
        for (double v : squaredIncrements(w)) {
            s += v;
        }
        return s;
    }

    public static double h1(WeightSequence w) {
        return Math.sqrt(w.length() * quadraticVariation(w));
    }

    public static double maxIncrement(WeightSequence w) {
        double m = 0;
        for (double v : squaredIncrements(w)) {
            m = Math.max(m, v);
        }
        return Math.sqrt(m);
    }

    public static double cumsumNorm(WeightSequence w) {
        int s = w.size();
        double sum = 0;
        for (int e = 0; e < s; e++) {
            double c = 0;
            for (int k = 0; k < w.length(); k++) {
                c += w.values()[k * s + e];
            }
            sum += c * c;
        }
        return Math.sqrt(sum);
    }

    /**
     * The reference's detrended cumulative sum (regression.py:82-112). With S_0 = 0, S_{k+1} = S_k + W_k:
     * for L < 10, max_{k=1..L} ||S_k - (k/L) S_L|| (bridge detrending); otherwise, with
     * w = max(3, floor(0.1 L)), max over k = 1..L-1 of ||S_k - mean(window)|| where the window is
     * S_0..S_{2k-1} for k < w, S_{k-w}..S_{k+w-1} in the middle, and S_{2k-L}..S_{L-1} at the end.
     */
    public static double detrendedCumsum(WeightSequence w) {
        int len = w.length();
        int s = w.size();
        double[] cum = new double[(len + 1) * s]; // S_0..S_L
        for (int k = 0; k < len; k++) {
            for (int e = 0; e < s; e++) {
                cum[(k + 1) * s + e] = cum[k * s + e] + w.values()[k * s + e];
            }
        }
        double best = 0;
        if (len < 10) {
            for (int k = 1; k <= len; k++) {
                double sum = 0;
                for (int e = 0; e < s; e++) {
                    double r = cum[k * s + e] - (double) k / len * cum[len * s + e];
                    sum += r * r;
                }
                best = Math.max(best, Math.sqrt(sum));
            }
            return best;
        }
        int win = Math.max(3, (int) (0.1 * len));
        // prefix sums of S over k make every window mean O(1)
        double[] pre = new double[(len + 2) * s];
        for (int k = 0; k <= len; k++) {
            for (int e = 0; e < s; e++) {
                pre[(k + 1) * s + e] = pre[k * s + e] + cum[k * s + e];
            }
        }
        for (int k = 1; k < len; k++) {
            int lo;
            int hi; // window S_lo..S_{hi-1}
            if (k < win) {
                lo = 0;
                hi = 2 * k;
            } else if (k < len - win) {
                lo = k - win;
                hi = k + win;
            } else {
                lo = 2 * k - len;
                hi = len;
            }
            double sum = 0;
            for (int e = 0; e < s; e++) {
                double mean = (pre[hi * s + e] - pre[lo * s + e]) / (hi - lo);
                double r = cum[k * s + e] - mean;
                sum += r * r;
            }
            best = Math.max(best, Math.sqrt(sum));
        }
        return best;
    }
}
