package org.layerwise.reproduce;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.layerwise.report.HtmlReport;
import org.layerwise.report.HtmlReport.Source;

/** claims.json and the claims page of a reproduction: one row per claim, then one section per claim with its figures and links. */
final class ClaimsReport {
    /** Figures inlined per claim (the rest are linked). */
    static final int INLINE_FIGURES = 2;

    /** A claim, its setting at the scale, and what its test decided. */
    record Row(Claim claim, Claim.Setting setting, Verdict verdict) {
    }

    private ClaimsReport() {
    }

    static Map<String, Object> json(Scale scale, List<Row> rows, List<Reproduction.Planned> plan, Map<String, Double> minutes,
            Map<String, Integer> codes) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scale", scale.id());
        m.put("scale_description", scale.description());
        m.put("counts", counts(rows).entrySet().stream().collect(LinkedHashMap::new, (a, e) -> a.put(e.getKey().label(), e.getValue()),
                Map::putAll));
        List<Map<String, Object>> claims = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("id", r.claim().id());
            c.put("paper", r.claim().paper());
            c.put("title", r.claim().title());
            c.put("statement", r.claim().statement());
            c.put("source", r.claim().source().tag());
            c.put("quoted_from", r.claim().where());
            c.put("statistic", r.claim().statistic());
            c.put("rule", r.claim().rule());
            c.put("setting", r.setting().notTestable() == null ? r.setting().description() : null);
            c.put("studies", r.setting().uses().stream().map(StudyUse::folderName).toList());
            c.put("commands", r.setting().uses().stream().map(StudyUse::command).toList());
            c.putAll(r.verdict().json());
            claims.add(c);
        }
        m.put("claims", claims);
        List<Map<String, Object>> studies = new ArrayList<>();
        for (Reproduction.Planned p : plan) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("folder", Reproduction.STUDIES + "/" + p.use().folderName());
            s.put("study", p.use().study());
            s.put("preset", p.use().preset());
            s.put("settings", p.settings());
            s.put("for_claims", p.claims());
            s.put("command", p.use().command());
            s.put("minutes_this_invocation", minutes.get(p.use().folderName()));
            s.put("exit_code", codes.get(p.use().folderName()));
            studies.add(s);
        }
        m.put("studies", studies);
        m.put("minutes_total_this_invocation", minutes.values().stream().mapToDouble(Double::doubleValue).sum());
        return m;
    }

    static Map<Verdict.Status, Integer> counts(List<Row> rows) {
        Map<Verdict.Status, Integer> n = new EnumMap<>(Verdict.Status.class);
        for (Verdict.Status s : Verdict.Status.values()) {
            n.put(s, 0);
        }
        rows.forEach(r -> n.merge(r.verdict().status(), 1, Integer::sum));
        return n;
    }

    static String mark(Verdict.Status s) {
        return switch (s) {
            case REPRODUCED -> "✔ reproduced";
            case NOT_REPRODUCED -> "✘ not reproduced";
            case INCONCLUSIVE -> "? inconclusive";
            case NOT_TESTABLE -> "– not testable at this scale";
        };
    }

    static HtmlReport html(Scale scale, List<Row> rows, List<Reproduction.Planned> plan, Map<String, Double> minutes, Path out) {
        HtmlReport h = new HtmlReport("layerwise: reproduction of the papers' claims (" + scale.id() + " scale)");
        h.intro("Each row is a headline claim of Mehmeti-Göpel & Wand (ICML 2024, weight dynamics of normalized networks) or Cohen, Cont,"
                + " Rossier & Xu (ICML 2021, scaling properties of deep residual networks), tested at the " + scale.id() + " scale ("
                + scale.description() + "). The statistic and the decision rule of every claim were written down before the run (docs/reproduce.md);"
                + " a claim is called reproduced only when its test passed.");
        Map<Verdict.Status, Integer> n = counts(rows);
        List<String> ev = new ArrayList<>();
        for (Row r : rows) {
            ev.add("(" + r.claim().id() + ") " + r.claim().title() + ": " + r.verdict().status().label());
        }
        h.verdict(String.format(Locale.ROOT, "%d claims: %d reproduced, %d not reproduced, %d inconclusive, %d not testable at this scale",
                rows.size(), n.get(Verdict.Status.REPRODUCED), n.get(Verdict.Status.NOT_REPRODUCED), n.get(Verdict.Status.INCONCLUSIVE),
                n.get(Verdict.Status.NOT_TESTABLE)), ev);
        HtmlReport.Table t = new HtmlReport.Table("claim", "paper", "statement", "setting", "measured", "verdict");
        for (Row r : rows) {
            String figs = String.join("; ", r.verdict().figures().stream().limit(3).map(f -> f.name() + " " + f.text()).toList());
            t.row(r.claim().id(), r.claim().paper(), r.claim().title(), r.setting().notTestable() == null ? r.setting().description() : "–",
                    figs.isEmpty() ? "–" : figs, mark(r.verdict().status()));
        }
        h.section("Claims");
        h.table(t);
        for (Row r : rows) {
            section(h, r, out);
        }
        h.section("Studies");
        HtmlReport.Table st = new HtmlReport.Table("study folder", "for claims", "command (to run it alone)", "minutes (this invocation)");
        List<Path> reports = new ArrayList<>();
        for (Reproduction.Planned p : plan) {
            st.row(Reproduction.STUDIES + "/" + p.use().folderName(), String.join(", ", p.claims()), p.use().command(), minutes.get(p.use().folderName()));
            reports.add(p.folder().resolve(Reproduction.REPORT));
        }
        h.table(st);
        h.links("Study reports", reports);
        h.provenance("Beside this page: claims.json (every verdict with its figures, rule and study folders) and studies/STUDY/ (each with its own"
                + " report.html, summary.json, config.json and provenance.json). Rerunning the same command resumes and re-evaluates.");
        return h;
    }

    static void section(HtmlReport h, Row r, Path out) {
        Claim c = r.claim();
        Verdict v = r.verdict();
        h.section("(" + c.id() + ") " + c.title() + " — " + v.status().label());
        h.note(c.source(), "“" + c.statement() + "” (" + c.paper() + "; quoted from " + c.where() + ")");
        h.note(Source.LAYERWISE, "Statistic: " + c.statistic() + ".");
        h.note(Source.LAYERWISE, "Test, fixed before the run: " + c.rule() + ".");
        Claim.Setting s = r.setting();
        if (s.notTestable() == null) {
            h.paragraph("Setting: " + s.description() + ". Run alone: " + String.join(" ; ", s.uses().stream().map(StudyUse::command).toList()));
        }
        if (!v.caveats().isEmpty()) {
            h.caveat("What this setting cannot show", Source.LAYERWISE, v.caveats());
        }
        h.verdict(mark(v.status()) + ": " + v.reason(), v.decide() == null ? List.of() : List.of("would decide it: " + v.decide()));
        if (!v.figures().isEmpty()) {
            HtmlReport.Table ft = new HtmlReport.Table("figure", "value [95% interval] or bound", "interval");
            v.figures().forEach(f -> ft.row(f.name(), f.text(), f.how()));
            h.table(ft);
        }
        List<Path> files = new ArrayList<>();
        for (StudyUse u : s.uses()) {
            Path folder = out.resolve(Reproduction.STUDIES).resolve(u.folderName());
            files.add(folder.resolve(Reproduction.REPORT));
            for (String pattern : c.plots()) {
                matching(folder, pattern).stream().filter(f -> !files.contains(f)).forEach(files::add); // the first pattern that names a plot places it
            }
        }
        int inlined = 0;
        for (Path f : files) {
            if (inlined < INLINE_FIGURES && f.toString().endsWith(".svg") && Files.isRegularFile(f)) {
                try {
                    String svg = Files.readString(f);
                    Path png = f.resolveSibling(f.getFileName().toString().replaceAll("\\.svg$", ".png"));
                    // the claim in the name: two claims may show the same plot, and a page needs unique figure ids
                    h.figure(new org.layerwise.report.Figure("claim" + c.id() + "-" + f.getFileName(), svg, png, f, 0, 0), out.relativize(f).toString());
                    inlined++;
                } catch (IOException | IllegalArgumentException e) {
                    // a figure that cannot be read is still linked below
                }
            }
        }
        if (!files.isEmpty()) {
            h.links("The study's report and figures", files.stream().filter(Files::exists).toList());
        }
    }

    /** Files of a folder matching a glob relative to it ("plots/spread_d*.svg"), sorted; none when the folder is missing. */
    static List<Path> matching(Path folder, String pattern) {
        int slash = pattern.lastIndexOf('/');
        Path dir = slash < 0 ? folder : folder.resolve(pattern.substring(0, slash));
        String glob = slash < 0 ? pattern : pattern.substring(slash + 1);
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, glob)) {
            ds.forEach(out::add);
        } catch (IOException e) {
            return out;
        }
        out.sort(null);
        return out;
    }
}
