package org.layerwise.data.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DirectColorModel;
import java.awt.image.Raster;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import org.layerwise.data.DataException;

/**
 * Decodes image files (JPEG, PNG, and whatever else javax.imageio reads, recognised by content, not
 * by name) to 8-bit {@link RgbImage}s, as PIL's {@code Image.open(f).convert("RGB")} would: grey
 * images are replicated to three channels with their values unchanged (Java's colour conversion
 * would map grey 128 to 188), an alpha channel is dropped, an embedded colour profile is not applied. A file that cannot be decoded, or that
 * the decoder reports as truncated, stops with one line naming it.
 *
 * <p>Not handled: CMYK/YCCK JPEGs (javax.imageio refuses them; ImageNet's training set holds a few
 * dozen); convert them to RGB beforehand. The error message says so.
 */
public final class ImageDecoder {
    private ImageDecoder() {
    }

    /** Decodes {@code file}; throws {@link DataException} naming it if it cannot. */
    public static RgbImage decode(Path file) {
        BufferedImage image;
        try (ImageInputStream in = new FileImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new DataException(file + ": not an image javax.imageio can read (expected JPEG or PNG)");
            }
            ImageReader reader = readers.next();
            String[] truncated = new String[1];
            reader.addIIOReadWarningListener((source, warning) -> {
                // a truncated JPEG decodes "successfully" with a grey bottom: a silent misread
                String w = warning == null ? "" : warning.toLowerCase(java.util.Locale.ROOT);
                if (truncated[0] == null && (w.contains("truncated") || w.contains("premature end"))) {
                    truncated[0] = warning;
                }
            });
            try {
                reader.setInput(in, true, true);
                image = reader.read(0);
            } finally {
                reader.dispose();
            }
            if (truncated[0] != null) {
                throw new DataException(file + ": damaged image (" + oneLine(truncated[0]) + ")");
            }
        } catch (FileNotFoundException e) {
            throw new DataException(file + ": cannot open (" + oneLine(e.getMessage()) + ")", e);
        } catch (IOException | RuntimeException e) {
            if (e instanceof DataException) {
                throw (DataException) e;
            }
            String why = oneLine(e.getMessage());
            String hint = why.toLowerCase(java.util.Locale.ROOT).contains("unsupported image type")
                    ? " (probably a CMYK JPEG: convert it to RGB first, e.g. with ImageMagick: mogrify -colorspace sRGB " + file + ")" : "";
            throw new DataException(file + ": cannot decode image (" + why + ")" + hint, e);
        }
        return toRgb(image);
    }

    /** The planar 8-bit RGB content of {@code image}. */
    static RgbImage toRgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int plane = w * h;
        byte[] out = new byte[3 * plane];
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        boolean plainModel = cm instanceof ComponentColorModel || cm instanceof DirectColorModel;
        if (plainModel && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            int max = (1 << cm.getComponentSize(0)) - 1;
            int[] v = raster.getSamples(0, 0, w, h, 0, (int[]) null);
            for (int k = 0; k < plane; k++) {
                byte b = (byte) (max == 255 ? v[k] : Math.round(v[k] * 255.0 / max));
                out[k] = b;
                out[plane + k] = b;
                out[2 * plane + k] = b;
            }
        } else if (plainModel && cm.getColorSpace().getType() == ColorSpace.TYPE_RGB && !cm.isAlphaPremultiplied()
                && cm.getComponentSize(0) == 8 && cm.getComponentSize(1) == 8 && cm.getComponentSize(2) == 8) {
            // the raster's bands 0, 1, 2 are R, G, B whatever the byte order in memory; an embedded
            // colour profile (e.g. Adobe RGB) is ignored, as PIL ignores it
            int[] v = null;
            for (int c = 0; c < 3; c++) {
                v = raster.getSamples(0, 0, w, h, c, v);
                for (int k = 0; k < plane; k++) {
                    out[c * plane + k] = (byte) v[k];
                }
            }
        } else {
            // palettes, 16-bit and other colour spaces: Java's conversion to 8-bit sRGB
            int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
            for (int k = 0; k < plane; k++) {
                out[k] = (byte) (argb[k] >> 16);
                out[plane + k] = (byte) (argb[k] >> 8);
                out[2 * plane + k] = (byte) argb[k];
            }
        }
        return new RgbImage(w, h, out);
    }

    private static String oneLine(String message) {
        return message == null ? "no details" : message.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }
}
