package org.layerwise.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;

/**
 * Reads a config file, JSON or YAML, into a plain tree of settings, turning every problem with the
 * file into one {@link ConfigException} line that names the file (and line and column where there is
 * one), the problem, and what to do.
 *
 * <p>Format: {@code .json} is JSON; {@code .yaml} and {@code .yml} are YAML; any other name is JSON when
 * its first non-blank character is <code>{</code> or {@code [}, else YAML. A UTF-8 byte-order mark is
 * skipped.
 *
 * <p>Rejected, each with its own message: a missing file, a folder or device, an unreadable file,
 * files over {@link #MAX_BYTES} (refused from their size, before reading), binary content (NUL or
 * other control bytes, invalid UTF-8, UTF-16), an empty file or one holding no settings, malformed
 * JSON or YAML (with line and column), comments in JSON (YAML allows them), duplicate keys at any
 * level, a top level that is not an object/mapping, several YAML documents, nesting deeper than
 * {@link #MAX_DEPTH}.
 *
 * <p>YAML is read as plain data only: it is parsed event by event and never constructs objects.
 * Explicit tags ({@code !!java/object:...}, {@code !foo}, also {@code !!str}), anchors ({@code &a})
 * and aliases ({@code *a}) are rejected rather than ignored, since a config that relies on them would
 * silently mean something else here. YAML scalars that are not in the plain-decimal grammar of
 * {@link ConfigSpec} (hex {@code 0x10}, {@code 1_000}, {@code .inf}) are kept as text, so a number
 * setting rejects them exactly as it rejects the same text given as a flag; {@code yes}/{@code on}
 * stay text, only {@code true}/{@code false} are booleans.
 */
public final class ConfigFiles {
    /** Largest config file read: 1 MiB; a settings file is a few hundred bytes. */
    public static final long MAX_BYTES = 1 << 20;
    /** Deepest nesting accepted; settings are flat, so deeper is a mistake (and bounds recursion). */
    public static final int MAX_DEPTH = 32;

    /** The two formats a config file may have. */
    public enum Format { JSON, YAML }

    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    // duplicates are found by the tree builder below (with both lines), not by the parsers
    private static final JsonFactory JSON = new JsonFactory();
    private static final YAMLFactory YAML = YAMLFactory.builder().enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL).build();
    private static final Pattern PLAIN_INTEGER = Pattern.compile("[+-]?[0-9]{1,100}");
    private static final Pattern PLAIN_DECIMAL = Pattern.compile("[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");
    private static final String YAML_CORE_TAG = "tag:yaml.org,2002:";

    private ConfigFiles() {
    }

    /**
     * Reads {@code file} as JSON or YAML (by extension, else by its first character) into an object of
     * settings. Every problem is a one-line {@link ConfigException} starting with the file's name.
     */
    public static ObjectNode read(Path file) {
        String source = file.toString();
        return parse(load(file, source), source, formatOf(file.getFileName() == null ? "" : file.getFileName().toString()));
    }

    /**
     * Parses a config's bytes, with every check of {@link #read} but the file-system ones.
     *
     * @param source the name used in messages
     * @param format JSON, YAML, or null to decide from the content (first non-blank character <code>{</code>
     *     or {@code [} means JSON)
     */
    public static ObjectNode parse(byte[] content, String source, Format format) {
        String text = decode(content, source);
        Format f = format != null ? format : sniff(text);
        return f == Format.JSON ? parseJson(text, source, format == null) : parseYaml(text, source);
    }

    /** The format a file name implies: JSON for .json, YAML for .yaml/.yml, null (decide by content) otherwise. */
    public static Format formatOf(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        if (n.endsWith(".json")) {
            return Format.JSON;
        }
        if (n.endsWith(".yaml") || n.endsWith(".yml")) {
            return Format.YAML;
        }
        return null;
    }

    // ---- file system ----

    private static byte[] load(Path file, String source) {
        if (!Files.exists(file)) {
            if (Files.notExists(file)) {
                throw new ConfigException(source + ": config file not found" + (file.isAbsolute() ? "" : " (relative to " + Path.of("").toAbsolutePath() + ")")
                        + "; give the path of a .json, .yaml or .yml file");
            }
            throw new ConfigException(source + ": cannot tell whether the config file exists (a parent folder is not readable); check its permissions");
        }
        if (Files.isDirectory(file)) {
            throw new ConfigException(source + ": is a folder, not a config file; give the path of a .json, .yaml or .yml file");
        }
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(source + ": not a regular file (a device, pipe or socket); give the path of a .json, .yaml or .yml file");
        }
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw tooLarge(source, size);
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes((int) MAX_BYTES + 1); // the file may have grown since size()
            }
            if (bytes.length > MAX_BYTES) {
                throw tooLarge(source, bytes.length);
            }
            return bytes;
        } catch (AccessDeniedException e) {
            throw new ConfigException(source + ": permission denied, cannot read the config file; make it readable (chmod u+r " + source + ")");
        } catch (IOException e) {
            throw new ConfigException(source + ": could not read the config file (" + e.getClass().getSimpleName().replace("Exception", "")
                    + (e.getMessage() == null ? "" : ": " + ConfigException.quote(e.getMessage())) + ")");
        }
    }

    private static ConfigException tooLarge(String source, long size) {
        return new ConfigException(source + ": " + String.format(Locale.ROOT, "%.1f MiB", size / (double) (1 << 20))
                + " is too large for a config file (the limit is 1 MiB); a config holds a few settings, data belongs in data-path");
    }

    // ---- bytes to text ----

    private static String decode(byte[] b, String source) {
        int start = 0;
        if (b.length >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF) {
            start = 3; // UTF-8 byte-order mark, as some Windows editors write
        } else if (b.length >= 2 && ((b[0] & 0xFF) == 0xFE && (b[1] & 0xFF) == 0xFF || (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xFE)) {
            throw new ConfigException(source + ": UTF-16 text; save the config as UTF-8");
        }
        if (b.length == start) {
            throw empty(source);
        }
        for (int i = start; i < b.length; i++) {
            int c = b[i] & 0xFF;
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7F) {
                throw binary(source, i - start);
            }
        }
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(b, start, b.length - start);
        CharBuffer out = CharBuffer.allocate(b.length - start);
        CoderResult r = dec.decode(in, out, true);
        if (r.isError()) {
            throw binary(source, in.position() - start);
        }
        dec.flush(out);
        String text = out.flip().toString();
        if (text.isBlank()) {
            throw empty(source);
        }
        return text;
    }

    private static ConfigException binary(String source, int offset) {
        return new ConfigException(source + ": not a text config (binary data at byte " + offset + "); give a UTF-8 JSON or YAML file");
    }

    private static ConfigException empty(String source) {
        return new ConfigException(source + ": the config file is empty; it should hold settings, e.g. {\"lr\": 0.05} in JSON or lr: 0.05 in YAML");
    }

    private static Format sniff(String text) {
        String t = text.stripLeading();
        return t.startsWith("{") || t.startsWith("[") ? Format.JSON : Format.YAML;
    }

    // ---- text to tree ----

    private static ObjectNode parseJson(String text, String source, boolean sniffed) {
        try (JsonParser p = JSON.createParser(text)) {
            return readRoot(p, source, Format.JSON);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            int line = at == null ? -1 : at.getLineNr();
            int column = at == null ? -1 : at.getColumnNr();
            String where = line > 0 ? "line " + line + ", column " + column + ": " : "";
            String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
            if (original.contains("ALLOW_COMMENTS") || original.contains("ALLOW_YAML_COMMENTS") || startsComment(text, line, column)) {
                throw new ConfigException(source + ": " + where + "comments are not allowed in JSON; remove them, or write the config as YAML (.yaml), which allows # comments");
            }
            String hint = sniffed ? " (read as JSON since it starts with '" + text.strip().charAt(0) + "'; if it is YAML, name it .yaml)"
                    : line == 1 && column <= 1 && sniff(text) != Format.JSON ? " (a .json file must hold a JSON object; if this is YAML, name it .yaml)" : "";
            throw new ConfigException(source + ": " + where + "malformed JSON: " + jacksonReason(original) + hint);
        } catch (IOException e) {
            throw new ConfigException(source + ": could not parse the config (" + ConfigException.quote(e.getMessage()) + ")");
        }
    }

    private static ObjectNode parseYaml(String text, String source) {
        try {
            checkPlainYaml(text, source);
            try (JsonParser p = YAML.createParser(text)) {
                return readRoot(p, source, Format.YAML);
            }
        } catch (MarkedYAMLException m) {
            throw malformedYaml(source, m);
        } catch (JsonProcessingException e) {
            if (e.getCause() instanceof MarkedYAMLException m) {
                throw malformedYaml(source, m);
            }
            JsonLocation at = e.getLocation();
            String where = at != null && at.getLineNr() > 0 ? "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": " : "";
            throw new ConfigException(source + ": " + where + "malformed YAML: " + jacksonReason(e.getOriginalMessage()));
        } catch (IOException | YAMLException e) {
            // snakeyaml reports some problems (e.g. its limits) as unchecked YAMLException
            throw new ConfigException(source + ": malformed YAML: " + ConfigException.quote(firstLine(e.getMessage())));
        }
    }

    private static ConfigException malformedYaml(String source, MarkedYAMLException m) {
        String context = m.getContext() == null ? "" : " (" + m.getContext() + ")";
        String where = m.getProblemMark() == null ? "" : "line " + (m.getProblemMark().getLine() + 1) + ", column " + (m.getProblemMark().getColumn() + 1) + ": ";
        return new ConfigException(source + ": " + where + "malformed YAML: " + firstLine(m.getProblem()) + context);
    }

    /** Jackson's reason without its "(start marker at [Source: ...])" tails, which quote the input. */
    private static String jacksonReason(String original) {
        String r = firstLine(original);
        int cut = r.indexOf(" (start marker at");
        if (cut < 0) {
            cut = r.indexOf(" at [Source");
        }
        if (cut >= 0) {
            r = r.substring(0, cut);
        }
        // Jackson lists JSON's literals, null among them, which reads like a leaked Java null
        return r.replace("end-of-input", "end of file")
                .replaceAll(": enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow", " (JSON numbers are finite)")
                .replaceAll(": enable `[A-Za-z_.]+` to allow", "")
                .replace("(JSON String, Number, Array, Object or token 'null', 'true' or 'false')", "(a string, number, object, list, true or false)")
                .replace("a valid value (", "a JSON value (")
                .replace("was expecting (", "was expecting a JSON value (")
                // the YAML parser names snakeyaml's event classes
                .replaceAll("Expected a field name \\(Scalar value in YAML\\), got this instead: <.*>",
                        "a key must be a plain name, not a list or mapping");
    }

    private static String firstLine(String s) {
        if (s == null || s.isBlank()) {
            return "unreadable content";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    /** Whether the text at 1-based (line, column) starts a comment: {@code //}, {@code /*} or {@code #}. */
    private static boolean startsComment(String text, int line, int column) {
        if (line < 1 || column < 1) {
            return false;
        }
        String[] lines = text.split("\r\n|\r|\n", -1);
        if (line > lines.length || column > lines[line - 1].length()) {
            return false;
        }
        String rest = lines[line - 1].substring(column - 1);
        return rest.startsWith("//") || rest.startsWith("/*") || rest.startsWith("#");
    }

    private static ObjectNode readRoot(JsonParser p, String source, Format format) throws IOException {
        JsonToken t = p.nextToken();
        if (t == null) {
            throw new ConfigException(source + ": holds no settings (only comments or blank lines); it should hold e.g. lr: 0.05");
        }
        if (t != JsonToken.START_OBJECT) {
            JsonNode top = readValue(p, source, format, 1);
            throw new ConfigException(source + ": the top level is " + describe(top)
                    + "; a config is an object of settings, e.g. {\"lr\": 0.05} in JSON or lr: 0.05 in YAML");
        }
        ObjectNode root = (ObjectNode) readValue(p, source, format, 1);
        JsonToken after = p.nextToken();
        if (after != null) {
            JsonLocation at = p.currentTokenLocation();
            throw new ConfigException(source + ": line " + at.getLineNr() + ", column " + at.getColumnNr() + ": "
                    + (format == Format.YAML ? "a second YAML document ('---'); a config is one document"
                            : "more content after the end of the JSON object; a config is one object"));
        }
        return root;
    }

    /** Builds the node at the parser's current token; duplicate keys and depth are checked here. */
    private static JsonNode readValue(JsonParser p, String source, Format format, int depth) throws IOException {
        JsonToken t = p.currentToken();
        if ((t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) && depth > MAX_DEPTH) {
            throw new ConfigException(source + ": " + at(p) + "nested more than " + MAX_DEPTH + " levels deep; settings are single values");
        }
        switch (t) {
            case START_OBJECT: {
                ObjectNode o = NODES.objectNode();
                Map<String, Integer> lineOf = new HashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String name = p.currentName();
                    int line = p.currentTokenLocation().getLineNr();
                    Integer first = lineOf.putIfAbsent(name, line);
                    if (first != null) {
                        throw new ConfigException(source + ": " + at(p) + "duplicate key '" + ConfigException.quote(name)
                                + "' (first at line " + first + "); each key may appear once");
                    }
                    p.nextToken();
                                o.set(name, readValue(p, source, format, depth + 1));
                }
                return o;
            }
            case START_ARRAY: {
                ArrayNode a = NODES.arrayNode();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                                a.add(readValue(p, source, format, depth + 1));
                }
                return a;
            }
            case VALUE_STRING:
                return NODES.textNode(p.getText());
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return number(p.getText());
            case VALUE_TRUE:
            case VALUE_FALSE:
                if (format == Format.JSON) {
                    return NODES.booleanNode(t == JsonToken.VALUE_TRUE);
                }
                String word = p.getText();
                return word.equals("true") || word.equals("false") ? NODES.booleanNode(word.equals("true")) : NODES.textNode(word);
            case VALUE_NULL:
                return NODES.nullNode();
            default:
                return NODES.textNode(p.getText());
        }
    }

    /**
     * A number from its text as written: exact when it is a plain decimal, else (YAML's {@code 0x10},
     * {@code 1_000}, {@code .inf}) the text itself, so that the settings' grammar judges it.
     */
    private static JsonNode number(String raw) {
        if (PLAIN_INTEGER.matcher(raw).matches()) {
            return NODES.numberNode(new BigInteger(raw));
        }
        if (raw.length() <= 100 && PLAIN_DECIMAL.matcher(raw).matches()) {
            try {
                return NODES.numberNode(new BigDecimal(raw));
            } catch (NumberFormatException e) {
                return NODES.textNode(raw); // exponent beyond int: ConfigSpec says so, naming the key
            }
        }
        return NODES.textNode(raw);
    }

    /**
     * Rejects YAML tags, anchors and aliases, walking snakeyaml's parse events: no node is composed and
     * no object constructed, so nothing in the file can run code or expand (no "billion laughs").
     */
    private static void checkPlainYaml(String text, String source) {
        ParserImpl events = new ParserImpl(new StreamReader(text), new LoaderOptions());
        String rule = "; configs are plain data, and YAML tags, anchors and aliases are not supported";
        Event e;
        do {
            e = events.getEvent();
            String where = "line " + (e.getStartMark().getLine() + 1) + ", column " + (e.getStartMark().getColumn() + 1) + ": ";
            if (e instanceof AliasEvent a) {
                throw new ConfigException(source + ": " + where + "YAML alias '*" + ConfigException.quote(a.getAnchor()) + "'" + rule);
            }
            if (e instanceof NodeEvent n && n.getAnchor() != null) {
                throw new ConfigException(source + ": " + where + "YAML anchor '&" + ConfigException.quote(n.getAnchor()) + "'" + rule);
            }
            String tag = e instanceof ScalarEvent sc ? sc.getTag() : e instanceof CollectionStartEvent c ? c.getTag() : null;
            if (tag != null) {
                String shown = tag.startsWith(YAML_CORE_TAG) ? "!!" + tag.substring(YAML_CORE_TAG.length()) : tag;
                throw new ConfigException(source + ": " + where + "YAML tag '" + ConfigException.quote(shown) + "'" + rule);
            }
        } while (!e.is(Event.ID.StreamEnd));
    }

    private static String at(JsonParser p) {
        JsonLocation l = p.currentTokenLocation();
        return l.getLineNr() > 0 ? "line " + l.getLineNr() + ", column " + l.getColumnNr() + ": " : "";
    }

    /** A node's kind in words, for "the top level is ...": "a list", "the number 3", "the text 'x'". */
    static String describe(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "missing";
        }
        if (n.isArray()) {
            return "a list";
        }
        if (n.isObject()) {
            return "an object";
        }
        if (n.isNull()) {
            return "null";
        }
        if (n.isBoolean()) {
            return "the boolean " + n.booleanValue();
        }
        if (n.isNumber()) {
            return "the number " + ConfigException.quote(n.isBigDecimal() ? n.decimalValue().toString() : n.asText());
        }
        return "the text '" + ConfigException.quote(n.asText()) + "'";
    }
}
