package org.layerwise.train;

/** When training ends (besides the update budget Tmax and divergence). */
public enum StopRule {
    /**
     * The paper's rule (Cohen et al. 2021, Sec. 3): stop once the training loss is below epsilon,
     * measured as the mean of the batch losses of the last full epoch.
     */
    EPSILON("epsilon"),
    /**
     * The reference code's rule (scaling_experiments.py): as EPSILON, and also stop after
     * {@code patience} epochs in a row without a relative improvement of 1 % of the best epoch mean.
     */
    PLATEAU("plateau");

    private final String key;

    StopRule(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }
}
