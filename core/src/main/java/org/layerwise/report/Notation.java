package org.layerwise.report;

import java.util.Map;

/**
 * Turns a small ASCII markup into mathematical notation with Unicode letters, for chart titles,
 * axis labels and legends (which are plain text, not HTML):
 * <ul>
 *   <li>Greek letter names as whole words: {@code delta} → δ, {@code beta} → β, {@code epsilon} → ε,
 *       {@code Sigma} → Σ ({@code deltaA} stays as it is: not a whole word); also {@code nabla} → ∇,
 *       {@code partial} → ∂, {@code sqrt} → √;</li>
 *   <li>{@code x_k}, {@code x_{k-1}}, {@code x_(k+1)}: subscript; {@code L^beta}, {@code L^{-1/2}},
 *       {@code L^(1-beta)}: superscript. Without braces the script is one run of letters and digits,
 *       with an optional leading sign ({@code L^-beta} → L⁻ᵝ) and decimal points between digits. Unicode has sub/superscript forms for
 *       digits, signs, parentheses and most lowercase letters; a script containing any other character
 *       (for example {@code _F} or {@code ^{1/2}}) is kept as written, braces dropped and its own
 *       markup rendered ({@code nabla_{A_k}} → ∇_Aₖ);</li>
 *   <li>{@code ||} → ‖, {@code <=} → ≤, {@code >=} → ≥, {@code +-} → ±;</li>
 *   <li>text already in Unicode (δ, ε, ₖ) passes through unchanged.</li>
 * </ul>
 */
public final class Notation {
    private static final Map<String, String> GREEK = Map.ofEntries(
            Map.entry("alpha", "α"), Map.entry("beta", "β"), Map.entry("gamma", "γ"), Map.entry("delta", "δ"),
            Map.entry("epsilon", "ε"), Map.entry("zeta", "ζ"), Map.entry("eta", "η"), Map.entry("theta", "θ"),
            Map.entry("iota", "ι"), Map.entry("kappa", "κ"), Map.entry("lambda", "λ"), Map.entry("mu", "μ"),
            Map.entry("nu", "ν"), Map.entry("xi", "ξ"), Map.entry("pi", "π"), Map.entry("rho", "ρ"),
            Map.entry("sigma", "σ"), Map.entry("tau", "τ"), Map.entry("upsilon", "υ"), Map.entry("phi", "φ"),
            Map.entry("chi", "χ"), Map.entry("psi", "ψ"), Map.entry("omega", "ω"),
            Map.entry("Gamma", "Γ"), Map.entry("Delta", "Δ"), Map.entry("Theta", "Θ"), Map.entry("Lambda", "Λ"),
            Map.entry("Xi", "Ξ"), Map.entry("Pi", "Π"), Map.entry("Sigma", "Σ"), Map.entry("Phi", "Φ"),
            Map.entry("Psi", "Ψ"), Map.entry("Omega", "Ω"), Map.entry("nabla", "∇"), Map.entry("partial", "∂"),
            Map.entry("sqrt", "√"));

    private static final String SUB_FROM = "0123456789+-=()aehijklmnoprstuvxβγρφχ";
    private static final String SUB_TO = "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ";
    private static final String SUP_FROM = "0123456789+-=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUWαβγδεθιφχ";
    private static final String SUP_TO = "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁᵂᵅᵝᵞᵟᵋᶿᶥᵠᵡ";

    private Notation() {
    }

    /** The text with its markup rendered (see the class comment); {@code null} stays {@code null}. */
    public static String format(String text) {
        if (text == null) {
            return null;
        }
        String s = greek(text).replace("||", "‖").replace("<=", "≤").replace(">=", "≥").replace("+-", "±");
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if ((c == '_' || c == '^') && i > 0 && i + 1 < s.length()) {
                int end = scriptEnd(s, i + 1);
                if (end > i + 1) {
                    String script = s.substring(i + 1, end);
                    if (script.startsWith("{")) {
                        script = script.substring(1, script.length() - 1);
                    }
                    String mapped = c == '_' ? map(script, SUB_FROM, SUB_TO) : map(script, SUP_FROM, SUP_TO);
                    out.append(mapped != null ? mapped : c + format(script));
                    i = end;
                    continue;
                }
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    /** End (exclusive) of the script starting at {@code start}: a {...} or (...) group, or [sign] letters/digits. */
    private static int scriptEnd(String s, int start) {
        char first = s.charAt(start);
        if (first == '{' || first == '(') {
            char close = first == '{' ? '}' : ')';
            int depth = 0;
            for (int j = start; j < s.length(); j++) {
                if (s.charAt(j) == first) {
                    depth++;
                } else if (s.charAt(j) == close && --depth == 0) {
                    return j + 1;
                }
            }
            return start;
        }
        int j = start;
        if (first == '-' || first == '+') {
            j++;
        }
        int letters = j;
        // a decimal point between digits belongs to the number (L^0.5 must not read L⁰.5)
        while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j))
                || (s.charAt(j) == '.' && j > letters && Character.isDigit(s.charAt(j - 1)) && j + 1 < s.length()
                    && Character.isDigit(s.charAt(j + 1))))) {
            j++;
        }
        return j > letters ? j : start;
    }

    private static String map(String script, String from, String to) {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < script.length(); k++) {
            int at = from.indexOf(script.charAt(k));
            if (at < 0) {
                return null;
            }
            b.append(to.charAt(at));
        }
        return b.toString();
    }

    /** Replaces whole words (maximal runs of ASCII letters) that name a Greek letter. */
    private static String greek(String s) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            if (isAsciiLetter(s.charAt(i))) {
                int j = i;
                while (j < s.length() && isAsciiLetter(s.charAt(j))) {
                    j++;
                }
                String word = s.substring(i, j);
                out.append(GREEK.getOrDefault(word, word));
                i = j;
            } else {
                out.append(s.charAt(i++));
            }
        }
        return out.toString();
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
