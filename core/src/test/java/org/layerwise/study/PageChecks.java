package org.layerwise.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.layerwise.io.Json;

/**
 * What a study page written to disk must give a reader who navigates it (the review of §3's reports):
 * every link to a file beside it leads to a file that exists, every figure links the data it is
 * drawn from, and the preset it ran with stands in the title, the heading and the verdict's headline.
 * For the pages' tests; it reads the written report.html as a browser would find it.
 */
public final class PageChecks {
    private static final Pattern HREF = Pattern.compile("\\shref=\"([^\"]*)\"");
    private static final Pattern FIGURE = Pattern.compile("<figure id=\"fig-([^\"]+)\">.*?<figcaption>(.*?)</figcaption></figure>", Pattern.DOTALL);

    private PageChecks() {
    }

    static String read(Path page) {
        try {
            return Files.readString(page);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text of an attribute value, as a browser reads it. */
    static String unescape(String s) {
        return s.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    /**
     * Every href of the page that names a local file (not an anchor "#..." on the page, not a network
     * address) resolves, from the page's folder, to a file or folder that exists.
     *
     * @return the files linked, in page order (at least one)
     */
    public static List<Path> assertLocalLinksExist(Path page) {
        Path base = page.toAbsolutePath().getParent();
        List<Path> out = new ArrayList<>();
        Matcher m = HREF.matcher(read(page));
        while (m.find()) {
            String href = unescape(m.group(1));
            String lower = href.toLowerCase(Locale.ROOT);
            if (href.startsWith("#") || lower.startsWith("http:") || lower.startsWith("https:") || lower.startsWith("mailto:")) {
                continue;
            }
            assertFalse(href.isEmpty(), "an empty href in " + page);
            Path f = base.resolve(href).normalize();
            assertTrue(Files.exists(f), page.getFileName() + " links " + href + ", which does not exist (" + f + ")");
            out.add(f);
        }
        assertFalse(out.isEmpty(), page + " links no file");
        return out;
    }

    /**
     * Every figure's caption links, after its PNG and SVG, the data it is drawn from ("Data: a, b").
     *
     * @return the number of figures (at least one)
     */
    public static int assertEveryFigureHasData(Path page) {
        Matcher m = FIGURE.matcher(read(page));
        int n = 0;
        while (m.find()) {
            n++;
            String caption = m.group(2);
            assertTrue(caption.contains("<span class=\"data\">Data: <a href=\""), "figure " + m.group(1) + " links no data file: " + caption);
        }
        assertTrue(n > 0, page + " has no figure");
        return n;
    }

    /** The title and the h1 heading end in "(preset P)", and the verdict's headline starts "P preset: ". */
    public static void assertPresetNamed(Path page, String preset) {
        String html = read(page);
        assertEquals(tag(html, "<title>", "</title>"), tag(html, "<h1>", "</h1>"), "the heading is the title");
        String title = tag(html, "<title>", "</title>");
        assertTrue(title.endsWith("(preset " + preset + ")"), "title: " + title);
        String headline = tag(html, "<div class=\"verdict\"><p class=\"headline\">", "</p>");
        assertTrue(headline.startsWith(preset + " preset: "), "the verdict's headline: " + headline);
    }

    private static String tag(String html, String open, String close) {
        int i = html.indexOf(open);
        assertTrue(i >= 0, "no " + open);
        int j = html.indexOf(close, i + open.length());
        return html.substring(i + open.length(), j);
    }

    /** Writes the provenance.json a study launched with {@code --preset P} leaves in its folder (its command line, as the runner records it). */
    public static void recordPreset(StudyFolder folder, String study, String preset) {
        Json.write(folder.file(StudyFolder.PROVENANCE), Map.of("command_line",
                List.of("layerwise", study, "--preset", preset)));
    }
}
