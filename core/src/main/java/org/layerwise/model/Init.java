package org.layerwise.model;

/**
 * Weight initialisations. The first two are the reference code's (scaling_model.py), whose "xavier" is
 * NOT standard Xavier: its std is s/d, not 1/sqrt(d). The last two are the usual ones, biases zero.
 */
public enum Init {
    /** A ~ N(0, (s/d)^2), b ~ N(0, (s/sqrt d)^2): the reference's "xavier". */
    XAVIER("xavier"),
    /** A ~ N(0, (s/(L d))^2), b ~ N(0, (s/(L sqrt d))^2): the reference's "xavier-depth". */
    XAVIER_DEPTH("xavier-depth"),
    /** Glorot normal: A ~ N(0, 2/(d+d)) = N(0, 1/d), b = 0. */
    GLOROT("glorot"),
    /** He (Kaiming) normal: A ~ N(0, 2/d), b = 0. */
    HE("he");

    private final String key;

    Init(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    /** Standard deviation of the entries of A. */
    public double stdA(double scale, int depth, int width) {
        return switch (this) {
            case XAVIER -> scale / width;
            case XAVIER_DEPTH -> scale / ((double) depth * width);
            case GLOROT -> Math.sqrt(1.0 / width);
            case HE -> Math.sqrt(2.0 / width);
        };
    }

    /** Standard deviation of the entries of b. */
    public double stdB(double scale, int depth, int width) {
        return switch (this) {
            case XAVIER -> scale / Math.sqrt(width);
            case XAVIER_DEPTH -> scale / (depth * Math.sqrt(width));
            case GLOROT, HE -> 0.0;
        };
    }
}
