package org.layerwise.reproduce;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.layerwise.config.ConfigException;
import org.layerwise.config.ConfigSpec;
import org.layerwise.data.DataException;
import org.layerwise.io.Json;
import org.layerwise.study.Study;
import org.layerwise.study.StudyConfig;
import org.layerwise.study.StudyConfigs;
import org.layerwise.study.StudyFiles;
import org.layerwise.study.StudyRegistry;

/**
 * A reproduction: the chosen claims at one scale, the studies they need (each once, however many claims
 * share it), run through the study framework (so resuming, locking, verification and executors come
 * with it), then every claim's test on the finished studies, written as claims.json and report.html.
 *
 * <p>Everything is checked before anything runs or is written: every study's settings, and every study's
 * data (it is opened and closed again). Running the same command again resumes: finished studies are
 * verified and skipped, and the claims are evaluated again.
 */
public final class Reproduction {
    public static final String CLAIMS_JSON = "claims.json";
    public static final String REPORT = StudyFiles.REPORT;
    /** Where the studies' folders go, under the reproduction folder. */
    public static final String STUDIES = "studies";

    /** Runs one study into its folder, as the command line would; returns the study command's exit code. */
    @FunctionalInterface
    public interface Launcher {
        int run(Study study, StudyUse use, Map<String, String> settings, Path folder);
    }

    /** One study of the plan: its use, the claims that need it, and its settings with the reproduction's own (device, data path). */
    public record Planned(StudyUse use, List<String> claims, Map<String, String> settings, Path folder) {
    }

    private final Scale scale;
    private final List<Claim> claims;
    private final Path out;
    private final List<Planned> plan = new ArrayList<>();

    /**
     * @param extra settings given to every study whose spec has the key (e.g. device=cuda, data-path=...); others ignore them
     */
    public Reproduction(Scale scale, List<Claim> claims, Path out, Map<String, String> extra) {
        this.scale = scale;
        this.claims = List.copyOf(claims);
        this.out = out;
        Map<String, Planned> byKey = new LinkedHashMap<>();
        for (Claim c : claims) {
            for (StudyUse u : c.at(scale).uses()) {
                Planned p = byKey.get(u.key());
                if (p == null) {
                    Study st = StudyRegistry.get(u.study());
                    Map<String, String> s = new LinkedHashMap<>(u.settings());
                    extra.forEach((k, v) -> {
                        if (has(st.spec(), k)) {
                            s.put(k, v);
                        }
                    });
                    p = new Planned(u, new ArrayList<>(), s, out.resolve(STUDIES).resolve(u.folderName()));
                    byKey.put(u.key(), p);
                }
                p.claims().add(c.id());
            }
        }
        plan.addAll(byKey.values());
    }

    private static boolean has(ConfigSpec spec, String key) {
        return spec.keys().stream().anyMatch(k -> k.name().equals(key));
    }

    public List<Planned> plan() {
        return plan;
    }

    public Scale scale() {
        return scale;
    }

    /**
     * Checks every study's settings and opens its data, writing nothing; a ConfigException or DataException
     * that names the claims concerned otherwise.
     */
    public void check() {
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        for (Planned p : plan) {
            Study st = StudyRegistry.get(p.use().study());
            String who = "claim" + (p.claims().size() > 1 ? "s " : " ") + String.join(", ", p.claims()) + " (" + p.use().study() + " --preset "
                    + p.use().preset() + ")";
            StudyConfig cfg;
            try {
                cfg = StudyConfigs.resolve(st, p.use().preset(), null, p.settings());
            } catch (ConfigException e) {
                throw new ConfigException(who + ": " + e.getMessage());
            }
            try (Study.Session s = st.open(cfg, quiet)) {
                // opened: the data and the engine are there
            } catch (DataException e) {
                throw new DataException(who + " need" + (p.claims().size() > 1 ? "" : "s") + " data that is missing: " + e.getMessage());
            } catch (ConfigException e) {
                throw new ConfigException(who + ": " + e.getMessage());
            }
        }
    }

    /** Runs every planned study with the launcher (skipping none: the framework skips what is finished), then writes the claims. */
    public Map<String, Object> run(Launcher launcher, PrintStream log) {
        Map<String, Double> minutes = new LinkedHashMap<>();
        Map<String, Integer> codes = new LinkedHashMap<>();
        for (Planned p : plan) {
            log.println("== study " + p.use().folderName() + " for claim(s) " + String.join(", ", p.claims()) + ": " + p.use().label());
            long t0 = System.nanoTime();
            int rc = launcher.run(StudyRegistry.get(p.use().study()), p.use(), p.settings(), p.folder());
            minutes.put(p.use().folderName(), (System.nanoTime() - t0) / 6e10);
            codes.put(p.use().folderName(), rc);
            write(minutes, codes); // a partial page after every study, so a long reproduction can be watched
            log.println();
        }
        return write(minutes, codes);
    }

    /** Evaluates every claim on the folders as they are now (no training) and writes claims.json and report.html. */
    public Map<String, Object> write(Map<String, Double> minutes, Map<String, Integer> codes) {
        List<ClaimsReport.Row> rows = new ArrayList<>();
        for (Claim c : claims) {
            rows.add(new ClaimsReport.Row(c, c.at(scale), evaluate(c, codes)));
        }
        Map<String, Object> json = ClaimsReport.json(scale, rows, plan, minutes, codes);
        Json.write(out.resolve(CLAIMS_JSON), json);
        ClaimsReport.html(scale, rows, plan, minutes, out).write(out.resolve(REPORT));
        return json;
    }

    Verdict evaluate(Claim c, Map<String, Integer> codes) {
        Claim.Setting s = c.at(scale);
        if (s.notTestable() != null) {
            return Verdict.notTestable(s.notTestable(), List.of());
        }
        List<Evidence> ev = new ArrayList<>();
        for (StudyUse u : s.uses()) {
            Path folder = out.resolve(STUDIES).resolve(u.folderName());
            Path summary = StudyRegistry.get(u.study()).files().summary(folder);
            if (!Files.isRegularFile(summary)) {
                Integer rc = codes.get(u.folderName());
                String why = rc == null ? "the study has not run yet" : "the study stopped with exit code " + rc + " before its summary";
                return new Verdict(Verdict.Status.INCONCLUSIVE, why + " (" + u.folderName() + ")", List.of(), "finish the study: run the same"
                        + " command again (it resumes)", List.of());
            }
            JsonNode j;
            try {
                j = Json.read(summary);
            } catch (RuntimeException e) {
                return new Verdict(Verdict.Status.INCONCLUSIVE, summary + " is unreadable: " + e.getMessage(), List.of(), "rerun the study", List.of());
            }
            ev.add(new Evidence(u, folder, j));
        }
        try {
            return c.test().apply(scale, ev);
        } catch (RuntimeException e) {
            return new Verdict(Verdict.Status.INCONCLUSIVE, "the test could not read the study's summary (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")", List.of(), "rerun the study with this version", List.of());
        }
    }
}
