package org.layerwise.study.convscaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.layerwise.analysis.Regime;
import org.layerwise.model.ConvResNetLayout;
import org.layerwise.model.ConvResNetLayout.Block;
import org.layerwise.util.Rng;

/**
 * The whole analysis (kernels -> BlockSpectra -> fits -> regime) on synthetic networks whose answer
 * is known. Every kernel is a single tap (at a random position) holding c times a random isometry,
 * so sigma_max = c exactly (the single-tap closed form); each network gets a factor g = exp(0.05 z),
 * so the fits have a real, small scatter. Width 2 on 32 x 32 images: the paper's spatial sizes.
 */
class ConvScalingFitsTest {
    private static final int[] DEPTHS = {8, 16, 33, 65, 121};
    private static final int SEEDS = 2;

    /** The kernel of block b (conv1 or conv2) of a depth-L network with factor g. */
    interface Family {
        float[] kernel(Block b, boolean conv1, int depth, double g, Rng rng, Map<String, double[]> perStage);
    }

    /** iid blocks all of norm g L^-beta0. */
    static Family iid(double beta0) {
        return (b, conv1, depth, g, rng, st) -> {
            int in = conv1 ? b.inChannels() : b.outChannels();
            return tap(isometry(b.outChannels(), in, rng), b.outChannels(), in, rng.nextInt(9), g * Math.pow(depth, -beta0), 0);
        };
    }

    @Test
    void iidBlocksShrinkingAsRootLGiveBetaOneHalfAndTheDiffusiveLabel() {
        ConvScalingFits.Result r = ConvScalingFits.fit(networks(iid(0.5), 41), 0, 1, 0.1);
        for (ConvScalingFits.SequenceFits f : List.of(r.a(), r.delta())) {
            double beta = f.exponent();
            assertEquals(0.5, beta, 0.03, f.sequence());
            assertTrue(-f.maxNorm().upper() <= 0.5 && 0.5 <= -f.maxNorm().lower(), f.sequence() + " interval " + f.maxNorm());
            assertEquals(0, f.rootSsq().slope(), 0.03, f.sequence()); // sqrt(L * (g^2 / L)) = g
            assertEquals(0, f.rescaledIncrement().slope(), 0.1, f.sequence()); // L^(1/2) * (about 2 g L^(-1/2))
            assertEquals(Regime.SDE, f.regime().label(), f.sequence() + " " + f.regime().evidence());
        }
        assertEquals(DEPTHS.length * SEEDS, r.a().maxNorm().points()); // every network is a point: seeds pooled
    }

    @Test
    void iidFlatBlocksGiveBetaZeroRootSsqLikeRootLAndNeither() {
        // beta = 0 with iid blocks: root SSQ = g sqrt(L) (slope 1/2, which is H1's 1/2 - beta), but the
        // increments do not vanish (s_I ~ 0, not < 0) and beta is not 1/2: neither H1 nor H2
        ConvScalingFits.Result r = ConvScalingFits.fit(networks(iid(0), 43), 0, 1, 0.1);
        for (ConvScalingFits.SequenceFits f : List.of(r.a(), r.delta())) {
            assertEquals(0, f.exponent(), 0.05, f.sequence()); // noise: 10 networks with a 5 % factor each, SE about 0.02
            assertTrue(f.maxNorm().consistentWith(0, 0), f.sequence() + " " + f.maxNorm()); // the interval holds 0
            assertEquals(0.5, f.rootSsq().slope(), 0.05, f.sequence());
            assertEquals(0.5 - f.exponent(), f.rootSsq().slope(), 1e-3, f.sequence()); // g sqrt(L): the same g as the max norm
            assertEquals(0, f.rescaledIncrement().slope(), 0.1, f.sequence());
            assertFalse(f.rescaledIncrement().upper() < 0, f.sequence() + " increments must not vanish");
            assertEquals(Regime.NEITHER, f.regime().label(), f.sequence() + " " + f.regime().evidence());
        }
    }

    @Test
    void normInAFewBlocksGivesFlatRootSsqAndNeitherAsInTheCifarFigures() {
        // 3 blocks of norm 4 g, the rest g / L: max norm, root SSQ and increments all flat (section 5.2's reading)
        Family spiky = (b, conv1, depth, g, rng, st) -> {
            int in = conv1 ? b.inChannels() : b.outChannels();
            boolean spike = b.index() == 1 || b.index() == depth / 2 || b.index() == depth - 2;
            return tap(isometry(b.outChannels(), in, rng), b.outChannels(), in, rng.nextInt(9), spike ? 4 * g : g / depth, 0);
        };
        ConvScalingFits.Result r = ConvScalingFits.fit(networks(spiky, 47), 200, 5, 0.1);
        for (ConvScalingFits.SequenceFits f : List.of(r.a(), r.delta())) {
            assertEquals(0, f.exponent(), 0.03, f.sequence());
            assertEquals(0, f.rootSsq().slope(), 0.03, f.sequence());
            assertEquals(0, f.rescaledIncrement().slope(), 0.1, f.sequence());
            assertEquals("bootstrap", f.maxNorm().method());
            assertEquals(Regime.NEITHER, f.regime().label(), f.sequence() + " " + f.regime().evidence());
        }
    }

    @Test
    void smoothKernelsAlongDepthGiveTheOdeLabel() {
        // W_k = g L^-1/4 (cos(pi t/2) Q at the centre tap + sin(pi t/2) Q at the corner), t = k/L, Q fixed per stage and shape:
        // max norm ~ sqrt(2) L^-1/4, root SSQ ~ L^(1/2 - 1/4), rescaled increments ~ L^-1
        Family smooth = (b, conv1, depth, g, rng, st) -> {
            int in = conv1 ? b.inChannels() : b.outChannels();
            double[] q = st.computeIfAbsent(b.stage() + ":" + b.outChannels() + "x" + in, s -> isometry(b.outChannels(), in, rng));
            double t = (double) b.index() / depth;
            double c = g * Math.pow(depth, -0.25);
            return tap(q, b.outChannels(), in, 4, c * Math.cos(Math.PI * t / 2), c * Math.sin(Math.PI * t / 2));
        };
        ConvScalingFits.Result r = ConvScalingFits.fit(networks(smooth, 53), 0, 1, 0.1);
        for (ConvScalingFits.SequenceFits f : List.of(r.a(), r.delta())) {
            assertEquals(0.25, f.exponent(), 0.03, f.sequence());
            assertEquals(0.25, f.rootSsq().slope(), 0.05, f.sequence());
            assertEquals(-1, f.rescaledIncrement().slope(), 0.1, f.sequence());
            assertEquals(Regime.ODE, f.regime().label(), f.sequence() + " " + f.regime().evidence());
        }
    }

    @Test
    void summaryHasTheExponentsPerDepthMeansAndNoNaN() {
        List<ConvScalingFits.Network> nets = networks(iid(0.5), 59);
        ConvScalingFits.Result r = ConvScalingFits.fit(nets, 0, 1, 0.1);
        Map<String, Object> s = r.summary();
        @SuppressWarnings("unchecked")
        Map<String, Object> beta = (Map<String, Object>) s.get("beta_A");
        assertEquals(-r.a().maxNorm().slope(), (Double) beta.get("value"), 0);
        assertEquals(0.5, (Double) beta.get("legend"), 0);
        @SuppressWarnings("unchecked")
        Map<String, Object> alpha = (Map<String, Object>) s.get("alpha_Delta");
        assertEquals(-r.delta().maxNorm().upper(), (Double) alpha.get("lower"), 0);
        @SuppressWarnings("unchecked")
        Map<String, Object> regime = (Map<String, Object>) s.get("regime_Delta");
        assertEquals(Regime.SDE, regime.get("label"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> perDepth = (List<Map<String, Object>>) s.get("per_depth");
        assertEquals(DEPTHS.length, perDepth.size());
        Map<String, Object> first = perDepth.get(0);
        assertEquals(8, first.get("depth"));
        @SuppressWarnings("unchecked")
        List<Double> runs = (List<Double>) first.get("A_max_norm_runs");
        assertEquals(SEEDS, runs.size());
        assertEquals((runs.get(0) + runs.get(1)) / 2, (Double) first.get("A_max_norm"), 1e-15);
        assertEquals(r.a().runs().get(0).maxNorm(), runs.get(0), 0);
        for (int i = 0; i < nets.size(); i++) { // the three statistics, computed here the obvious way
            BlockSpectra sp = nets.get(i).spectra();
            ConvScalingFits.RunStats ra = r.a().runs().get(i);
            ConvScalingFits.RunStats rd = r.delta().runs().get(i);
            assertEquals(java.util.Arrays.stream(sp.a()).max().orElseThrow(), ra.maxNorm(), 0);
            assertEquals(Math.sqrt(java.util.Arrays.stream(sp.delta()).map(x -> x * x).sum()), rd.rootSsq(), 1e-12 * rd.rootSsq());
            assertEquals(java.util.Arrays.stream(sp.aIncrements().sigma()).max().orElseThrow(), ra.maxIncrement(), 0);
            assertEquals(java.util.Arrays.stream(sp.deltaIncrements().sigma()).max().orElseThrow(), rd.maxIncrement(), 0);
            assertEquals(Math.pow(ra.depth(), r.a().exponent()) * ra.maxIncrement(), r.a().rescaled(ra), 0);
        }
        assertNoNaN(s);
        assertEquals(nets.stream().mapToInt(ConvScalingFits.Network::depth).sum(), ConvScalingFits.blockRows(nets).size());
    }

    @Test
    void incrementsThatCannotBeFittedAreNullWithAReason() {
        // every kernel of a stage and shape identical: all increments are 0, which has no logarithm
        Family constant = (b, conv1, depth, g, rng, st) -> {
            int in = conv1 ? b.inChannels() : b.outChannels();
            double[] q = st.computeIfAbsent(b.stage() + ":" + b.outChannels() + "x" + in, s -> isometry(b.outChannels(), in, rng));
            return tap(q, b.outChannels(), in, 4, g, 0);
        };
        ConvScalingFits.Result r = ConvScalingFits.fit(networks(constant, 61), 0, 1, 0.1);
        assertFalse(Double.isFinite(r.a().increment().slope()));
        assertEquals(Regime.UNDETERMINED, r.a().regime().label());
        @SuppressWarnings("unchecked")
        Map<String, Object> inc = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) r.summary().get("fits")).get("A"))
                .get("increment");
        assertNull(inc.get("slope"));
        assertTrue(((String) inc.get("reason")).contains("no fit"), inc.toString());
        assertNoNaN(r.summary());
    }

    // ---- synthetic networks ----

    static List<ConvScalingFits.Network> networks(Family f, long seed) {
        List<ConvScalingFits.Network> out = new ArrayList<>();
        for (int depth : DEPTHS) {
            for (int s = 0; s < SEEDS; s++) {
                Rng rng = Rng.derive(seed, "net", depth * 100L + s);
                double g = Math.exp(0.05 * rng.nextGaussian());
                List<Block> blocks = ConvResNetLayout.blocks(depth, 2, 32);
                Map<String, float[]> k = new HashMap<>();
                Map<String, double[]> perStage = new HashMap<>();
                for (Block b : blocks) {
                    k.put(b.conv1(), f.kernel(b, true, depth, g, rng, perStage));
                    k.put(b.conv2(), f.kernel(b, false, depth, g, rng, perStage));
                    if (b.projection()) {
                        k.put(b.shortcut(), oneByOne(isometry(b.outChannels(), b.inChannels(), rng)));
                    }
                }
                out.add(new ConvScalingFits.Network(s, BlockSpectra.compute(blocks, k::get, 1)));
            }
        }
        return out;
    }

    /** A 3x3 kernel (out, in) holding c times q at tap {@code at} (0..8) and c2 times q at tap 0. */
    static float[] tap(double[] q, int out, int in, int at, double c, double c2) {
        float[] k = new float[out * in * 9];
        for (int e = 0; e < out * in; e++) {
            k[e * 9 + at] += (float) (c * q[e]);
            k[e * 9] += (float) (c2 * q[e]);
        }
        return k;
    }

    /** A 1x1 kernel (out, in) equal to q. */
    static float[] oneByOne(double[] q) {
        float[] k = new float[q.length];
        for (int e = 0; e < q.length; e++) {
            k[e] = (float) q[e];
        }
        return k;
    }

    /** An out x in matrix (out >= in) with orthonormal columns: every singular value is 1. */
    static double[] isometry(int out, int in, Rng rng) {
        double[] m = new double[out * in];
        for (int c = 0; c < in; c++) {
            for (int pass = 0; pass < 2; pass++) {
                if (pass == 0) {
                    for (int o = 0; o < out; o++) {
                        m[o * in + c] = rng.nextGaussian();
                    }
                }
                for (int p = 0; p < c; p++) { // Gram-Schmidt against the earlier columns
                    double d = 0;
                    for (int o = 0; o < out; o++) {
                        d += m[o * in + c] * m[o * in + p];
                    }
                    for (int o = 0; o < out; o++) {
                        m[o * in + c] -= d * m[o * in + p];
                    }
                }
            }
            double n = 0;
            for (int o = 0; o < out; o++) {
                n += m[o * in + c] * m[o * in + c];
            }
            for (int o = 0; o < out; o++) {
                m[o * in + c] /= Math.sqrt(n);
            }
        }
        return m;
    }

    private static void assertNoNaN(Object o) {
        if (o instanceof Map<?, ?> m) {
            m.values().forEach(ConvScalingFitsTest::assertNoNaN);
        } else if (o instanceof List<?> l) {
            l.forEach(ConvScalingFitsTest::assertNoNaN);
        } else if (o instanceof Double d) {
            assertTrue(Double.isFinite(d), "a non-finite number in the summary");
        }
    }
}
