package org.layerwise.study.scaling;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The reference code's geometric depth grid (scaling_experiments.py get_depths):
 * unique floor(base^n) for n = 0 .. floor(ln Lmax / ln base), keeping those >= Lmin.
 * (3, 10000, 1.2) gives the 44 depths 3..9100 of the paper's fully-connected runs.
 */
public final class DepthGrid {
    private DepthGrid() {
    }

    public static List<Integer> geometric(int min, int max, double base) {
        if (min < 1) {
            throw new IllegalArgumentException("depth-min must be >= 1, got " + min);
        }
        if (max < min) {
            throw new IllegalArgumentException("depth-min (" + min + ") must not exceed depth-max (" + max + ")");
        }
        if (!(base > 1)) {
            throw new IllegalArgumentException("depth-base must be > 1, got " + base);
        }
        int nMax = 1 + (int) (Math.log(max) / Math.log(base));
        TreeSet<Integer> depths = new TreeSet<>();
        for (int n = 0; n < nMax; n++) {
            int d = (int) Math.floor(Math.pow(base, n)); // as Python int(base**n)
            if (d >= min && d <= max) {
                depths.add(d);
            }
        }
        return new ArrayList<>(depths);
    }
}
