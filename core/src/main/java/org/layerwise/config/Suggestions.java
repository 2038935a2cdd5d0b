package org.layerwise.config;

import java.util.Collection;

/** "Did you mean" hints for near misses of a choice or a setting's name. */
final class Suggestions {
    /** Farthest edit distance at which a known value is suggested. */
    static final int MAX_DISTANCE = 2;

    private Suggestions() {
    }

    /**
     * {@code "; did you mean 'x'?"} when exactly one candidate is nearest to {@code given} and within
     * {@link #MAX_DISTANCE} edits (or equals it ignoring case), else the empty string.
     */
    static String didYouMean(String given, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        boolean tie = false;
        for (String c : candidates) {
            int d = c.equalsIgnoreCase(given) ? 0 : distance(given, c, MAX_DISTANCE);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
                tie = false;
            } else if (d == bestDistance) {
                tie = true;
            }
        }
        return best != null && !tie && bestDistance <= MAX_DISTANCE ? "; did you mean '" + best + "'?" : "";
    }

    /**
     * Optimal-string-alignment distance (insertions, deletions, substitutions and swaps of neighbours
     * each cost 1), or {@code limit + 1} once it is surely above {@code limit}.
     */
    static int distance(String a, String b, int limit) {
        if (Math.abs(a.length() - b.length()) > limit) {
            return limit + 1;
        }
        int n = a.length();
        int m = b.length();
        int[][] d = new int[n + 1][m + 1];
        for (int i = 0; i <= n; i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= m; j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= n; i++) {
            for (int j = 1; j <= m; j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        return Math.min(d[n][m], limit + 1);
    }
}
