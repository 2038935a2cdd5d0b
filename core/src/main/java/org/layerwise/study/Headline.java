package org.layerwise.study;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What a sweep shows of one entry's summary, in the flattened keys of its summary.json
 * ({@code exponents.beta_A.value}): which summary columns its entries table shows beside each entry's
 * identity, and which figure it plots across the entries (a figure is a key with {@code .value},
 * {@code .lower} and {@code .upper} columns). The study decides, from its own summary, so the sweep
 * needs no study's keys.
 *
 * @param columns   the summary columns the table shows, as patterns in which {@code *} stands for any text
 * @param figure    the figure this entry plots ("exponents.beta_A"), or null: the first figure with an interval
 * @param name      the figure's short name in titles and file names ("beta_A"); null: the figure's key
 * @param mixedName what the plot calls the figure when entries plot different ones ("beta of the effective
 *                  weights"); null: the first entry's figure
 */
public record Headline(List<String> columns, String figure, String name, String mixedName) {
    /** The coverage of every entry, and the first figure of the summary with an interval. */
    public static final Headline DEFAULT = new Headline(List.of("coverage"), null, null, null);

    public Headline {
        columns = List.copyOf(columns);
    }

    /** Whether the table shows this flattened summary column. */
    public boolean shows(String column) {
        for (String p : columns) {
            String regex = Pattern.quote(p).replace("*", "\\E.*\\Q");
            if (column.matches(regex)) {
                return true;
            }
        }
        return false;
    }
}
