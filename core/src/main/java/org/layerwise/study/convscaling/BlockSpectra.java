package org.layerwise.study.convscaling;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.layerwise.analysis.ConvSpectrum;
import org.layerwise.model.ConvResNetLayout;
import org.layerwise.model.ConvResNetLayout.Block;

/**
 * The per-block spectral norms of one trained conv ResNet (Cohen et al. 2021, CIFAR-10 part), as the
 * reference's cifar_utils.compute_net_sv and make_diff_sv.py compute them (scaling-reference.md
 * section 4.5), reduced to the largest singular value ({@link ConvSpectrum}; the reference keeps the
 * top 10 and its plots use only their maximum).
 *
 * <p><b>Per block [REPO].</b> sigma_max of conv1 ("A_k", on the block's input size, before the
 * stride), of conv2 ("Delta_k", on the block's output size, what conv1 hands it) and of the 1x1
 * shortcut ("SC", projection blocks only, on the block's input size). The stride is ignored, as in
 * the reference.
 *
 * <p><b>Increments [REPO make_diff_sv.get_diffs].</b> Over the flat list of the network's blocks
 * k = 0..L-2, the pair (W_k, W_{k+1}) is kept exactly when the two kernels have the same shape, and
 * sigma_max(W_{k+1} - W_k) is taken on the input size of the first kernel of the pair (the reference
 * zips the pairs with {@code shapes[:-1]}). Separately for conv1 and conv2. What this keeps on the
 * reference layout [derived from the shapes; {@link #pairs} computes it from the shapes, not from
 * these rules]:
 * <ul>
 *   <li>conv1 (A): in stage 1 (w -&gt; w channels everywhere) every pair (k, k+1); in stages 2-4 block 0
 *       maps w_s/2 -&gt; w_s channels and the others w_s -&gt; w_s, so the stage-boundary pair (last block
 *       of stage s-1, block 0) <i>and</i> the first pair inside the stage (block 0, block 1) are
 *       dropped: the "first pair after a channel change". Kept: (n1 - 1) + sum_{s=2..4} (n_s - 2).</li>
 *   <li>conv2 (Delta): every kernel of stage s is w_s -&gt; w_s, so only the stage-boundary pairs are
 *       dropped and the pair (block 0, block 1) of every stage is kept. Kept: L - 4.</li>
 * </ul>
 * Inside a stage, every kept pair has equal input sizes for both kernels, so "the first kernel's
 * size" is no choice there [derived].
 *
 * <p>Arrays are indexed by block (0..L-1) unless said otherwise; records expose them without copying:
 * treat them as read-only.
 *
 * @param blocks          the network's blocks (ConvResNetLayout)
 * @param a               sigma_max of conv1 per block
 * @param delta           sigma_max of conv2 per block
 * @param shortcutBlocks  indices of the projection blocks
 * @param shortcut        sigma_max of the shortcut of each projection block (same order)
 * @param aIncrements     kept conv1 pairs
 * @param deltaIncrements kept conv2 pairs
 */
public record BlockSpectra(List<Block> blocks, double[] a, double[] delta, int[] shortcutBlocks, double[] shortcut,
                           Increments aIncrements, Increments deltaIncrements) {

    /** The kernels a sequence is made of. */
    public enum Kind {
        CONV1, CONV2
    }

    /**
     * The kept pairs of one sequence.
     *
     * @param first     block index k of each pair (W_k, W_{k+1})
     * @param inputSize n of each pair (the first kernel's input size)
     * @param sigma     sigma_max(W_{k+1} - W_k) of each pair
     */
    public record Increments(int[] first, int[] inputSize, double[] sigma) {
        /** max_k sigma_max(W_{k+1} - W_k), NaN when no pair is kept. */
        public double max() {
            double m = Double.NaN;
            for (double s : sigma) {
                m = Double.isNaN(m) ? s : Math.max(m, s);
            }
            return m;
        }
    }

    /** Depth L = number of blocks. */
    public int depth() {
        return blocks.size();
    }

    /**
     * Computes every sigma_max of a network of depth L at first-stage width {@code width} on
     * {@code imageSize}^2 images (32 for CIFAR-10), kernels read by the names of ConvResNetLayout.
     */
    public static BlockSpectra compute(int depth, int width, int imageSize, Function<String, float[]> kernels, int threads) {
        return compute(ConvResNetLayout.blocks(depth, width, imageSize), kernels, threads);
    }

    /**
     * Computes every sigma_max of the network with these blocks; {@code kernels} gives a kernel
     * (out, in, kh, kw), row-major, by its parameter name (e.g. {@code Map::get}). Kernels are
     * independent, so they run on up to {@code threads} threads; the numbers do not depend on it.
     */
    public static BlockSpectra compute(List<Block> blocks, Function<String, float[]> kernels, int threads) {
        int depth = blocks.size();
        for (int k = 0; k < depth; k++) {
            if (blocks.get(k).index() != k) {
                throw new IllegalArgumentException("block " + k + " of the list has index " + blocks.get(k).index()
                        + ": pass the whole flat block list of one network, in order");
            }
        }
        List<java.util.concurrent.Callable<Double>> tasks = new ArrayList<>();
        float[][] conv1 = new float[depth][];
        float[][] conv2 = new float[depth][];
        for (Block b : blocks) {
            float[] k1 = kernel(kernels, b.conv1(), b.outChannels(), b.inChannels(), 3);
            float[] k2 = kernel(kernels, b.conv2(), b.outChannels(), b.outChannels(), 3);
            conv1[b.index()] = k1;
            conv2[b.index()] = k2;
            tasks.add(() -> ConvSpectrum.sigmaMax(k1, b.outChannels(), b.inChannels(), 3, 3, b.inputSize()));
            tasks.add(() -> ConvSpectrum.sigmaMax(k2, b.outChannels(), b.outChannels(), 3, 3, b.outputSize()));
        }
        List<Integer> sc = new ArrayList<>();
        for (Block b : blocks) {
            if (b.projection()) {
                sc.add(b.index());
                float[] k = kernel(kernels, b.shortcut(), b.outChannels(), b.inChannels(), 1);
                tasks.add(() -> ConvSpectrum.sigmaMax(k, b.outChannels(), b.inChannels(), 1, 1, b.inputSize()));
            }
        }
        int[] pa = pairs(blocks, Kind.CONV1);
        int[] pd = pairs(blocks, Kind.CONV2);
        for (int k : pa) {
            Block b = blocks.get(k);
            tasks.add(() -> ConvSpectrum.sigmaMaxOfDifference(conv1[k + 1], conv1[k], b.outChannels(), b.inChannels(), 3, 3,
                    b.inputSize()));
        }
        for (int k : pd) {
            Block b = blocks.get(k);
            tasks.add(() -> ConvSpectrum.sigmaMaxOfDifference(conv2[k + 1], conv2[k], b.outChannels(), b.outChannels(), 3, 3,
                    b.outputSize()));
        }
        double[] s = run(tasks, threads);
        double[] a = new double[depth];
        double[] delta = new double[depth];
        for (int k = 0; k < depth; k++) {
            a[k] = s[2 * k];
            delta[k] = s[2 * k + 1];
        }
        int at = 2 * depth;
        double[] shortcut = java.util.Arrays.copyOfRange(s, at, at + sc.size());
        at += sc.size();
        Increments ia = new Increments(pa, sizes(blocks, pa, Kind.CONV1), java.util.Arrays.copyOfRange(s, at, at + pa.length));
        at += pa.length;
        Increments id = new Increments(pd, sizes(blocks, pd, Kind.CONV2), java.util.Arrays.copyOfRange(s, at, at + pd.length));
        return new BlockSpectra(List.copyOf(blocks), a, delta, sc.stream().mapToInt(Integer::intValue).toArray(), shortcut, ia, id);
    }

    /**
     * The first block k of every kept pair (W_k, W_{k+1}) of conv1 or conv2 kernels: the kernels'
     * shapes (out, in, 3, 3) are equal [REPO make_diff_sv.get_diffs].
     */
    public static int[] pairs(List<Block> blocks, Kind kind) {
        List<Integer> kept = new ArrayList<>();
        for (int k = 0; k + 1 < blocks.size(); k++) {
            Block b0 = blocks.get(k);
            Block b1 = blocks.get(k + 1);
            boolean same = kind == Kind.CONV1
                    ? b0.outChannels() == b1.outChannels() && b0.inChannels() == b1.inChannels()
                    : b0.outChannels() == b1.outChannels(); // conv2 is out -> out
            if (same) {
                kept.add(k);
            }
        }
        return kept.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The input size of the first kernel of each pair: the block input for conv1, its output for conv2. */
    private static int[] sizes(List<Block> blocks, int[] first, Kind kind) {
        int[] n = new int[first.length];
        for (int i = 0; i < first.length; i++) {
            Block b = blocks.get(first[i]);
            n[i] = kind == Kind.CONV1 ? b.inputSize() : b.outputSize();
        }
        return n;
    }

    private static float[] kernel(Function<String, float[]> kernels, String name, int out, int in, int size) {
        float[] k = kernels.apply(name);
        if (k == null) {
            throw new IllegalArgumentException("no kernel named " + name);
        }
        if (k.length != out * in * size * size) {
            throw new IllegalArgumentException(name + " should be (" + out + ", " + in + ", " + size + ", " + size + ") = "
                    + out * in * size * size + " values: it has " + k.length);
        }
        return k;
    }

    private static double[] run(List<java.util.concurrent.Callable<Double>> tasks, int threads) {
        double[] out = new double[tasks.size()];
        if (threads <= 1) {
            for (int i = 0; i < out.length; i++) {
                try {
                    out[i] = tasks.get(i).call();
                } catch (Exception e) {
                    throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
                }
            }
            return out;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Double>> f = pool.invokeAll(tasks);
            for (int i = 0; i < out.length; i++) {
                out[i] = f.get(i).get();
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while computing spectra", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
