package org.layerwise.config;

/**
 * An invalid setting or config file, reported before any work starts. The message is one line that
 * names the file or key, the problem, and what is allowed or what to do; the command line prints it
 * as is, without a stack trace.
 */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Longest stretch of a user's value repeated in a message; longer values are cut with an ellipsis. */
    static final int QUOTE_LIMIT = 60;

    /**
     * @param message the whole message; line breaks are replaced by spaces, since callers print it as
     *     the one line a user sees
     */
    public ConfigException(String message) {
        super(oneLine(message));
    }

    /**
     * A user's value made safe to repeat inside one line of a message: control characters (line breaks,
     * NUL, escape sequences) are written as {@code \n} or {@code \u001b}, and values longer than
     * {@value #QUOTE_LIMIT} characters are cut. Callers add the quotes around it.
     */
    public static String quote(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        int n = value.length();
        for (int i = 0; i < n && sb.length() < QUOTE_LIMIT; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
            if (sb.length() >= QUOTE_LIMIT && i < n - 1) {
                return sb + "\u2026";
            }
        }
        return sb.toString();
    }

    private static String oneLine(String message) {
        if (message == null || message.isBlank()) {
            return "invalid setting";
        }
        return message.strip().replaceAll("\\s*[\\r\\n\\u2028\\u2029]+\\s*", " ");
    }
}
