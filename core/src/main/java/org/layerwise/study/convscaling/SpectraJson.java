package org.layerwise.study.convscaling;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.layerwise.io.Json;
import org.layerwise.model.ConvResNetLayout;

/**
 * A run's {@code spectra.json}: the per-block σ_max of one trained network ({@link BlockSpectra}),
 * with the depth, width and image size that give its block layout back. The analysis reads these,
 * so a report redraws without the kernels (which paper-cifar does not keep).
 */
final class SpectraJson {
    private SpectraJson() {
    }

    static void write(Path file, BlockSpectra s, int width, int imageSize) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("depth", s.depth());
        m.put("width", width);
        m.put("image_size", imageSize);
        m.put("method", "largest singular value of each kernel on its input size, Sedghi-Gupta-Long (exact for circular stride-1"
                + " convolution; the reference's approximation for padded and strided ones) [REPO cifar_utils.py]");
        m.put("blocks", s.blocks().stream().map(ConvResNetLayout.Block::prefix).toList());
        m.put("sigma_A", s.a());
        m.put("sigma_Delta", s.delta());
        m.put("shortcut_blocks", s.shortcutBlocks());
        m.put("sigma_SC", s.shortcut());
        m.put("increments_A", increments(s.aIncrements()));
        m.put("increments_Delta", increments(s.deltaIncrements()));
        Json.write(file, m);
    }

    private static Map<String, Object> increments(BlockSpectra.Increments i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("first_block", i.first());
        m.put("input_size", i.inputSize());
        m.put("sigma", i.sigma());
        return m;
    }

    static BlockSpectra read(Path file) {
        JsonNode j = Json.read(file);
        List<ConvResNetLayout.Block> blocks = ConvResNetLayout.blocks(j.get("depth").asInt(), j.get("width").asInt(), j.get("image_size").asInt());
        return new BlockSpectra(blocks, doubles(j.get("sigma_A")), doubles(j.get("sigma_Delta")), ints(j.get("shortcut_blocks")),
                doubles(j.get("sigma_SC")), incrementsOf(j.get("increments_A")), incrementsOf(j.get("increments_Delta")));
    }

    private static BlockSpectra.Increments incrementsOf(JsonNode n) {
        return new BlockSpectra.Increments(ints(n.get("first_block")), ints(n.get("input_size")), doubles(n.get("sigma")));
    }

    private static double[] doubles(JsonNode n) {
        double[] out = new double[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = n.get(i).asDouble();
        }
        return out;
    }

    private static int[] ints(JsonNode n) {
        int[] out = new int[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = n.get(i).asInt();
        }
        return out;
    }
}
