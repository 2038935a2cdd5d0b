package org.layerwise.study;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.layerwise.config.ConfigException;
import org.layerwise.data.Dataset;
import org.layerwise.engine.FusedKernel;
import org.layerwise.model.ResidualMlp;
import org.layerwise.io.Json;
import org.layerwise.train.TrainingListener;

/**
 * The depth-scaling study of Cohen, Cont, Rossier & Xu (ICML 2021): train the residual MLP at every
 * depth of a geometric grid (and several seeds), then analyse how the trained weights scale with
 * depth. Depths run in parallel within a thread budget; finished runs are skipped, so an interrupted
 * study is resumed by running the same command again.
 */
public final class ScalingStudy {
    private final ScalingConfig config;
    private final Path out;
    private final PrintStream log;

    public ScalingStudy(ScalingConfig config, Path out, PrintStream log) {
        this.config = config;
        this.out = out;
        this.log = log;
    }

    private record Job(int depth, int seedIndex) {
    }

    /** Runs (or resumes) every training run, then writes the analysis and report; returns the summary. */
    public Map<String, Object> run(List<String> commandLine) {
        checkFolder();
        Dataset data = StudyData.load(config); // a missing file fails here, before anything is written
        List<Integer> depths = config.depths();
        Json.write(out.resolve("config.json"), config.asMap());
        Map<String, Object> prov = Provenance.gather(commandLine);
        prov.put("dataset", Map.of("name", data.name(), "rows", data.size(), "dim", data.dim()));
        prov.put("seed", config.seed());
        prov.put("threads", config.threads());
        prov.put("kernel_threads", config.kernelThreads() == 0 ? "auto (see each result.json)" : config.kernelThreads());
        Json.write(out.resolve("provenance.json"), prov);

        List<Job> jobs = new ArrayList<>();
        for (int depth : depths) {
            for (int s = 0; s < config.seeds(); s++) {
                if (!Files.exists(out.resolve("depths").resolve(DepthRun.folderName(depth, s)).resolve(DepthRun.RESULT))) {
                    jobs.add(new Job(depth, s));
                }
            }
        }
        int total = depths.size() * config.seeds();
        log.printf("scaling study: %d depths (%d..%d) x %d seed(s) = %d runs, %d already done; output %s%n",
                depths.size(), depths.get(0), depths.get(depths.size() - 1), config.seeds(), total, total - jobs.size(), out);
        jobs.sort(Comparator.comparingInt(Job::depth).reversed()); // longest first balances the workers
        int kernelThreads = config.kernelThreads() > 0 ? config.kernelThreads()
                : Math.max(1, config.threads() / Math.max(1, Math.min(jobs.size(), config.threads())));
        int workers = Math.max(1, Math.min(jobs.size(), config.threads() / kernelThreads));
        // the deepest network bounds what one worker holds: activations, float32 and float64 weights,
        // gradient and optimizer state; never run more at once than the heap can hold
        if (!jobs.isEmpty()) {
            ResidualMlp deepest = new ResidualMlp(jobs.get(0).depth(), config.width(), config.activation(), config.delta());
            long perJob = (config.float64() ? 4 : 2) * FusedKernel.activationBytes(deepest, config.batchSize())
                    + 48L * deepest.parameterCount();
            long fit = Math.max(1, (long) (0.8 * Runtime.getRuntime().maxMemory()) / perJob);
            if (fit < workers) {
                log.printf("memory: %d MiB per run at L=%d, heap %d MiB: running %d at a time instead of %d%n", perJob >> 20,
                        deepest.depth(), Runtime.getRuntime().maxMemory() >> 20, fit, workers);
                workers = (int) fit;
            }
        }
        int deepest = depths.get(depths.size() - 1);
        long start = System.nanoTime();
        AtomicInteger done = new AtomicInteger(total - jobs.size());
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Job j : jobs) {
                futures.add(pool.submit(() -> {
                    Path dir = out.resolve("depths").resolve(DepthRun.folderName(j.depth(), j.seedIndex()));
                    Map<String, Object> r = DepthRun.run(config, data, j.depth(), j.seedIndex(), kernelThreads, dir,
                            new Heartbeat(j.depth(), j.seedIndex(), config.maxUpdates(), log),
                            j.depth() == deepest && j.seedIndex() == 0);
                    int n = done.incrementAndGet();
                    log.printf("[%d/%d] L=%d seed %d: %s after %d updates, train loss %s (%.1f s; elapsed %s)%n", n, total,
                            j.depth(), j.seedIndex(), r.get("stop_reason"), (Long) r.get("updates"),
                            r.get("train_loss") == null ? "n/a" : String.format("%.3e", (Double) r.get("train_loss")),
                            (Double) r.get("seconds"), clock(System.nanoTime() - start));
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            pool.shutdownNow();
        }
        log.println("training done; analysing");
        return new ScalingAnalysis(out, log).run();
    }

    /** Refuses to mix runs of different settings in one folder. */
    private void checkFolder() {
        Path cfg = out.resolve("config.json");
        if (!Files.exists(cfg)) {
            return;
        }
        // compare typed values: JSON alone cannot tell an int 60 from a long 60
        Map<String, Object> old = ScalingConfig.fromJson(Json.read(cfg)).runSettings();
        Map<String, Object> now = config.runSettings();
        for (String k : now.keySet()) {
            if (k.startsWith("depth-")) {
                continue; // a folder may be extended to more depths: finished ones are reused
            }
            Object o = old.get(k);
            if (!java.util.Objects.equals(o, now.get(k))) {
                throw new ConfigException(k + ": the output folder " + out + " holds a study with " + k + " = " + o
                        + ", not " + now.get(k) + "; choose another --out or delete the folder");
            }
        }
    }

    static String clock(long nanos) {
        long s = nanos / 1_000_000_000L;
        return String.format("%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }

    /** Progress of one long run, at most every 10 seconds. */
    private static final class Heartbeat implements TrainingListener {
        private final int depth;
        private final int seed;
        private final long max;
        private final PrintStream log;
        private final long start = System.nanoTime();
        private long last = System.nanoTime();

        Heartbeat(int depth, int seed, long max, PrintStream log) {
            this.depth = depth;
            this.seed = seed;
            this.max = max;
            this.log = log;
        }

        @Override
        public void onUpdate(long updates, double loss) {
            long now = System.nanoTime();
            if (now - last > 10_000_000_000L) {
                last = now;
                double rate = updates / ((now - start) / 1e9);
                log.printf("  L=%d seed %d: update %d/%d, batch loss %.3e, %.1f updates/s, at most %s left%n", depth, seed,
                        updates, max, loss, rate, clock((long) ((max - updates) / rate * 1e9)));
            }
        }
    }
}
