package org.layerwise.reproduce;

import java.util.List;
import java.util.function.Function;
import org.layerwise.report.HtmlReport;

/**
 * A headline claim of one of the papers, written down before anything runs: the statement (quoted, with
 * where it comes from), the setting that tests it at each scale, the statistic and the decision rule
 * with its tolerance. {@link #evaluate} applies the rule to the finished studies.
 *
 * @param id        a short number ("4"), as {@code --only} names it
 * @param paper     "Mehmeti-Göpel & Wand, ICML 2024" or "Cohen, Cont, Rossier & Xu, ICML 2021"
 * @param title     a few words ("the ELR warm-up lowers the spread")
 * @param statement the claim as the seeds or the design notes give it, quoted
 * @param source    whether the statement is the paper's ([paper]) or derived from it ([derived])
 * @param where     the file and section it is quoted from
 * @param statistic what is measured
 * @param rule      the decision rule with its tolerance, as fixed before the run [layerwise]
 * @param setting   the setting at each scale
 * @param test      the rule as code: the verdict from the evidence of the setting's studies (in the order of its uses)
 * @param plots     files of a study folder that show the claim (glob patterns relative to the folder, e.g. "plots/spread_d*.svg")
 */
public record Claim(String id, String paper, String title, String statement, HtmlReport.Source source, String where, String statistic,
        String rule, Function<Scale, Setting> setting, Test test, List<String> plots) {

    /** The rule as code. */
    @FunctionalInterface
    public interface Test {
        Verdict apply(Scale scale, List<Evidence> evidence);
    }

    /**
     * The setting of a claim at one scale: the studies it needs, or why it cannot be tested there.
     *
     * @param uses        the studies, in the order the test reads them
     * @param description the setting in words
     * @param notTestable why the claim is not testable at this scale (then {@code uses} is empty), or null
     */
    public record Setting(List<StudyUse> uses, String description, String notTestable) {
        public Setting {
            uses = List.copyOf(uses);
        }

        public static Setting of(String description, StudyUse... uses) {
            return new Setting(List.of(uses), description, null);
        }

        public static Setting notTestable(String why) {
            return new Setting(List.of(), "", why);
        }
    }

    public Setting at(Scale scale) {
        return setting.apply(scale);
    }
}
