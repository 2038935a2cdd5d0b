package org.layerwise.engine.torch.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.engine.torch.bench.PythonPeer;
import org.layerwise.io.Json;
import org.layerwise.io.Npy;
import org.layerwise.model.ConvResNetLayout;
import org.layerwise.study.convscaling.BlockSpectra;
import org.layerwise.train.Parameters;
import org.layerwise.train.TrainableNetwork;
import org.layerwise.util.Rng;

/**
 * The conv scaling study's network and analysis against an independent PyTorch implementation
 * (test resource conv_crosscheck.py: torch.nn modules written as the reference's cifar_model.py, without
 * BatchNorm; torch.optim.SGD with momentum 0.9 and weight decay 1e-4; the reference's numpy FFT + SVD
 * for the singular values). Same initial weights, same 4 batches: the losses per step, every weight
 * after the steps and every block's σ_max of conv1 and conv2 must agree to float32 precision.
 * Measured (2026-12-07, torch 1.13 in float64 vs libtorch 2.10 in float32, 1 thread, oneDNN on with the 8-channel
 * convolutions padded by ConvKernels; the same with oneDNN off): loss 8.4e-8 relative, weights 1.5e-7 of the largest
 * weight, σ_max 5.3e-8 relative; tolerances 3e-6, 1e-6, 5e-6. With oneDNN on and nothing padded, the weights differed by
 * 2.5e-3 and finite differences sided with PyTorch.
 * Skipped when no Python with torch and numpy is found ($LAYERWISE_PYTHON, /usr/bin/python3).
 */
class ConvScalingCrossCheckTest {
    private static final int DEPTH = 8;
    private static final int WIDTH = 2;
    private static final int STEPS = 4;
    private static final int BATCH = 4;

    @Test
    void networkTrainingAndSpectraMatchPyTorch(@TempDir Path tmp) throws Exception {
        String python = ElrCrossCheckTest.python(tmp); // $LAYERWISE_PYTHON or /usr/bin/python3 with torch and numpy, else null
        Assumptions.assumeTrue(python != null, "no Python with torch and numpy ($LAYERWISE_PYTHON or /usr/bin/python3): install python3-torch");
        Path ex = Files.createDirectories(tmp.resolve("exchange"));
        Map<String, long[]> shapes = ConvScalingNet.shapes(DEPTH, WIDTH, 10, 3);
        double[] losses = new double[STEPS];
        Map<String, double[]> finals = new LinkedHashMap<>();
        Map<String, float[]> kernels = new LinkedHashMap<>();
        try (TrainableNetwork net = ConvScalingNet.create(DEPTH, WIDTH, 10, 3, 3, 0.9, 1e-4, 1)) {
            Parameters p = net.parameters();
            for (int i = 0; i < p.count(); i++) {
                Npy.writeFloat32(ex.resolve(p.name(i) + ".npy"), p.values(i), dims(shapes.get(p.name(i))));
            }
            Rng rng = new Rng(11);
            double[] lrs = new double[p.count()];
            java.util.Arrays.fill(lrs, 0.05);
            for (int t = 0; t < STEPS; t++) {
                float[] x = new float[BATCH * 3 * 32 * 32];
                for (int k = 0; k < x.length; k++) {
                    x[k] = (float) (2 * rng.nextDouble() - 1);
                }
                int[] y = new int[BATCH];
                for (int k = 0; k < BATCH; k++) {
                    y[k] = rng.nextInt(10);
                }
                double[] xd = new double[x.length];
                for (int k = 0; k < x.length; k++) {
                    xd[k] = x[k];
                }
                Npy.writeFloat32(ex.resolve("x_" + t + ".npy"), xd, BATCH, 3, 32, 32);
                Npy.writeFloat32(ex.resolve("y_" + t + ".npy"), java.util.Arrays.stream(y).asDoubleStream().toArray(), BATCH);
                losses[t] = net.forwardBackward(x, y, BATCH, 3, 32, 32).loss();
                net.update(lrs);
            }
            p = net.parameters();
            for (int i = 0; i < p.count(); i++) {
                double[] v = p.values(i);
                finals.put(p.name(i), v);
                float[] f = new float[v.length];
                for (int k = 0; k < v.length; k++) {
                    f[k] = (float) v[k];
                }
                kernels.put(p.name(i), f);
            }
        }
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("blocks", ConvResNetLayout.blocksPerStage(DEPTH));
        manifest.put("width", WIDTH);
        manifest.put("classes", 10);
        manifest.put("lr", 0.05);
        manifest.put("momentum", 0.9);
        manifest.put("weight_decay", 1e-4);
        manifest.put("steps", STEPS);
        Json.write(ex.resolve("manifest.json"), manifest);
        run(python, tmp, ex);

        double[] py = Npy.read(ex.resolve("py_loss.npy")).data();
        double worstLoss = 0;
        for (int t = 0; t < STEPS; t++) {
            worstLoss = Math.max(worstLoss, Math.abs(losses[t] - py[t]) / Math.abs(py[t]));
        }
        double worstWeight = 0;
        for (Map.Entry<String, double[]> e : finals.entrySet()) {
            double[] a = e.getValue();
            double[] b = Npy.read(ex.resolve("py_final_" + e.getKey() + ".npy")).data();
            assertEquals(a.length, b.length, e.getKey());
            double scale = 0;
            double diff = 0;
            for (int k = 0; k < a.length; k++) {
                scale = Math.max(scale, Math.abs(b[k]));
                diff = Math.max(diff, Math.abs(a[k] - b[k]));
            }
            worstWeight = Math.max(worstWeight, diff / scale);
        }
        BlockSpectra s = BlockSpectra.compute(DEPTH, WIDTH, 32, kernels::get, 1);
        JsonNode sv = Json.read(ex.resolve("py_sv.json"));
        double worstSigma = 0;
        List<ConvResNetLayout.Block> blocks = ConvResNetLayout.blocks(DEPTH, WIDTH, 32);
        for (ConvResNetLayout.Block b : blocks) {
            worstSigma = Math.max(worstSigma, Math.abs(s.a()[b.index()] - sv.get(b.conv1()).asDouble()) / sv.get(b.conv1()).asDouble());
            worstSigma = Math.max(worstSigma, Math.abs(s.delta()[b.index()] - sv.get(b.conv2()).asDouble()) / sv.get(b.conv2()).asDouble());
        }
        System.out.printf("conv cross-check: loss %.2g relative, weights %.2g of the largest, sigma_max %.2g relative%n", worstLoss, worstWeight, worstSigma);
        assertTrue(worstLoss < 3e-6, "loss differs by " + worstLoss);
        assertTrue(worstWeight < 1e-6, "weights differ by " + worstWeight);
        assertTrue(worstSigma < 5e-6, "sigma_max differs by " + worstSigma);
        assertTrue(Math.abs(losses[STEPS - 1] - losses[0]) > 1e-4, "the steps changed the loss: the comparison is not of a frozen network");
    }

    private static int[] dims(long[] shape) {
        int[] d = new int[shape.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = (int) shape[i];
        }
        return d;
    }

    private static void run(String python, Path dir, Path exchange) throws IOException, InterruptedException {
        Path script = dir.resolve("conv_crosscheck.py");
        try (InputStream in = ConvScalingCrossCheckTest.class.getResourceAsStream("conv_crosscheck.py")) {
            Files.copy(in, script);
        }
        ProcessBuilder pb = new ProcessBuilder(python, script.toString(), exchange.toString()).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(PythonPeer.environment(System.getenv(), 1));
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("conv_crosscheck.py did not finish in 120 s:\n" + output);
        }
        assertEquals(0, p.exitValue(), "conv_crosscheck.py failed:\n" + output);
    }
}
