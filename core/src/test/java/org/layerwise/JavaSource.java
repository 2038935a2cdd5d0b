package org.layerwise;

import java.util.ArrayList;
import java.util.List;

/**
 * A Java source file cut into what an architecture rule reads: the code without comments and string
 * contents, and the string literals apart (text blocks apart again). A small lexer, not a regex, so a
 * {@code "//"} or {@code "/*"} inside a string is not taken for a comment.
 *
 * @param code         the source with comments removed and every literal replaced by {@code ""}
 * @param literals     the contents of the ordinary string literals, as written (escapes left as they are)
 * @param textBlocks   the contents of the text blocks
 */
record JavaSource(String code, List<String> literals, List<String> textBlocks) {
    static JavaSource parse(String src) {
        StringBuilder code = new StringBuilder();
        List<String> literals = new ArrayList<>();
        List<String> blocks = new ArrayList<>();
        int i = 0;
        int n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (src.startsWith("//", i)) {
                int end = src.indexOf('\n', i);
                i = end < 0 ? n : end;
            } else if (src.startsWith("/*", i)) {
                int end = src.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                code.append(' ');
            } else if (src.startsWith("\"\"\"", i)) {
                int end = src.indexOf("\"\"\"", i + 3);
                while (end > 0 && src.charAt(end - 1) == '\\') {
                    end = src.indexOf("\"\"\"", end + 1);
                }
                end = end < 0 ? n : end;
                blocks.add(src.substring(i + 3, end));
                code.append("\"\"");
                i = Math.min(n, end + 3);
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && src.charAt(j) != c && src.charAt(j) != '\n') {
                    j += src.charAt(j) == '\\' ? 2 : 1;
                }
                if (c == '"') {
                    literals.add(src.substring(i + 1, Math.min(j, n)));
                    code.append("\"\"");
                } else {
                    code.append("' '");
                }
                i = j + 1;
            } else {
                code.append(c);
                i++;
            }
        }
        return new JavaSource(code.toString(), literals, blocks);
    }
}
