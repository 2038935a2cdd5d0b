package org.layerwise.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {
    private static final String NASTY = "<script>alert('x')</script> & \"quoted\"";

    @TempDir
    Path dir;

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    /** Every src/href/xlink:href attribute value, and url(...) in styles. */
    static List<String> references(String html) {
        Matcher m = Pattern.compile("(?i)(?:\\s(?:src|href|xlink:href|action|poster|data)\\s*=\\s*(?:'([^']*)'|\"([^\"]*)\"|([^\\s>]+)))"
                + "|url\\(\\s*['\"]?([^)'\"]*)").matcher(html);
        List<String> out = new java.util.ArrayList<>();
        while (m.find()) {
            for (int g = 1; g <= 4; g++) {
                if (m.group(g) != null) {
                    out.add(m.group(g));
                }
            }
        }
        return out;
    }

    /** Self-contained: no script but the hover labels' own, no stylesheet links, nothing fetched from a network address. */
    static void assertSelfContained(String html) {
        String own = "<script>" + HtmlReport.HOVER_SCRIPT + "</script>";
        assertTrue(count(html, own) <= 1, "the hover script twice");
        assertEquals(html.contains("<g class=\"hover\""), html.contains(own), "the hover script exactly where a figure has hover values");
        html = html.replace(own, "");
        for (String ref : references(html)) {
            String r = ref.trim().toLowerCase(Locale.ROOT);
            assertFalse(r.startsWith("http:") || r.startsWith("https:") || r.startsWith("//") || r.startsWith("ftp:"), "external reference " + ref);
        }
        assertFalse(html.toLowerCase(Locale.ROOT).contains("<script"), "a script");
        assertFalse(html.toLowerCase(Locale.ROOT).contains("<link"), "a linked resource");
        assertFalse(html.toLowerCase(Locale.ROOT).contains("@import"), "an imported stylesheet");
        assertFalse(html.toLowerCase(Locale.ROOT).contains("<iframe"), "a frame");
    }

    /** The hover script reads only the page: no address, no storage, no eval, no other script. */
    @Test
    void theHoverScriptFetchesNothing() {
        String js = HtmlReport.HOVER_SCRIPT;
        for (String banned : List.of("http", "//", "fetch", "XMLHttpRequest", "eval", "import", "src", "href", "localStorage", "cookie",
                "innerHTML")) {
            assertFalse(js.contains(banned), banned);
        }
        assertTrue(js.contains("textContent"), "the value is set as text, never as markup");
    }

    @Test
    void everyPieceOfTextIsEscaped() {
        HtmlReport.Table t = new HtmlReport.Table(NASTY, "n").row(NASTY, 1.5);
        String html = new HtmlReport(NASTY).intro(NASTY).verdict(NASTY, List.of(NASTY)).section(NASTY).paragraph(NASTY)
                .note(HtmlReport.Source.PAPER, NASTY).table(t).pre(NASTY).provenance(NASTY, NASTY).html();
        assertFalse(html.contains("<script>"), "raw markup got through");
        assertFalse(html.contains("'x'"), "single quotes not escaped");
        String escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;";
        assertEquals(13, count(html, escaped), "title x2, intro, headline, bullet, section, paragraph, note, header, cell, pre, provenance text and document");
        assertEquals("a&amp;b&lt;c&gt;d&quot;e&#39;f", HtmlReport.escape("a&b<c>d\"e'f"));
        assertEquals("", HtmlReport.escape(null));
    }

    @Test
    void theDemoPageIsSelfContainedWithUniqueIdsAndLocalLinks() throws Exception {
        ReportDemo.render(dir, false);
        String html = Files.readString(dir.resolve("report.html"));
        assertSelfContained(html);
        assertTrue(html.contains("href=\"plots/max_norm_vs_depth.png\"") && html.contains("href=\"plots/update_heatmap.svg\""),
                "figure links are relative to the page");
        Matcher ids = Pattern.compile("\\sid=['\"]([^'\"]+)['\"]").matcher(html);
        Set<String> seen = new HashSet<>();
        int n = 0;
        while (ids.find()) {
            assertTrue(seen.add(ids.group(1)), "id " + ids.group(1) + " used twice: inlined SVGs would clip each other");
            n++;
        }
        assertTrue(n > 6, "expected the figures' ids");
        assertEquals(6, count(html, "<figure "), "six figures");
        assertEquals(6, count(html, "<svg "), "each figure inlined");
        assertFalse(html.contains("http-equiv=\"refresh\""), "a finished report does not reload");
        assertFalse(html.contains("live: last updated"));
    }

    @Test
    void plainTextMayMentionAWebAddress() {
        String html = new HtmlReport("t").paragraph("see https://arxiv.org/abs/2105.12245").html();
        assertSelfContained(html);
        assertTrue(html.contains("see https://arxiv.org/abs/2105.12245"));
        String linked = "<p><a href=\"https://example.org\">x</a><img src='http://example.org/a.png'></p>";
        assertThrows(AssertionError.class, () -> assertSelfContained(linked), "the checker itself catches external references");
    }

    @Test
    void structure() {
        HtmlReport.Table t = new HtmlReport.Table("L", "stopped", "loss").row(3, "CONVERGED", 1.25e-5).row(10, "TMAX", Double.NaN)
                .row(30, null, 0.5);
        String html = new HtmlReport("Study").intro("intro").verdict("ODE-like", List.of("a", "b", "c")).section("Exponents").table(t)
                .note(HtmlReport.Source.INFERRED, "our rule").section("Runs").paragraph("p").provenance("beside", "{}", "{\"a\": 1}").html();
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertEquals(1, count(html, "<h1>"));
        assertEquals(3, count(html, "<h2 "), "Exponents, Runs, Provenance");
        assertTrue(html.indexOf("class=\"verdict\"") < html.indexOf(">Exponents</h2>"), "the verdict comes first");
        assertEquals(3 + 3, count(html, "<li>"), "three bullets, three entries of the contents");
        assertTrue(html.contains("<th class=\"r\">L</th><th class=\"l\">stopped</th><th class=\"r\">loss</th>"), "numeric columns right-aligned");
        assertTrue(html.contains("<td class=\"r\">1.250e-05</td>") && html.contains("<td class=\"r\">–</td>")
                && html.contains("<td class=\"r\">0.5000</td>"), "numbers formatted");
        assertTrue(html.contains("<span class=\"tag tag-inferred\">[inferred]</span>our rule"));
        assertEquals(2, count(html, "<pre>"), "provenance documents");
        assertTrue(html.indexOf(">Provenance</h2>") < html.indexOf("<pre>{}</pre>"));
        assertTrue(html.trim().endsWith("</html>"));
        t.align(1, HtmlReport.Align.RIGHT);
        assertTrue(new HtmlReport("x").table(t).html().contains("<th class=\"r\">stopped</th>"));
        assertThrows(IllegalArgumentException.class, () -> t.row(1, 2));
    }

    @Test
    void contentsFigureNumbersAndDataLinks() throws Exception {
        Path plots = Files.createDirectories(dir.resolve("plots"));
        Figure f = new Figure("a", "<svg/>", plots.resolve("a.png"), plots.resolve("a.svg"), 10, 10);
        Figure g = new Figure("b", "<svg/>", plots.resolve("b.png"), plots.resolve("b.svg"), 10, 10);
        HtmlReport page = new HtmlReport("t").verdict("v", List.of()).section("One").figure(f, "first").section("Two & more")
                .figure(g, "second", List.of(dir.resolve("runs/L3/loss.csv"), dir.resolve("summary.json"))).section("Three");
        page.write(dir.resolve("report.html"));
        String html = Files.readString(dir.resolve("report.html"));
        int toc = html.indexOf("<nav class=\"toc\">");
        assertTrue(toc > html.indexOf("class=\"verdict\"") && toc < html.indexOf("<h2 "), "the contents stand before the first section");
        assertTrue(html.contains("<li><a href=\"#sec-2\">Two &amp; more</a></li>") && html.contains("<h2 id=\"sec-2\">Two &amp; more</h2>"),
                "each entry links to its section");
        assertEquals(3, count(html, "<li><a href=\"#sec-"));
        assertTrue(html.contains("<span class=\"fignum\">Figure 1.</span> first") && html.contains("<span class=\"fignum\">Figure 2.</span> second"),
                "figures numbered in page order");
        assertEquals(1, count(html, "Data: "), "only the figure given data files links them");
        assertTrue(html.contains("Data: <a href=\"runs/L3/loss.csv\">runs/L3/loss.csv</a>, <a href=\"summary.json\">summary.json</a>"),
                "data links relative to the page");
        assertEquals(2, page.figures());
        String short2 = new HtmlReport("t").section("One").section("Two").html();
        assertFalse(short2.contains("<nav"), "no contents for a page of two sections");
    }

    @Test
    void aLivePageReloadsAndSaysWhenItWasWritten() throws Exception {
        HtmlReport page = new HtmlReport("running").paragraph("p").live(15, Instant.parse("2025-03-04T05:06:07Z"));
        page.write(dir.resolve("live.html"));
        String html = Files.readString(dir.resolve("live.html"));
        assertTrue(html.contains("<meta http-equiv=\"refresh\" content=\"15\">"));
        assertTrue(html.contains("live: last updated 2025-03-04 05:06:07 UTC"));
        assertThrows(IllegalArgumentException.class, () -> page.live(0, Instant.now()));
    }

    @Test
    void numbersAreLocaleIndependent() {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            assertEquals("0.5000", HtmlReport.number(0.5));
            assertEquals("1.234e+05", HtmlReport.number(123_400));
            assertEquals("-1.000e-04", HtmlReport.number(-1e-4));
            assertEquals("0", HtmlReport.number(0));
            assertEquals("–", HtmlReport.number(Double.POSITIVE_INFINITY));
            assertEquals("2.50", HtmlReport.number(2.5, 2));
        } finally {
            Locale.setDefault(saved);
        }
    }

    /** The claim heading names settings and each claim with its badge; an empty caveat draws nothing, a full one a box. */
    @Test
    void claimHeadingAndCaveatBox() {
        String h = new HtmlReport("t").claim("Preset: quick", List.of(HtmlReport.Source.PAPER), List.of("ratios converge to 1"), "")
                .caveat("Cannot show:", HtmlReport.Source.DERIVED, List.of()).caveat("Cannot show:", HtmlReport.Source.DERIVED, List.of("too shallow"))
                .verdict("headline", List.of()).html();
        assertTrue(h.contains("[paper]</span>ratios converge to 1") && h.contains("Preset: quick"), h);
        assertEquals(1, h.split("class=\"caveat\"", -1).length - 1, "one box: the empty caveat draws nothing");
        assertTrue(h.indexOf("too shallow") < h.indexOf("<p class=\"headline\">"));
        String none = new HtmlReport("t").claim("Settings: custom", List.of(), List.of(), "Exploration: no claim").html();
        assertTrue(none.contains("Exploration: no claim"));
    }
}
