package org.layerwise.report;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.layerwise.io.AtomicFiles;

/**
 * Builds one self-contained report page, the same way for every study: title, intro, a highlighted
 * verdict with evidence, sections of paragraphs, tables, figures and preformatted blocks, notes tagged
 * with where a claim comes from, and a provenance section.
 *
 * <p>Self-contained: styles are inline and figures are inlined SVG; nothing is fetched from the network
 * (the PNG/SVG links point at files beside the page). The one script is {@link #HOVER_SCRIPT}, inline and
 * only on a page whose figures carry hover values: it shows the value under the pointer in a label on
 * the page (a browser's own tooltip for an SVG {@code <title>} is slow, small and absent from
 * screenshots); without scripts the titles still show as tooltips. Every piece of text
 * is HTML-escaped; only figure SVG produced by this package's instruments is inserted as markup.
 *
 * <p>A live page ({@link #live(int, Instant)}) reloads itself every N seconds (a meta refresh) and
 * shows when it was last written; leave it off for a finished report. Write it with
 * {@link #write(Path)}, which replaces the file atomically, so a reloading browser never reads half a page.
 */
public final class HtmlReport {
    /** Where a statement comes from; shown as a small badge such as [paper]. */
    public enum Source {
        /** Stated in the paper being reproduced. */
        PAPER,
        /** Follows from the paper's statements by a short derivation. */
        DERIVED,
        /** Our reading where the paper is silent (e.g. thresholds it does not publish). */
        INFERRED,
        /** What the authors' public code does (where it differs from or adds to the paper). */
        CODE,
        /** A choice or measurement of this toolkit. */
        LAYERWISE;

        /** The badge text, e.g. {@code [paper]}. */
        public String tag() {
            return "[" + name().toLowerCase(Locale.ROOT) + "]";
        }
    }

    /** Column alignment in a {@link Table}. */
    public enum Align { LEFT, RIGHT }

    /**
     * A table: a header row and rows of cells. Numbers are formatted with {@link #number(double)}
     * (null and NaN read "–"); a column whose cells are all numbers (or empty) is right-aligned,
     * any other left-aligned, unless set with {@link #align(int, Align)}.
     */
    public static final class Table {
        private final List<String> header;
        private final List<Object[]> rows = new ArrayList<>();
        private final Align[] align;

        /** A table with these column headings. */
        public Table(String... header) {
            if (header.length == 0) {
                throw new IllegalArgumentException("a table needs at least one column");
            }
            this.header = List.of(header);
            this.align = new Align[header.length];
        }

        /** Adds a row; it must have one cell per column. */
        public Table row(Object... cells) {
            if (cells.length != header.size()) {
                throw new IllegalArgumentException("table row has " + cells.length + " cells, the header has " + header.size());
            }
            rows.add(cells.clone());
            return this;
        }

        /** Fixes the alignment of column {@code column} (0-based). */
        public Table align(int column, Align a) {
            align[column] = a;
            return this;
        }

        /** The number of rows. */
        public int size() {
            return rows.size();
        }

        private Align alignment(int col) {
            if (align[col] != null) {
                return align[col];
            }
            return rows.stream().allMatch(r -> r[col] == null || r[col] instanceof Number) ? Align.RIGHT : Align.LEFT;
        }

        private String html() {
            StringBuilder h = new StringBuilder("<table>\n<thead><tr>");
            for (int c = 0; c < header.size(); c++) {
                h.append("<th class=\"").append(cls(c)).append("\">").append(escape(header.get(c))).append("</th>");
            }
            h.append("</tr></thead>\n<tbody>\n");
            for (Object[] r : rows) {
                h.append("<tr>");
                for (int c = 0; c < r.length; c++) {
                    h.append("<td class=\"").append(cls(c)).append("\">").append(escape(cell(r[c]))).append("</td>");
                }
                h.append("</tr>\n");
            }
            return h.append("</tbody></table>\n").toString();
        }

        private String cls(int c) {
            return alignment(c) == Align.RIGHT ? "r" : "l";
        }

        private static String cell(Object o) {
            if (o == null) {
                return "–";
            }
            if (o instanceof Double || o instanceof Float) {
                return number(((Number) o).doubleValue());
            }
            return String.valueOf(o);
        }
    }

    private static final String CSS = String.join("",
            "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;max-width:1040px;margin:2em auto;",
            "padding:0 1.2em;color:#222;line-height:1.5;font-size:16px}",
            "h1{font-size:1.8em;margin:.2em 0 .4em}h2{font-size:1.35em;margin:1.8em 0 .5em;border-bottom:1px solid #ddd;padding-bottom:.2em}",
            ".intro{font-size:1.05em;color:#333}",
            ".verdict{background:#eef4ff;border-left:5px solid #3b6fd8;padding:.8em 1.2em;margin:1.2em 0}",
            ".verdict .headline{font-size:1.3em;font-weight:bold;margin:0 0 .3em}.verdict ul{margin:.3em 0}",
            ".live{background:#fff4d6;border:1px solid #e0c060;padding:.3em .8em;display:inline-block;font-size:14px}",
            "table{border-collapse:collapse;margin:1em 0;font-size:14px}td,th{border:1px solid #ccc;padding:3px 8px}",
            "th{background:#f3f3f3}.r{text-align:right;font-variant-numeric:tabular-nums}.l{text-align:left}",
            "figure{margin:1.5em 0}figure svg{width:100%;max-width:1000px;height:auto;display:block}",
            "figcaption{font-size:14px;color:#444;margin-top:.3em}",
            "pre{background:#f7f7f7;padding:1em;overflow:auto;white-space:pre-wrap;overflow-wrap:anywhere;font-size:12.5px;line-height:1.35}",
            ".note{font-size:14px;color:#333}.tag{display:inline-block;font-size:12px;font-family:monospace;padding:0 .4em;",
            "border-radius:3px;margin-right:.4em;vertical-align:1px}",
            ".tag-paper{background:#dff0d8;color:#2b5a1f}.tag-derived{background:#e3ecfa;color:#1f3f7a}",
            ".tag-inferred{background:#fcefd9;color:#7a4d0b}.tag-layerwise{background:#ececec;color:#333}",
            ".tag-code{background:#f1e4f7;color:#5a2a70}",
            ".claim{border:1px solid #c9d3e6;background:#f8faff;padding:.6em 1.2em;margin:1em 0}",
            ".claim .what{font-size:1.2em;font-weight:bold;margin:.2em 0}.claim .preset{font-size:14px;color:#444;margin:.2em 0}",
            ".caveat{background:#fff3e0;border:2px solid #d9822b;border-left-width:8px;padding:.6em 1.2em;margin:1.2em 0}",
            ".caveat .head{font-weight:bold;color:#8a4500;margin:0 0 .3em}.caveat ul{margin:.3em 0}",
            "nav.toc{background:#fafafa;border:1px solid #ddd;padding:.4em 1.2em;margin:1.2em 0;font-size:15px;display:inline-block}",
            "nav.toc ol{margin:.2em 0;padding-left:1.4em}nav.toc .head{font-weight:bold;margin:.2em 0}",
            "figcaption .fignum{font-weight:bold}figcaption .data{color:#555}",
            ".hovertip{position:absolute;display:none;background:#fffbe6;border:1px solid #b59a3a;border-radius:3px;padding:1px 6px;",
            "font-size:13px;white-space:nowrap;pointer-events:none;box-shadow:0 1px 3px rgba(0,0,0,.25);z-index:10}",
            "g.hover>:hover{stroke:#111;stroke-width:1.5px}");
    /**
     * Shows a figure's hover value ({@link HoverLayer}: an SVG shape with a {@code <title>}) in a label
     * beside the shape under the pointer, and outlines the shape; the title moves into the shape's data
     * on first use, so the browser's own tooltip does not show the same text twice.
     */
    static final String HOVER_SCRIPT = String.join("",
            "(function(){var tip=document.createElement('div');tip.className='hovertip';tip.setAttribute('role','status');",
            "document.body.appendChild(tip);document.addEventListener('mouseover',function(e){",
            "var t=e.target&&e.target.closest?e.target.closest('g.hover>*'):null;if(!t){tip.style.display='none';return;}",
            "var ti=t.querySelector('title');if(ti){t.setAttribute('data-value',ti.textContent);ti.remove();}",
            "tip.textContent=t.getAttribute('data-value');tip.style.display='block';var r=t.getBoundingClientRect(),",
            "sx=window.scrollX,sy=window.scrollY,x=r.right+sx+6,y=r.top+sy-tip.offsetHeight-4;",
            "if(r.right+tip.offsetWidth+12>document.documentElement.clientWidth){x=r.left+sx-tip.offsetWidth-6;}",
            "if(x<sx){x=sx+2;}if(y<sy){y=r.bottom+sy+4;}tip.style.left=x+'px';tip.style.top=y+'px';});})();");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final String title;
    private final List<Function<Path, String>> blocks = new ArrayList<>();
    private final List<String> sections = new ArrayList<>();
    private int firstSectionBlock = -1;
    private int figures;
    private int refreshSeconds;
    private Instant lastUpdated;

    /** A page with this title (also its h1 heading). */
    public HtmlReport(String title) {
        this.title = title;
    }

    /** HTML-escapes text for element content and attribute values. */
    public static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * A number for a table: "–" for NaN/infinite, 0 as "0", 4 decimals from 0.001 to below 10,000,
     * otherwise 3 significant decimals in E notation (1.234e-05). Locale-independent.
     */
    public static String number(double v) {
        if (!Double.isFinite(v)) {
            return "–";
        }
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        return a >= 1e-3 && a < 1e4 ? String.format(Locale.ROOT, "%.4f", v) : String.format(Locale.ROOT, "%.3e", v);
    }

    /** A number with a fixed count of decimals (Locale-independent); "–" for NaN/infinite. */
    public static String number(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "–";
    }

    /** The opening paragraph. */
    public HtmlReport intro(String text) {
        blocks.add(base -> "<p class=\"intro\">" + escape(text) + "</p>\n");
        return this;
    }

    /** The highlighted summary box: a headline (e.g. the regime label) and its evidence as bullets. */
    public HtmlReport verdict(String headline, List<String> evidence) {
        blocks.add(base -> {
            StringBuilder h = new StringBuilder("<div class=\"verdict\"><p class=\"headline\">").append(escape(headline)).append("</p>");
            if (!evidence.isEmpty()) {
                h.append("<ul>");
                evidence.forEach(e -> h.append("<li>").append(escape(e)).append("</li>"));
                h.append("</ul>");
            }
            return h.append("</div>\n").toString();
        });
        return this;
    }

    /**
     * The heading block that says what the page tests: the settings it ran with (e.g. the preset) and
     * one line per claim, each with its source badge; with no claim, {@code none} says why (e.g. an
     * exploration). Put it first.
     */
    public HtmlReport claim(String settings, List<Source> sources, List<String> claims, String none) {
        if (sources.size() != claims.size()) {
            throw new IllegalArgumentException(sources.size() + " sources for " + claims.size() + " claims");
        }
        blocks.add(base -> {
            StringBuilder h = new StringBuilder("<div class=\"claim\">");
            if (claims.isEmpty()) {
                h.append("<p class=\"what\">").append(escape(none)).append("</p>");
            }
            for (int i = 0; i < claims.size(); i++) {
                h.append("<p class=\"what\">").append(i == 0 ? "Tests: " : "and: ").append(badge(sources.get(i))).append(escape(claims.get(i)))
                        .append("</p>");
            }
            return h.append("<p class=\"preset\">").append(escape(settings)).append("</p></div>\n").toString();
        });
        return this;
    }

    /**
     * A warning box: why these settings cannot show what the page tests (one line each), with a badge
     * saying where the rule comes from. Nothing is drawn when {@code lines} is empty. Put it above the verdict.
     */
    public HtmlReport caveat(String heading, Source source, List<String> lines) {
        if (lines.isEmpty()) {
            return this;
        }
        blocks.add(base -> {
            StringBuilder h = new StringBuilder("<div class=\"caveat\"><p class=\"head\">").append(badge(source)).append(escape(heading))
                    .append("</p><ul>");
            lines.forEach(l -> h.append("<li>").append(escape(l)).append("</li>"));
            return h.append("</ul></div>\n").toString();
        });
        return this;
    }

    /**
     * Starts a section with a heading. Every section is listed in the page's table of contents, which
     * stands just before the first section when the page has at least {@value #TOC_MIN_SECTIONS}.
     */
    public HtmlReport section(String heading) {
        sections.add(heading);
        if (firstSectionBlock < 0) {
            firstSectionBlock = blocks.size();
        }
        String id = sectionId(sections.size());
        blocks.add(base -> "<h2 id=\"" + id + "\">" + escape(heading) + "</h2>\n");
        return this;
    }

    /** The fewest sections for which a page gets a table of contents. */
    public static final int TOC_MIN_SECTIONS = 3;

    private static String sectionId(int number) {
        return "sec-" + number;
    }

    private String toc() {
        StringBuilder h = new StringBuilder("<nav class=\"toc\"><p class=\"head\">Contents</p><ol>");
        for (int i = 0; i < sections.size(); i++) {
            h.append("<li><a href=\"#").append(sectionId(i + 1)).append("\">").append(escape(sections.get(i))).append("</a></li>");
        }
        return h.append("</ol></nav>\n").toString();
    }

    /** A paragraph of plain text. */
    public HtmlReport paragraph(String text) {
        blocks.add(base -> "<p>" + escape(text) + "</p>\n");
        return this;
    }

    /** A short note with a badge saying where it comes from. */
    public HtmlReport note(Source source, String text) {
        blocks.add(base -> "<p class=\"note\">" + badge(source) + escape(text) + "</p>\n");
        return this;
    }

    /** The badge of a source, as HTML (for custom layouts). */
    public static String badge(Source source) {
        return "<span class=\"tag tag-" + source.name().toLowerCase(Locale.ROOT) + "\">" + escape(source.tag()) + "</span>";
    }

    /** A line of links to files beside the page (relative to its folder when written): "label: a, b, c". */
    public HtmlReport links(String label, List<Path> files) {
        blocks.add(base -> {
            return "<p class=\"note\">" + escape(label) + ": " + anchors(base, files) + "</p>\n";
        });
        return this;
    }

    /** A table, as it is when the page is rendered. */
    public HtmlReport table(Table table) {
        blocks.add(base -> table.html());
        return this;
    }

    /**
     * A figure: the instrument's SVG inline, its caption, and links to its PNG and SVG files
     * (relative to the page's folder when written with {@link #write(Path)}).
     */
    public HtmlReport figure(Figure figure, String caption) {
        return figure(figure, caption, List.of());
    }

    /**
     * A figure, numbered in page order ("Figure 3."), with its caption, links to its PNG and SVG files
     * and to the data files it is drawn from ({@code data}: CSV, JSON, .npy beside the page; links are
     * relative to the page's folder when written with {@link #write(Path)}).
     */
    public HtmlReport figure(Figure figure, String caption, List<Path> data) {
        if (figure.svg() == null || !figure.svg().startsWith("<svg")) {
            throw new IllegalArgumentException("figure " + figure.name() + " has no SVG drawing");
        }
        int number = ++figures;
        List<Path> files = List.copyOf(data);
        blocks.add(base -> {
            StringBuilder h = new StringBuilder("<figure id=\"fig-").append(escape(figure.name())).append("\">").append(figure.svg())
                    .append("<figcaption><span class=\"fignum\">Figure ").append(number).append(".</span> ").append(escape(caption))
                    .append(" (<a href=\"").append(escape(link(base, figure.png()))).append("\">PNG</a>, <a href=\"")
                    .append(escape(link(base, figure.svgFile()))).append("\">SVG</a>)");
            if (!files.isEmpty()) {
                h.append(" <span class=\"data\">Data: ").append(anchors(base, files)).append("</span>");
            }
            return h.append("</figcaption></figure>\n").toString();
        });
        return this;
    }

    /** The number of figures added so far (the next one is numbered one more). */
    public int figures() {
        return figures;
    }

    /** Comma-separated links to files, each labelled with its path relative to the page. */
    private static String anchors(Path base, List<Path> files) {
        StringBuilder h = new StringBuilder();
        for (int i = 0; i < files.size(); i++) {
            String l = link(base, files.get(i));
            h.append(i == 0 ? "" : ", ").append("<a href=\"").append(escape(l)).append("\">").append(escape(l)).append("</a>");
        }
        return h.toString();
    }

    private static String link(Path base, Path file) {
        Path target = base == null ? file.getFileName() : base.toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize());
        return target.toString().replace(java.io.File.separatorChar, '/');
    }

    /** Preformatted text (a config, a JSON document), escaped. */
    public HtmlReport pre(String text) {
        blocks.add(base -> "<pre>" + escape(text) + "</pre>\n");
        return this;
    }

    /**
     * The provenance section: a sentence on what lies beside the report and how to regenerate it, then
     * each document (config, provenance JSON) as a preformatted block.
     */
    public HtmlReport provenance(String text, String... documents) {
        section("Provenance");
        paragraph(text);
        Arrays.stream(documents).forEach(this::pre);
        return this;
    }

    /**
     * Makes the page reload itself every {@code seconds} while a run is live, with a visible "live:
     * last updated" line. Do not call it for a finished report.
     */
    public HtmlReport live(int seconds, Instant updated) {
        if (seconds < 1) {
            throw new IllegalArgumentException("live refresh period must be at least 1 second, got " + seconds);
        }
        if (updated == null) {
            throw new IllegalArgumentException("a live page needs the time it was last updated");
        }
        this.refreshSeconds = seconds;
        this.lastUpdated = updated;
        return this;
    }

    /** The page, with figure links as bare file names. */
    public String html() {
        return html(null);
    }

    /** The page, with figure links relative to {@code base} (the folder the page is written to). */
    public String html(Path base) {
        StringBuilder h = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        h.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        if (refreshSeconds > 0) {
            h.append("<meta http-equiv=\"refresh\" content=\"").append(refreshSeconds).append("\">");
        }
        h.append("<title>").append(escape(title)).append("</title><style>").append(CSS).append("</style></head>\n<body>\n");
        h.append("<h1>").append(escape(title)).append("</h1>\n");
        if (refreshSeconds > 0) {
            h.append("<p class=\"live\">live: last updated ").append(escape(STAMP.format(lastUpdated)))
                    .append("; this page reloads every ").append(refreshSeconds).append(" s while the run goes on</p>\n");
        }
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < blocks.size(); i++) {
            if (i == firstSectionBlock && sections.size() >= TOC_MIN_SECTIONS) {
                body.append(toc());
            }
            body.append(blocks.get(i).apply(base));
        }
        h.append(body);
        if (body.indexOf("<g class=\"hover\"") >= 0) {
            h.append("<script>").append(HOVER_SCRIPT).append("</script>\n");
        }
        return h.append("</body></html>\n").toString();
    }

    /** Writes the page to {@code file} atomically; figure links are made relative to its folder. */
    public void write(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        AtomicFiles.writeString(file, html(parent));
    }
}
