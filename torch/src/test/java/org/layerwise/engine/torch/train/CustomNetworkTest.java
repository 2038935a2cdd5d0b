package org.layerwise.engine.torch.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.engine.torch.examples.CustomCnnElr;
import org.layerwise.io.Csv;
import org.layerwise.io.Json;
import org.layerwise.io.Npy;

/** The documented example: the ELR probe on a user's own libtorch network. */
class CustomNetworkTest {
    @Test
    void probeWorksOnAUsersOwnNetwork(@TempDir Path tmp) throws Exception {
        CustomCnnElr.main(new String[] {tmp.toString()});
        assertEquals("[\"conv1.weight\",\"conv2.weight\"]", Json.read(tmp.resolve("layers.json")).get("layers").toString().replace(" ", ""));
        assertEquals("[\"fc.weight\",\"fc.bias\"]", Json.read(tmp.resolve("layers.json")).get("reported_apart").toString().replace(" ", ""));
        Npy.Array sigma = Npy.read(tmp.resolve("sigma.npy"));
        Npy.Array elr = Npy.read(tmp.resolve("elr.npy"));
        Npy.Array orth = Npy.read(tmp.resolve("orthogonality.npy"));
        assertEquals(60, sigma.shape()[0]);
        for (int t = 0; t + 1 < 60; t++) {
            for (int l = 0; l < 2; l++) {
                double s = sigma.data()[t * 2 + l];
                double e = elr.data()[t * 2 + l];
                double next = sigma.data()[(t + 1) * 2 + l];
                // scale invariance of the user's convs, through the user's own forward pass
                assertEquals(s * s * (1 + e * e), next * next, 1e-4 * next * next, "step " + t + " layer " + l);
                assertTrue(Math.abs(orth.data()[t * 2 + l]) < 1e-3);
            }
        }
        double[] lr = Csv.readColumns(tmp.resolve("steps.csv")).column("lr");
        double[] crit = Csv.readColumns(tmp.resolve("steps.csv")).column("critical_lr_predicted");
        for (int t = 0; t < lr.length; t++) {
            assertTrue(lr[t] <= Math.min(1.0, crit[t]) * (1 + 1e-9), "the ELR warm-up keeps the rate at or below the critical LR: step " + t);
        }
    }
}
