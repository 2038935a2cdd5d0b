package org.layerwise.engine.torch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.layerwise.io.Json;

/**
 * The Python PyTorch side of {@code layerwise bench resnet}: finds an interpreter with torch, writes
 * the peer script (a resource of this jar) to a temporary folder and runs it there, in an environment
 * that gives the peer its best setting (see {@link #environment}).
 *
 * <p>The script runs from the temporary folder on purpose: Python puts the script's folder first on
 * its module path, and the repository root has a folder named {@code torch} (this module) that would
 * otherwise hide the real package.
 */
public final class PythonPeer {
    static final String SCRIPT = "resnet_peer.py";
    /** The serve loop and process description the peer scripts share, written beside them. */
    static final String HELPER = "peer_info.py";
    private static final String MARK = "PEER-RESULT ";

    /** Variables that move OpenBLAS off its best kernel; unset in the peer's environment only (engine.md). */
    static final List<String> UNSET = List.of("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE");

    private final String python;
    private final Path dir;

    private PythonPeer(String python, Path dir) {
        this.python = python;
        this.dir = dir;
    }

    /**
     * An interpreter found, or the one line saying why there is none.
     *
     * @param peer   the peer, or null
     * @param reason why there is no peer (null when there is one)
     */
    public record Found(PythonPeer peer, String reason) {
    }

    /**
     * The interpreter for {@code choice}: "none" (no peer), a path or command, or "auto": the first of
     * $LAYERWISE_PYTHON, /usr/bin/python3 (where Debian's python3-torch installs) and python3 on the
     * PATH that imports torch.
     */
    public static Found find(String choice, Path dir) {
        if (choice.equals("none")) {
            return new Found(null, "python peer skipped (--python none)");
        }
        List<String> candidates = new ArrayList<>();
        if (!choice.equals("auto")) {
            candidates.add(choice);
        } else {
            String env = System.getenv("LAYERWISE_PYTHON");
            if (env != null && !env.isBlank()) {
                candidates.add(env);
            }
            candidates.add("/usr/bin/python3");
            candidates.add("python3");
        }
        List<String> tried = new ArrayList<>();
        for (String c : candidates) {
            String problem = importsTorch(c, dir);
            if (problem == null) {
                return new Found(new PythonPeer(c, dir), null);
            }
            tried.add(c + ": " + problem);
        }
        return new Found(null, "python peer not run: no Python with torch (" + String.join("; ", tried)
                + "); install Debian's python3-torch and libopenblas0-pthread, or pass --python PATH");
    }

    /** Null when {@code python} runs and imports torch, else what went wrong in a few words. */
    private static String importsTorch(String python, Path dir) {
        ProcessBuilder pb = new ProcessBuilder(python, "-c", "import torch").directory(dir.toFile()).redirectErrorStream(true);
        try {
            Process p = pb.start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "import torch did not finish in 120 s";
            }
            if (p.exitValue() == 0) {
                return null;
            }
            return output.contains("No module named") ? "no module torch" : "import torch failed (" + lastLine(output) + ")";
        } catch (IOException e) {
            return "not found";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    public String python() {
        return python;
    }

    /**
     * The peer's environment: this process's, with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed,
     * OPENBLAS_NUM_THREADS=1 (torch's OpenMP threads do the parallel work; OpenBLAS's own threads on
     * top of them oversubscribe the cores, engine.md), OMP_NUM_THREADS and MKL_NUM_THREADS = threads.
     */
    public static Map<String, String> environment(Map<String, String> base, int threads) {
        Map<String, String> env = new LinkedHashMap<>(base);
        UNSET.forEach(env::remove);
        env.put("OPENBLAS_NUM_THREADS", "1");
        env.put("OMP_NUM_THREADS", Integer.toString(threads));
        env.put("MKL_NUM_THREADS", Integer.toString(threads));
        return env;
    }

    /** The peer's process as its PEER-RESULT object describes it: interpreter, torch, threads, CPU capability, BLAS library, core and threads. */
    static String describe(JsonNode result) {
        List<String> config = new ArrayList<>();
        result.path("config").forEach(n -> config.add(n.asText()));
        return result.path("executable").asText() + " " + result.path("python").asText() + ", torch " + result.path("torch").asText()
                + " (" + result.path("torch_file").asText() + "), " + result.path("threads").asInt() + " thread(s), "
                + String.join(", ", config).replace("- ", "").replace(" (Git Hash N/A)", "") + "; BLAS: "
                + result.path("blas_library").asText() + ", OpenBLAS core " + result.path("blas_core").asText() + ", "
                + result.path("blas_threads").asInt() + " BLAS thread(s) (" + result.path("blas_config").asText() + ")";
    }

    /** One line saying what {@link #environment} changes relative to {@code base}. */
    static String describeEnvironment(Map<String, String> base, int threads) {
        List<String> was = new ArrayList<>();
        for (String k : List.of("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                "GOTO_NUM_THREADS")) {
            was.add(k + "=" + (base.containsKey(k) ? "'" + base.get(k) + "'" : "unset"));
        }
        return String.format(Locale.ROOT, "peer environment: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (in the peer's environment only),"
                + " OPENBLAS_NUM_THREADS=1 beside torch.set_num_threads(%d), OMP_NUM_THREADS=%d, MKL_NUM_THREADS=%d"
                + " (this process has %s)", threads, threads, threads, String.join(", ", was));
    }

    /**
     * Starts the ResNet peer in serve mode: it builds the network and waits; {@link Session#step()} runs
     * one training step there. Throws {@link PeerFailed} with one line when it cannot start.
     */
    Session start(int depth, boolean residual, int batch, int classes, int threads, String device, double lr) {
        return serve(SCRIPT, List.of("--serve", "--depth", Integer.toString(depth), "--batch", Integer.toString(batch), "--threads",
                Integer.toString(threads), "--classes", Integer.toString(classes), "--residual", residual ? "short" : "no-short", "--device",
                device, "--lr", Double.toString(lr)), threads, residual ? "short" : "noshort");
    }

    /**
     * Starts {@code script} (a resource of this package, written to the peer's folder with
     * {@value #HELPER} beside it) with {@code args}, in {@link #environment} for {@code threads}, and
     * waits for its READY line; its standard error goes to peer-stderr-{@code tag}.txt there. Throws
     * {@link PeerFailed} with one line when it cannot start.
     */
    Session serve(String script, List<String> args, int threads, String tag) {
        Path file = resource(script);
        resource(HELPER);
        List<String> cmd = new ArrayList<>(List.of(python, file.toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        Map<String, String> env = environment(System.getenv(), threads);
        pb.environment().clear();
        pb.environment().putAll(env);
        Path errors = dir.resolve("peer-stderr-" + tag + ".txt");
        pb.redirectError(errors.toFile());
        try {
            Session s = new Session(pb.start(), errors);
            s.expect("READY");
            return s;
        } catch (IOException e) {
            throw new PeerFailed("python peer (" + python + ") could not start: " + e.getMessage());
        }
    }

    /** The resource {@code name} of this package, written to the peer's folder once. */
    private Path resource(String name) {
        Path file = dir.resolve(name);
        try {
            if (!Files.exists(file)) {
                try (InputStream in = PythonPeer.class.getResourceAsStream(name)) {
                    if (in == null) {
                        throw new PeerFailed("python peer script " + name + " is missing from the layerwise-torch jar (a packaging bug)");
                    }
                    Files.copy(in, file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the python peer script to " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    /** A running peer: one training step per {@link #step()}; {@link #finish()} ends it and returns its summary. */
    final class Session implements AutoCloseable {
        private final Process process;
        private final Path errors;
        private final BufferedReader out;
        private final Writer in;

        private Session(Process process, Path errors) {
            this.process = process;
            this.errors = errors;
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        }

        /**
         * Runs one step in the peer and returns what it answered: its wall-clock time and the CPU time
         * of its main thread in ms, its minor page faults (as the peer measured them, without the
         * pipe's latency), and the step's loss.
         */
        double[] step() {
            send("step");
            String line = expect("STEP ");
            try {
                String[] f = line.substring(5).trim().split("\\s+");
                double[] v = new double[f.length];
                for (int i = 0; i < f.length; i++) {
                    v[i] = number(f[i]);
                }
                if (v.length < 4) {
                    throw new NumberFormatException("4 fields expected");
                }
                return v;
            } catch (RuntimeException e) {
                throw failed("answered '" + line + "' to a step");
            }
        }

        /** A number as Python's %g prints it: also inf, -inf and nan (a diverged loss). */
        private static double number(String text) {
            return switch (text) {
                case "inf" -> Double.POSITIVE_INFINITY;
                case "-inf" -> Double.NEGATIVE_INFINITY;
                case "nan", "-nan" -> Double.NaN;
                default -> Double.parseDouble(text);
            };
        }

        /** Ends the peer and returns its result object (see the script). */
        JsonNode finish() {
            send("end");
            String line = expect(MARK);
            try {
                JsonNode result = Json.MAPPER.readTree(line.substring(MARK.length()));
                process.waitFor(60, TimeUnit.SECONDS);
                return result;
            } catch (IOException e) {
                throw failed("printed an unreadable result (" + e.getMessage() + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failed("was interrupted");
            }
        }

        private void send(String command) {
            try {
                in.write(command + "\n");
                in.flush();
            } catch (IOException e) {
                throw failed("stopped accepting commands");
            }
        }

        /** Reads the peer's output up to the first line that starts with {@code prefix}. */
        private String expect(String prefix) {
            try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith(prefix)) {
                        return line;
                    }
                }
            } catch (IOException e) {
                throw failed("could not be read (" + e.getMessage() + ")");
            }
            throw failed("ended early");
        }

        private PeerFailed failed(String what) {
            String err = "";
            try {
                if (process.waitFor(5, TimeUnit.SECONDS)) {
                    err = " (exit code " + process.exitValue() + ")";
                }
                if (Files.exists(errors)) {
                    err += ": " + lastLine(Files.readString(errors));
                }
            } catch (IOException e) {
                // the message stays without the peer's last words
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process.destroyForcibly();
            return new PeerFailed("python peer (" + python + ") " + what + err);
        }

        /** Stops the peer if it still runs. */
        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    private static String lastLine(String text) {
        String last = "no output";
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                last = line.strip();
            }
        }
        return last;
    }

    /** The peer could not be run or gave no result; the message is one line. */
    static final class PeerFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PeerFailed(String message) {
            super(message);
        }
    }
}
