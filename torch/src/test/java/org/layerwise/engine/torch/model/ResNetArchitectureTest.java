package org.layerwise.engine.torch.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Architecture tables in plain Java (no libtorch): parameter counts, names, normalized tensors, rejected depths. */
class ResNetArchitectureTest {
    /*
     * CIFAR ResNet-20 (n = 3), counted by hand:
     *   stem conv 3->16, 3x3:                          3*16*9            =     432
     *   stage 1, 6 convs 16->16:                       6 * 16*16*9       =  13,824
     *   stage 2, 1 conv 16->32 + 5 convs 32->32:       4,608 + 5 * 9,216 =  50,688
     *   stage 3, 1 conv 32->64 + 5 convs 64->64:      18,432 + 5 * 36,864 = 202,752
     *   classifier 64*10 + 10:                                            =     650
     *   total without affine BN                                             268,346
     *   affine BN (scale + shift) on 19 BNs: 2*(16 + 6*16 + 6*32 + 6*64)  =   1,376
     *   total with affine BN                                                269,722  ("0.27M" in He et al., Table 6)
     * ResNet-56 (n = 9): convs 432 + 18*2,304 + (4,608 + 17*9,216) + (18,432 + 17*36,864) = 848,304;
     *   + 650 = 848,954; affine BN 2*(16 + 18*(16+32+64)) = 4,064 -> 853,018 ("0.85M").
     * ResNet-110 (n = 18): convs 432 + 36*2,304 + (4,608 + 35*9,216) + (18,432 + 35*36,864) = 1,719,216;
     *   + 650 = 1,719,866; affine BN 2*(16 + 36*112) = 8,096 -> 1,727,962 ("1.7M").
     */
    @Test
    void cifarParameterCountsMatchTheHandCount() {
        assertEquals(268_346, ResNetSpec.cifar(20, 10).parameterElements());
        assertEquals(269_722, ResNetSpec.cifar(20, 10).withAffineBatchNorm(true).parameterElements());
        assertEquals(848_954, ResNetSpec.cifar(56, 10).parameterElements());
        assertEquals(853_018, ResNetSpec.cifar(56, 10).withAffineBatchNorm(true).parameterElements());
        assertEquals(1_719_866, ResNetSpec.cifar(110, 10).parameterElements());
        assertEquals(1_727_962, ResNetSpec.cifar(110, 10).withAffineBatchNorm(true).parameterElements());
        // CIFAR-100: only the classifier grows, by 64*90 + 90
        assertEquals(268_346 + 64 * 90 + 90, ResNetSpec.cifar(20, 100).parameterElements());
    }

    /** torchvision.models.resnetXX(num_classes=1000) parameter counts (affine BN, projection shortcuts). */
    @Test
    void imagenetParameterCountsMatchTorchvision() {
        assertEquals(11_689_512, torchvision(18).parameterElements());
        assertEquals(21_797_672, torchvision(34).parameterElements());
        assertEquals(25_557_032, torchvision(50).parameterElements());
        assertEquals(44_549_160, torchvision(101).parameterElements());
        assertEquals(60_192_808, torchvision(152).parameterElements());
    }

    private static ResNetSpec torchvision(int depth) {
        return ResNetSpec.imagenet(depth, 1000).withAffineBatchNorm(true);
    }

    @Test
    void torchvisionNamesAndOrder() {
        List<String> names = names(torchvision(18).parameters());
        assertEquals(List.of("conv1.weight", "bn1.weight", "bn1.bias", "layer1.0.conv1.weight", "layer1.0.bn1.weight",
                "layer1.0.bn1.bias", "layer1.0.conv2.weight"), names.subList(0, 7));
        int i = names.indexOf("layer2.0.downsample.0.weight");
        assertEquals("layer2.0.bn2.bias", names.get(i - 1));
        assertEquals(List.of("layer2.0.downsample.1.weight", "layer2.0.downsample.1.bias", "layer2.1.conv1.weight"),
                names.subList(i + 1, i + 4));
        assertEquals(List.of("fc.weight", "fc.bias"), names.subList(names.size() - 2, names.size()));
        assertEquals(62, names.size()); // len(list(torchvision.models.resnet18().parameters()))
        assertEquals(161, torchvision(50).parameters().size()); // same for resnet50
    }

    @Test
    void optionAShortcutsHaveNoParametersAndOptionBAddsOneProjectionPerStageChange() {
        ResNetSpec a = ResNetSpec.cifar(20, 10);
        ResNetSpec b = a.withShortcut(Shortcut.B);
        assertEquals(names(a.parameters()), names(a.withResidual(false).parameters()));
        assertTrue(names(a.parameters()).stream().noneMatch(n -> n.contains("downsample")));
        // option B: a 1x1 projection 16->32 and 32->64 (no affine BN: nothing else)
        assertEquals(16 * 32 + 32 * 64, b.parameterElements() - a.parameterElements());
        assertEquals(List.of("layer2.0.downsample.0.weight", "layer3.0.downsample.0.weight"),
                names(b.parameters()).stream().filter(n -> n.contains("downsample")).toList());
        // no-short has no shortcut at all, so option B adds nothing there
        assertEquals(a.withResidual(false).parameterElements(), b.withResidual(false).parameterElements());
        // ImageNet with option A: every projection is gone
        assertEquals(11_689_512 - projections18(), torchvision(18).withShortcut(Shortcut.A).parameterElements());
    }

    /** resnet18's three downsample branches: 1x1 conv + affine BN each. */
    private static long projections18() {
        return (64 * 128 + 2 * 128) + (128 * 256 + 2 * 256) + (256 * 512 + 2 * 512);
    }

    @Test
    void normalizedTensorsAreExactlyTheConvolutions() {
        ResNetSpec spec = ResNetSpec.cifar(20, 10).withAffineBatchNorm(true);
        List<String> normalized = new ArrayList<>();
        for (ParameterInfo p : spec.parameters()) {
            if (p.normalized()) {
                normalized.add(p.name());
            }
            assertFalse(p.normalized() && p.classifier());
        }
        assertEquals(19, normalized.size()); // stem + 18 block convs; depth 20 counts the classifier too
        assertEquals("conv1.weight", normalized.get(0));
        assertTrue(normalized.stream().allMatch(n -> n.matches("conv1\\.weight|layer[1-3]\\.[0-2]\\.conv[12]\\.weight")));
        List<String> projected = names(ResNetSpec.imagenet(50, 10).parameters().stream().filter(ParameterInfo::normalized).toList());
        assertEquals(1 + 16 * 3 + 4, projected.size()); // stem, 16 bottlenecks x 3 convs, 4 projections
        assertTrue(projected.contains("layer1.0.downsample.0.weight"));
        assertEquals(List.of("fc.weight", "fc.bias"),
                names(spec.parameters().stream().filter(ParameterInfo::classifier).toList()));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2, 7, 9, 21, 111})
    void cifarDepthsOtherThan6nPlus2AreRejectedInOneLine(int depth) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResNetSpec.cifar(depth, 10));
        assertTrue(e.getMessage().contains("6n+2") && e.getMessage().contains(": " + depth + " is not one"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void cifarDepthsOf6nPlus2AreAccepted() {
        for (int n = 1; n <= 20; n++) {
            assertEquals(n, ResNetSpec.cifar(6 * n + 2, 10).blocksPerStage()[0]);
        }
    }

    @Test
    void imagenetDepthsOutsideTheTableAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResNetSpec.imagenet(20, 1000));
        assertTrue(e.getMessage().contains("18, 34, 50") && e.getMessage().contains(": 20 is not one"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ResNetSpec.cifar(20, 0));
    }

    private static List<String> names(List<ParameterInfo> infos) {
        return infos.stream().map(ParameterInfo::name).toList();
    }
}
