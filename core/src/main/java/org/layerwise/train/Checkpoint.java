package org.layerwise.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;
import org.layerwise.io.AtomicFiles;
import org.layerwise.io.IoErrors;
import org.layerwise.io.Json;

/**
 * A self-describing training checkpoint: named fields, each with its type, and a format version, so
 * a checkpoint can be inspected and its contents change without silent misreads.
 *
 * <p>Layout: the bytes "LWCK", the format version (int), the length of a JSON header (int), the
 * header (UTF-8: text fields and the name, type and length of every numeric field, in order), the
 * numeric fields' big-endian values, and a CRC32C of everything before it. Text fields live in the
 * header; numbers (scalars are arrays of length 1) in binary, so doubles round-trip bit for bit.
 * Writing is atomic; a checkpoint that is truncated, damaged or of another version is refused with a
 * {@link Unusable} exception naming the problem, and the caller starts that run over.
 */
public final class Checkpoint {
    public static final int FORMAT_VERSION = 2;
    private static final int MAGIC = 0x4C57434B; // "LWCK"
    /** Refuse headers larger than this before allocating them (a damaged length field). */
    private static final int MAX_HEADER = 16 << 20;

    /** A checkpoint that cannot be used; its message says why in a few words. */
    public static final class Unusable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Unusable(String message) {
            super(message);
        }
    }

    private final Map<String, String> text = new LinkedHashMap<>();
    private final Map<String, Object> numbers = new LinkedHashMap<>(); // double[], long[] or int[]

    public Checkpoint putText(String name, String value) {
        text.put(name, value);
        return this;
    }

    public Checkpoint putLong(String name, long value) {
        return putLongs(name, new long[] {value});
    }

    public Checkpoint putDouble(String name, double value) {
        return putDoubles(name, new double[] {value});
    }

    public Checkpoint putDoubles(String name, double[] values) {
        numbers.put(name, values.clone());
        return this;
    }

    public Checkpoint putLongs(String name, long[] values) {
        numbers.put(name, values.clone());
        return this;
    }

    public Checkpoint putBytes(String name, byte[] values) {
        numbers.put(name, values.clone());
        return this;
    }

    public byte[] getBytes(String name) {
        return get(name, byte[].class).clone();
    }

    public Checkpoint putInts(String name, int[] values) {
        numbers.put(name, values.clone());
        return this;
    }

    public boolean has(String name) {
        return text.containsKey(name) || numbers.containsKey(name);
    }

    public String text(String name) {
        String v = text.get(name);
        if (v == null) {
            throw new Unusable("has no text field '" + name + "'");
        }
        return v;
    }

    public long getLong(String name) {
        long[] v = get(name, long[].class);
        if (v.length != 1) {
            throw new Unusable("field '" + name + "' is not a scalar");
        }
        return v[0];
    }

    public double getDouble(String name) {
        double[] v = get(name, double[].class);
        if (v.length != 1) {
            throw new Unusable("field '" + name + "' is not a scalar");
        }
        return v[0];
    }

    public double[] getDoubles(String name) {
        return get(name, double[].class).clone();
    }

    public long[] getLongs(String name) {
        return get(name, long[].class).clone();
    }

    public int[] getInts(String name) {
        return get(name, int[].class).clone();
    }

    private <T> T get(String name, Class<T> type) {
        Object v = numbers.get(name);
        if (v == null) {
            throw new Unusable("has no field '" + name + "'");
        }
        if (!type.isInstance(v)) {
            throw new Unusable("field '" + name + "' is " + typeName(v) + ", not " + typeName(type));
        }
        return type.cast(v);
    }

    private static String typeName(Object v) {
        Class<?> c = v instanceof Class<?> k ? k : v.getClass();
        return c == double[].class ? "f64" : c == long[].class ? "i64" : c == int[].class ? "i32" : c == byte[].class ? "u8" : c.getSimpleName();
    }

    /** Names of all fields, for inspection. */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        text.forEach((k, v) -> m.put(k, "text"));
        numbers.forEach((k, v) -> m.put(k, typeName(v) + "[" + java.lang.reflect.Array.getLength(v) + "]"));
        return m;
    }

    public void write(Path path) {
        ObjectNode header = Json.MAPPER.createObjectNode();
        header.put("format", "layerwise checkpoint");
        header.put("version", FORMAT_VERSION);
        ObjectNode t = header.putObject("text");
        text.forEach(t::put);
        var arr = header.putArray("numbers");
        numbers.forEach((k, v) -> arr.addObject().put("name", k).put("type", typeName(v)).put("length", java.lang.reflect.Array.getLength(v)));
        byte[] h = Json.toString(header).getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(path, raw -> {
            CRC32C crc = new CRC32C();
            DataOutputStream out = new DataOutputStream(new java.util.zip.CheckedOutputStream(raw, crc));
            out.writeInt(MAGIC);
            out.writeInt(FORMAT_VERSION);
            out.writeInt(h.length);
            out.write(h);
            for (Object v : numbers.values()) {
                if (v instanceof double[] d) {
                    for (double x : d) {
                        out.writeDouble(x);
                    }
                } else if (v instanceof long[] l) {
                    for (long x : l) {
                        out.writeLong(x);
                    }
                } else if (v instanceof byte[] b) {
                    out.write(b);
                } else {
                    for (int x : (int[]) v) {
                        out.writeInt(x);
                    }
                }
            }
            out.flush();
            new DataOutputStream(raw).writeLong(crc.getValue());
        });
    }

    /** Reads a checkpoint; {@link Unusable} if it is not one, of another version, truncated or damaged. */
    public static Checkpoint read(Path path) {
        long size;
        try {
            size = Files.size(path);
        } catch (IOException e) {
            throw new Unusable("cannot be read: " + IoErrors.describe(e));
        }
        CRC32C crc = new CRC32C();
        try (InputStream raw = new java.io.BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
            DataInputStream in = new DataInputStream(new java.util.zip.CheckedInputStream(raw, crc));
            if (size < 20 || in.readInt() != MAGIC) {
                throw new Unusable("is not a layerwise checkpoint");
            }
            int version = in.readInt();
            if (version != FORMAT_VERSION) {
                throw new Unusable("has format version " + version + "; this layerwise reads version " + FORMAT_VERSION);
            }
            int hl = in.readInt();
            if (hl < 2 || hl > MAX_HEADER || hl > size) {
                throw new Unusable("is damaged (header length " + hl + ")");
            }
            byte[] h = in.readNBytes(hl);
            if (h.length != hl) {
                throw new Unusable("is truncated");
            }
            JsonNode header = Json.MAPPER.readTree(h);
            Checkpoint c = new Checkpoint();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.path("text").fields(); it.hasNext(); ) {
                var e = it.next();
                c.text.put(e.getKey(), e.getValue().asText());
            }
            long remaining = size - 12 - hl - 8;
            for (JsonNode f : header.path("numbers")) {
                String type = f.path("type").asText();
                long n = f.path("length").asLong(-1);
                int width = type.equals("i32") ? 4 : type.equals("u8") ? 1 : 8;
                if (n < 0 || n * width > remaining) {
                    throw new Unusable("is truncated or damaged (field '" + f.path("name").asText() + "')");
                }
                remaining -= n * width;
                Object v = switch (type) {
                    case "f64" -> {
                        double[] d = new double[(int) n];
                        for (int i = 0; i < n; i++) {
                            d[i] = in.readDouble();
                        }
                        yield d;
                    }
                    case "i64" -> {
                        long[] d = new long[(int) n];
                        for (int i = 0; i < n; i++) {
                            d[i] = in.readLong();
                        }
                        yield d;
                    }
                    case "i32" -> {
                        int[] d = new int[(int) n];
                        for (int i = 0; i < n; i++) {
                            d[i] = in.readInt();
                        }
                        yield d;
                    }
                    case "u8" -> {
                        byte[] d = new byte[(int) n];
                        in.readFully(d);
                        yield d;
                    }
                    default -> throw new Unusable("has a field of unknown type '" + type + "'");
                };
                c.numbers.put(f.path("name").asText(), v);
            }
            long expected = crc.getValue();
            long stored = new DataInputStream(raw).readLong();
            if (stored != expected || raw.read() != -1) {
                throw new Unusable("is damaged (checksum mismatch)");
            }
            return c;
        } catch (java.io.EOFException e) {
            throw new Unusable("is truncated");
        } catch (IOException e) {
            throw new Unusable("cannot be read: " + IoErrors.describe(e));
        }
    }
}
