package org.layerwise.analysis;

import java.util.Arrays;

/** Spearman's rank correlation, with average ranks for ties: the one implementation the studies and the claims' tests share. */
public final class RankCorrelation {
    private RankCorrelation() {
    }

    /** Spearman's ρ of x and y (equal lengths); NaN when either is constant. */
    public static double spearman(double[] x, double[] y) {
        double[] a = ranks(x);
        double[] b = ranks(y);
        double ma = Arrays.stream(a).average().orElse(0);
        double mb = Arrays.stream(b).average().orElse(0);
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return saa == 0 || sbb == 0 ? Double.NaN : sab / Math.sqrt(saa * sbb);
    }

    /** Ranks 1..n, ties sharing their average rank. */
    public static double[] ranks(double[] v) {
        int n = v.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (p, q) -> Double.compare(v[p], v[q]));
        double[] rank = new double[n];
        for (int i = 0; i < n;) {
            int j = i;
            while (j + 1 < n && v[order[j + 1]] == v[order[i]]) {
                j++;
            }
            for (int k = i; k <= j; k++) {
                rank[order[k]] = (i + j) / 2.0 + 1;
            }
            i = j + 1;
        }
        return rank;
    }
}
