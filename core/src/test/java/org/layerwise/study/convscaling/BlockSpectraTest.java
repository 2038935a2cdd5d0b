package org.layerwise.study.convscaling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.layerwise.analysis.ConvSpectrum;
import org.layerwise.model.ConvResNetLayout;
import org.layerwise.model.ConvResNetLayout.Block;
import org.layerwise.util.Rng;

class BlockSpectraTest {
    /** "from -> to" names of the kept pairs. */
    private static List<String> names(List<Block> blocks, int[] first, BlockSpectra.Kind kind) {
        List<String> out = new ArrayList<>();
        for (int k : first) {
            Block a = blocks.get(k);
            Block b = blocks.get(k + 1);
            out.add(kind == BlockSpectra.Kind.CONV1 ? a.conv1() + " -> " + b.conv1() : a.conv2() + " -> " + b.conv2());
        }
        return out;
    }

    @Test
    void incrementPairsOfTheSmallestLayouts() {
        List<Block> l8 = ConvResNetLayout.blocks(8, 2, 32); // 2,2,2,2
        assertEquals(List.of("layer1.0.conv1.weight -> layer1.1.conv1.weight"),
                names(l8, BlockSpectra.pairs(l8, BlockSpectra.Kind.CONV1), BlockSpectra.Kind.CONV1));
        assertEquals(List.of("layer1.0.conv2.weight -> layer1.1.conv2.weight", "layer2.0.conv2.weight -> layer2.1.conv2.weight",
                        "layer3.0.conv2.weight -> layer3.1.conv2.weight", "layer4.0.conv2.weight -> layer4.1.conv2.weight"),
                names(l8, BlockSpectra.pairs(l8, BlockSpectra.Kind.CONV2), BlockSpectra.Kind.CONV2));

        List<Block> l11 = ConvResNetLayout.blocks(11, 2, 32); // 2,3,4,2
        // conv1: stage boundaries and each stage's (block 0, block 1) go (block 0 has half the input channels)
        assertEquals(List.of("layer1.0.conv1.weight -> layer1.1.conv1.weight", "layer2.1.conv1.weight -> layer2.2.conv1.weight",
                        "layer3.1.conv1.weight -> layer3.2.conv1.weight", "layer3.2.conv1.weight -> layer3.3.conv1.weight"),
                names(l11, BlockSpectra.pairs(l11, BlockSpectra.Kind.CONV1), BlockSpectra.Kind.CONV1));
        // conv2: only the stage boundaries go
        assertArrayEquals(new int[] {0, 2, 3, 5, 6, 7, 9}, BlockSpectra.pairs(l11, BlockSpectra.Kind.CONV2));
    }

    @Test
    void pairCountsOnEveryPaperLayout() {
        for (int depth : ConvResNetLayout.PAPER_DEPTHS) {
            int[] n = ConvResNetLayout.blocksPerStage(depth);
            List<Block> blocks = ConvResNetLayout.blocks(depth, 64, 32);
            assertEquals(n[0] - 1 + (n[1] - 2) + (n[2] - 2) + (n[3] - 2), BlockSpectra.pairs(blocks, BlockSpectra.Kind.CONV1).length,
                    "L = " + depth);
            assertEquals(depth - 4, BlockSpectra.pairs(blocks, BlockSpectra.Kind.CONV2).length, "L = " + depth);
        }
    }

    @Test
    void everyNormIsTakenOnItsKernelsInputSize() {
        // image 10: stage sizes 10, 5, 3, 2, so a wrong input size changes sigma_max of a random kernel
        List<Block> blocks = ConvResNetLayout.blocks(11, 2, 10);
        Map<String, float[]> k = randomKernels(blocks, new Rng(29));
        BlockSpectra s = BlockSpectra.compute(blocks, k::get, 1);
        assertEquals(11, s.depth());
        for (Block b : blocks) {
            assertEquals(ConvSpectrum.sigmaMax(k.get(b.conv1()), b.outChannels(), b.inChannels(), 3, 3, b.inputSize()),
                    s.a()[b.index()], 0, b.conv1());
            assertEquals(ConvSpectrum.sigmaMax(k.get(b.conv2()), b.outChannels(), b.outChannels(), 3, 3, b.outputSize()),
                    s.delta()[b.index()], 0, b.conv2());
        }
        assertArrayEquals(new int[] {2, 5, 9}, s.shortcutBlocks()); // stage 1 keeps width and stride: identity
        for (int i = 0; i < s.shortcutBlocks().length; i++) {
            Block b = blocks.get(s.shortcutBlocks()[i]);
            assertEquals(ConvSpectrum.sigmaMax(k.get(b.shortcut()), b.outChannels(), b.inChannels(), 1, 1, b.inputSize()),
                    s.shortcut()[i], 0, b.shortcut());
        }
        for (int i = 0; i < s.aIncrements().first().length; i++) {
            Block b = blocks.get(s.aIncrements().first()[i]);
            Block c = blocks.get(b.index() + 1);
            assertEquals(b.inputSize(), s.aIncrements().inputSize()[i]);
            assertEquals(ConvSpectrum.sigmaMaxOfDifference(k.get(c.conv1()), k.get(b.conv1()), b.outChannels(), b.inChannels(), 3, 3,
                    b.inputSize()), s.aIncrements().sigma()[i], 0);
        }
        for (int i = 0; i < s.deltaIncrements().first().length; i++) {
            Block b = blocks.get(s.deltaIncrements().first()[i]);
            Block c = blocks.get(b.index() + 1);
            assertEquals(b.outputSize(), s.deltaIncrements().inputSize()[i]);
            assertEquals(ConvSpectrum.sigmaMaxOfDifference(k.get(c.conv2()), k.get(b.conv2()), b.outChannels(), b.outChannels(), 3, 3,
                    b.outputSize()), s.deltaIncrements().sigma()[i], 0);
        }
        // the pair (layer2.0, layer2.1) of conv2 is kept, and block 2's conv2 sees 5 x 5, not its input's 10 x 10
        assertEquals(5, s.deltaIncrements().inputSize()[1]);
        assertEquals(s.deltaIncrements().max(), java.util.Arrays.stream(s.deltaIncrements().sigma()).max().orElseThrow(), 0);
    }

    @Test
    void largestIncrementIsTheMaxOverPairsAndNaNWithoutPairs() {
        assertEquals(3, new BlockSpectra.Increments(new int[] {0, 1, 2}, new int[] {4, 4, 4}, new double[] {1, 3, 2}).max(), 0);
        assertTrue(Double.isNaN(new BlockSpectra.Increments(new int[0], new int[0], new double[0]).max()));
    }

    @Test
    void threadsDoNotChangeTheNumbers() {
        List<Block> blocks = ConvResNetLayout.blocks(12, 2, 16);
        Map<String, float[]> k = randomKernels(blocks, new Rng(31));
        BlockSpectra one = BlockSpectra.compute(blocks, k::get, 1);
        BlockSpectra three = BlockSpectra.compute(blocks, k::get, 3);
        assertArrayEquals(one.a(), three.a(), 0);
        assertArrayEquals(one.delta(), three.delta(), 0);
        assertArrayEquals(one.shortcut(), three.shortcut(), 0);
        assertArrayEquals(one.aIncrements().sigma(), three.aIncrements().sigma(), 0);
        assertArrayEquals(one.deltaIncrements().sigma(), three.deltaIncrements().sigma(), 0);
    }

    @Test
    void missingOrMisshapenKernelsAreNamed() {
        List<Block> blocks = ConvResNetLayout.blocks(8, 2, 32);
        Map<String, float[]> k = randomKernels(blocks, new Rng(37));
        k.remove("layer3.1.conv2.weight");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BlockSpectra.compute(blocks, k::get, 1));
        assertTrue(e.getMessage().contains("layer3.1.conv2.weight"), e.getMessage());
        k.put("layer3.1.conv2.weight", new float[7]);
        e = assertThrows(IllegalArgumentException.class, () -> BlockSpectra.compute(blocks, k::get, 1));
        assertTrue(e.getMessage().contains("layer3.1.conv2.weight should be (8, 8, 3, 3)"), e.getMessage());
    }

    static Map<String, float[]> randomKernels(List<Block> blocks, Rng rng) {
        Map<String, float[]> k = new HashMap<>();
        for (Block b : blocks) {
            k.put(b.conv1(), random(rng, b.outChannels() * b.inChannels() * 9));
            k.put(b.conv2(), random(rng, b.outChannels() * b.outChannels() * 9));
            if (b.projection()) {
                k.put(b.shortcut(), random(rng, b.outChannels() * b.inChannels()));
            }
        }
        return k;
    }

    private static float[] random(Rng rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rng.uniform(-1, 1);
        }
        return v;
    }
}
