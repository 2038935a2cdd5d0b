package org.layerwise.data.image;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.layerwise.data.DataException;

/**
 * ImageNet (ILSVRC 2012) in class folders, as torchvision's {@code ImageFolder} reads it:
 * {@code root/train/<class>/*.JPEG} and {@code root/val/<class>/*.JPEG}. The class index is the
 * position of the folder name in the sorted list of class folders; files are taken in name order
 * within a class. Files ending in .jpeg, .jpg or .png (any case) count, others are ignored; the
 * decoder recognises the format by content.
 *
 * <p>Opening lists the file names only (once); images are decoded on demand, one at a time, so
 * the set costs memory for its names, not its pixels. When both splits exist their class folders must
 * be the same, otherwise the labels of one would not mean the classes of the other.
 */
public final class ImageNetFolder {
    private final Path root;
    private final Split split;
    private final Path folder;
    private final List<String> classes;
    private final int[] labels;
    private final String[] names;

    private ImageNetFolder(Path root, Split split, Path folder, List<String> classes, int[] labels, String[] names) {
        this.root = root;
        this.split = split;
        this.folder = folder;
        this.classes = classes;
        this.labels = labels;
        this.names = names;
    }

    /** The folder name of a split: {@code train} or {@code val}. */
    public static String folderName(Split split) {
        return split == Split.TRAIN ? "train" : "val";
    }

    /** Lists {@code root/train} or {@code root/val}. */
    public static ImageNetFolder open(Path root, Split split) {
        Path folder = root.resolve(folderName(split));
        if (!Files.isDirectory(folder)) {
            throw new DataException("ImageNet not found in " + root + ": put the ILSVRC 2012 images there as train/<class>/*.JPEG and"
                    + " val/<class>/*.JPEG (one folder per class, e.g. n01440764; the validation images sorted into the same class folders)");
        }
        List<String> classes = subfolders(folder);
        if (classes.isEmpty()) {
            throw new DataException("ImageNet folder " + folder + " holds no class folders: expected " + folder + "/<class>/*.JPEG");
        }
        Path other = root.resolve(folderName(split == Split.TRAIN ? Split.TEST : Split.TRAIN));
        if (Files.isDirectory(other)) {
            List<String> otherClasses = subfolders(other);
            if (!otherClasses.equals(classes)) {
                throw new DataException("ImageNet in " + root + ": train/ and val/ hold different class folders (" + firstDifference(classes, otherClasses, split)
                        + "), so their class indices would not match");
            }
        }
        List<Integer> labels = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            Path dir = folder.resolve(classes.get(c));
            List<String> files = new ArrayList<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path p : entries) {
                    if (isImageName(p.getFileName().toString()) && Files.isRegularFile(p)) {
                        files.add(p.getFileName().toString());
                    }
                }
            } catch (IOException e) {
                throw new DataException("could not list " + dir + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
            }
            if (files.isEmpty()) {
                throw new DataException("ImageNet class folder " + dir + " holds no .JPEG/.jpg/.png files");
            }
            Collections.sort(files);
            for (String f : files) {
                labels.add(c);
                names.add(f);
            }
        }
        return new ImageNetFolder(root, split, folder, List.copyOf(classes),
                labels.stream().mapToInt(Integer::intValue).toArray(), names.toArray(new String[0]));
    }

    private static String firstDifference(List<String> mine, List<String> other, Split split) {
        String me = folderName(split);
        String them = folderName(split == Split.TRAIN ? Split.TEST : Split.TRAIN);
        for (String c : mine) {
            if (!other.contains(c)) {
                return c + " is in " + me + "/ only";
            }
        }
        for (String c : other) {
            if (!mine.contains(c)) {
                return c + " is in " + them + "/ only";
            }
        }
        return "different order";
    }

    private static boolean isImageName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".jpeg") || n.endsWith(".jpg") || n.endsWith(".png");
    }

    private static List<String> subfolders(Path dir) {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                if (Files.isDirectory(p)) {
                    out.add(p.getFileName().toString());
                }
            }
        } catch (IOException e) {
            throw new DataException("could not list " + dir + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        }
        Collections.sort(out);
        return out;
    }

    public Path root() {
        return root;
    }

    public Split split() {
        return split;
    }

    /** The class folder names in index order. */
    public List<String> classes() {
        return classes;
    }

    /** Number of images. */
    public int size() {
        return labels.length;
    }

    /** Class index of image {@code index}. */
    public int label(int index) {
        return labels[index];
    }

    /** The file of image {@code index}. */
    public Path file(int index) {
        return folder.resolve(classes.get(labels[index])).resolve(names[index]);
    }

    /** Decodes image {@code index} ({@link DataException} naming the file if it cannot be read). */
    public RgbImage decode(int index) {
        return ImageDecoder.decode(file(index));
    }
}
