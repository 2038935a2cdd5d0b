package org.layerwise.sweep;

import org.layerwise.study.Locks;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.layerwise.config.ConfigException;
import org.layerwise.io.AtomicFiles;
import org.layerwise.io.EnvironmentException;
import org.layerwise.io.IoErrors;
import org.layerwise.io.Json;
import org.layerwise.study.RunFolder;

/**
 * Hands a manifest's runs to Slurm as job arrays: one array task per run, each calling
 * {@code layerwise sweep run-one MANIFEST --index I}. Requeue-safe by construction: a task that is
 * requeued, preempted, killed or submitted twice resumes its run from its checkpoint or finds it
 * complete, and the run's lock keeps two tasks from training one run at once. State is read back
 * without the scheduler's accounting: from the run folders and {@code squeue} (see {@link SweepStatus}).
 *
 * <p>Files, in the sweep folder's {@code slurm/}: {@code NAME.sbatch} (the script, readable and
 * reusable), {@code manifest-FINGERPRINT.json} (the plan the tasks index into, never rewritten, so a
 * re-planned sweep cannot shift the runs of a queued array), {@code jobs.jsonl} (one line per
 * submitted array: job id, index offset, indices) and {@code logs/JOB_TASK.out}.
 */
public final class Slurm {
    /** Slurm's default MaxArraySize: array task ids go up to 1000. */
    static final int DEFAULT_MAX_ARRAY_SIZE = 1001;
    private static final Pattern SAFE_VALUE = Pattern.compile("[A-Za-z0-9._:,=+/@%-]{1,200}");
    private static final String MAIN_CLASS = "org.layerwise.cli.Main";

    private Slurm() {
    }

    /**
     * Resources and behaviour of the submitted arrays.
     *
     * @param partition   --partition, or null for the cluster's default
     * @param time        --time (e.g. 2:00:00), or null
     * @param cpusPerTask --cpus-per-task: each run's thread budget
     * @param gpus        --gpus per task, or null
     * @param mem         --mem per task (e.g. 4G), or null
     * @param throttle    the array's %N: at most N tasks at once (0: no limit)
     * @param account     --account, or null
     * @param launcher    the command that starts layerwise on a node; null: this JVM's own java, flags and class path
     * @param env         extra environment for sbatch/squeue (e.g. SLURM_CONF), passed on to the tasks
     * @param dryRun      write the script and print the sbatch command, submit nothing
     */
    public record Options(String partition, String time, int cpusPerTask, String gpus, String mem, int throttle, String account,
                          List<String> launcher, Map<String, String> env, boolean dryRun) {
        public Options {
            check("partition", partition);
            check("time", time);
            check("gpus", gpus);
            check("mem", mem);
            check("account", account);
            if (cpusPerTask < 1) {
                throw new ConfigException("cpus-per-task: " + cpusPerTask + " is out of range; allowed: an integer ≥ 1");
            }
            if (throttle < 0) {
                throw new ConfigException("throttle: " + throttle + " is out of range; allowed: an integer ≥ 0 (0: no limit)");
            }
            env = env == null ? Map.of() : Map.copyOf(env);
        }

        private static void check(String key, String v) {
            if (v != null && !SAFE_VALUE.matcher(v).matches()) {
                throw new ConfigException(key + ": '" + ConfigException.quote(v) + "' is not valid; allowed: letters, digits and . _ : , = + / @ % -");
            }
        }
    }

    /** One submitted array. */
    public record Job(String id, int offset, List<Integer> indices) {
    }

    /**
     * Submits every run of the manifest that is neither complete nor already queued under an earlier
     * submission of this sweep. Returns the arrays submitted (none when nothing is left to do).
     */
    public static List<Job> submit(SweepFolder sweep, Manifest m, Options o, PrintStream log) {
        Path slurmDir = sweep.dir().resolve(SweepFolder.SLURM).toAbsolutePath().normalize();
        Path manifestCopy = slurmDir.resolve("manifest-" + m.fingerprint() + ".json");
        if (!Files.isRegularFile(manifestCopy)) {
            m.write(manifestCopy, "..");
        }
        Map<Integer, String> queued = queue(sweep, o.env());
        List<Integer> todo = new ArrayList<>();
        int complete = 0;
        for (Manifest.Slot s : m.slots()) {
            if (isComplete(sweep, s)) {
                complete++;
            } else if (queued == null || !queued.containsKey(s.index())) {
                todo.add(s.index());
            }
        }
        int alreadyQueued = m.size() - complete - todo.size();
        log.printf("slurm: %d runs: %d complete, %d queued or running already, %d to submit%n", m.size(), complete, alreadyQueued, todo.size());
        if (todo.isEmpty()) {
            return List.of();
        }
        Path script = slurmDir.resolve(m.sweep() + ".sbatch");
        try {
            Files.createDirectories(slurmDir.resolve("logs"));
        } catch (IOException e) {
            throw new EnvironmentException("cannot create " + slurmDir.resolve("logs") + ": " + IoErrors.describe(e), e);
        }
        AtomicFiles.writeString(script, script(m, o, slurmDir, manifestCopy));
        try {
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException | UnsupportedOperationException e) {
            // sbatch reads the script; the mode only helps a person who runs it by hand
        }
        int maxArray = o.dryRun() ? DEFAULT_MAX_ARRAY_SIZE : maxArraySize(o.env());
        List<Job> jobs = new ArrayList<>();
        int from = 0;
        while (from < todo.size()) {
            int offset = todo.get(from);
            int to = from;
            while (to < todo.size() && todo.get(to) - offset < maxArray) {
                to++;
            }
            List<Integer> chunk = todo.subList(from, to);
            String array = ranges(chunk, offset) + (o.throttle() > 0 ? "%" + o.throttle() : "");
            List<String> cmd = new ArrayList<>(List.of("sbatch", "--parsable", "--array=" + array));
            if (offset > 0) {
                cmd.add("--export=ALL,LAYERWISE_INDEX_OFFSET=" + offset);
            }
            cmd.add(script.toString());
            if (o.dryRun()) {
                log.println("dry run, not submitted: " + String.join(" ", cmd));
            } else {
                Result r = exec(cmd, o.env(), 60);
                if (r.code() != 0) {
                    throw new EnvironmentException("sbatch failed (exit " + r.code() + "): " + oneLine(r.err().isBlank() ? r.out() : r.err()));
                }
                String id = r.out().strip().split(";")[0];
                if (!id.matches("[0-9]+")) {
                    throw new EnvironmentException("sbatch printed no job id: " + oneLine(r.out()));
                }
                Job job = new Job(id, offset, List.copyOf(chunk));
                record(slurmDir, job, manifestCopy, script, cmd);
                jobs.add(job);
                log.printf("slurm: submitted array job %s: %d task(s) (--array=%s%s)%n", id, chunk.size(), array,
                        offset > 0 ? ", index offset " + offset : "");
            }
            from = to;
        }
        return jobs;
    }

    /**
     * Waits until no task of this sweep is queued or running (polling squeue and the run locks every
     * {@code pollSeconds}), printing the counts whenever they change; returns the final status.
     */
    public static SweepStatus.Report waitFor(SweepFolder sweep, Map<String, String> env, double pollSeconds, PrintStream log) {
        String last = "";
        while (true) {
            SweepStatus.Report r = SweepStatus.read(sweep, env);
            if (!r.queueKnown()) {
                throw new EnvironmentException("squeue cannot be run here, so the jobs cannot be waited for; check later with"
                        + " `layerwise sweep status " + sweep.dir() + "`");
            }
            String line = SweepStatus.countsLine(r);
            if (!line.equals(last)) {
                log.println("slurm: " + line);
                last = line;
            }
            if (!r.active()) {
                return r;
            }
            try {
                Thread.sleep((long) (pollSeconds * 1000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EnvironmentException("interrupted while waiting for the Slurm jobs (they go on; see layerwise sweep status "
                        + sweep.dir() + ")", e);
            }
        }
    }

    /** The batch script: resources as #SBATCH lines, then run-one for the task's index. */
    static String script(Manifest m, Options o, Path slurmDir, Path manifest) {
        StringBuilder sb = new StringBuilder();
        sb.append("#!/bin/bash\n");
        sb.append("# layerwise sweep '").append(m.sweep()).append("' (study ").append(m.study()).append("): one run of the manifest per array task.\n");
        sb.append("# Requeue-safe: a requeued, preempted or resubmitted task resumes its run from its checkpoint, a complete run is\n");
        sb.append("# never trained again (its result verifies) and the run's lock keeps two tasks off one run. Submit with\n");
        sb.append("#   sbatch --array=0-").append(m.size() - 1).append(o.throttle() > 0 ? "%" + o.throttle() : "").append(" ").append(slurmDir.resolve(m.sweep() + ".sbatch"))
                .append("\n# or let `layerwise sweep submit` pick the runs that are not complete.\n");
        sb.append("#SBATCH --job-name=lw-").append(m.sweep()).append('\n');
        sb.append("#SBATCH --output=").append(slurmDir.resolve("logs")).append("/%A_%a.out\n");
        sb.append("#SBATCH --open-mode=append\n");
        sb.append("#SBATCH --requeue\n");
        sb.append("#SBATCH --chdir=").append(Path.of("").toAbsolutePath()).append('\n');
        sb.append("#SBATCH --cpus-per-task=").append(o.cpusPerTask()).append('\n');
        // SIGTERM two minutes before the time limit: the run checkpoints, and the next submission resumes it
        sb.append("#SBATCH --signal=B:TERM@120\n");
        if (o.partition() != null) {
            sb.append("#SBATCH --partition=").append(o.partition()).append('\n');
        }
        if (o.time() != null) {
            sb.append("#SBATCH --time=").append(o.time()).append('\n');
        }
        if (o.mem() != null) {
            sb.append("#SBATCH --mem=").append(o.mem()).append('\n');
        }
        if (o.gpus() != null) {
            sb.append("#SBATCH --gpus=").append(o.gpus()).append('\n');
        }
        if (o.account() != null) {
            sb.append("#SBATCH --account=").append(o.account()).append('\n');
        }
        sb.append("set -u\n");
        sb.append("OFFSET=${LAYERWISE_INDEX_OFFSET:-0}\n");
        sb.append("echo \"layerwise: task ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID} (restart ${SLURM_RESTART_COUNT:-0}) on $(hostname) at $(date -Is)\"\n");
        List<String> launcher = o.launcher() != null ? o.launcher() : thisJvm();
        List<String> cmd = new ArrayList<>(launcher);
        cmd.addAll(List.of("sweep", "run-one", manifest.toString()));
        StringBuilder line = new StringBuilder("exec");
        for (String c : cmd) {
            line.append(' ').append(quote(c));
        }
        line.append(" --index $((SLURM_ARRAY_TASK_ID + OFFSET))\n");
        sb.append(line);
        return sb.toString();
    }

    /**
     * The command that starts layerwise as this process was started: the same java, module and system
     * flags and class path, so a node that sees the same files runs the same build (and no node
     * rebuilds anything).
     */
    public static List<String> thisJvm() {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("-agentlib") || a.startsWith("-javaagent") || a.startsWith("-agentpath") || a.startsWith("-Xrunjdwp")
                    || a.startsWith("-Xdebug")) {
                continue; // debuggers and profilers stay with this process
            }
            if (a.equals("--add-modules") || a.equals("--enable-native-access")) {
                if (i + 1 < args.size()) {
                    cmd.add(a + "=" + args.get(++i));
                }
                continue;
            }
            if (a.startsWith("-D") || a.startsWith("-X") || a.startsWith("--add-modules=") || a.startsWith("--enable-native-access")) {
                cmd.add(a);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(MAIN_CLASS);
        return cmd;
    }

    /** "0-3,5,7-9" of the indices minus {@code offset}. */
    static String ranges(List<Integer> sorted, int offset) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < sorted.size()) {
            int j = i;
            while (j + 1 < sorted.size() && sorted.get(j + 1) == sorted.get(j) + 1) {
                j++;
            }
            if (sb.length() > 0) {
                sb.append(',');
            }
            int a = sorted.get(i) - offset;
            int b = sorted.get(j) - offset;
            sb.append(a == b ? Integer.toString(a) : a + "-" + b);
            i = j + 1;
        }
        return sb.toString();
    }

    static boolean isComplete(SweepFolder sweep, Manifest.Slot s) {
        RunFolder f = runFolder(sweep, s);
        return f.hasResult() && f.status().state() == RunFolder.State.COMPLETE;
    }

    /** The run folder of a slot: the entry's folder and the study's own run folder layout. */
    static RunFolder runFolder(SweepFolder sweep, Manifest.Slot s) {
        return new RunFolder(sweep.entryDir(s.entry()).resolve(runFolderName(s)), s.runId());
    }

    /** The run's folder relative to its study folder (the study's RunSpec folder: scaling puts runs under depths/). */
    static String runFolderName(Manifest.Slot s) {
        return s.entry().runFolders().get(s.planIndex());
    }

    /**
     * The queue state of this sweep's tasks, by manifest index ("PENDING", "RUNNING", ...), from squeue;
     * null when squeue cannot be run here (another machine that only sees the folder).
     */
    public static Map<Integer, String> queue(SweepFolder sweep, Map<String, String> env) {
        List<Job> jobs = jobs(sweep);
        Map<Integer, String> out = new TreeMap<>();
        if (jobs.isEmpty()) {
            return out;
        }
        Map<String, Integer> offsets = new LinkedHashMap<>();
        jobs.forEach(j -> offsets.put(j.id(), j.offset()));
        List<String> cmd = List.of("squeue", "-h", "-r", "-j", String.join(",", offsets.keySet()), "-o", "%F %K %T %r");
        Result r;
        try {
            r = exec(cmd, env, 60);
        } catch (EnvironmentException e) {
            return null; // no squeue here
        }
        if (r.code() != 0) {
            if ((r.err() + r.out()).contains("Invalid job id")) {
                return out; // every job of this sweep has left the queue
            }
            return null;
        }
        for (String line : r.out().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 3 || !offsets.containsKey(f[0])) {
                continue;
            }
            try {
                int task = Integer.parseInt(f[1]);
                out.put(offsets.get(f[0]) + task, f[2] + (f.length > 3 && !f[3].equals("None") ? " (" + f[3] + ")" : ""));
            } catch (NumberFormatException e) {
                // a line squeue prints for the array as a whole: its tasks come on their own lines with -r
            }
        }
        return out;
    }

    /** The arrays submitted for this sweep, from slurm/jobs.jsonl. */
    public static List<Job> jobs(SweepFolder sweep) {
        Path f = sweep.dir().resolve(SweepFolder.SLURM).resolve("jobs.jsonl");
        List<Job> jobs = new ArrayList<>();
        if (!Files.isRegularFile(f)) {
            return jobs;
        }
        try {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                try {
                    JsonNode n = Json.MAPPER.readTree(line);
                    List<Integer> idx = new ArrayList<>();
                    n.path("indices").forEach(x -> idx.add(x.asInt()));
                    jobs.add(new Job(n.path("job").asText(), n.path("offset").asInt(), idx));
                } catch (IOException | RuntimeException e) {
                    // a torn line
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + f + ": " + IoErrors.describe(e), e);
        }
        return jobs;
    }

    private static void record(Path slurmDir, Job job, Path manifest, Path script, List<String> cmd) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job", job.id());
        m.put("offset", job.offset());
        m.put("indices", job.indices());
        m.put("manifest", manifest.toString());
        m.put("script", script.toString());
        m.put("command", String.join(" ", cmd));
        m.put("submitted", Instant.now().toString());
        m.put("host", Locks.host());
        try {
            Files.write(slurmDir.resolve("jobs.jsonl"), (Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(m) + "\n").getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("could not record the job in " + slurmDir.resolve("jobs.jsonl") + ": " + IoErrors.describe(e), e);
        }
    }

    /** MaxArraySize of the cluster (scontrol show config), or Slurm's default. */
    static int maxArraySize(Map<String, String> env) {
        try {
            Result r = exec(List.of("scontrol", "show", "config"), env, 30);
            for (String line : r.out().split("\n")) {
                if (line.trim().startsWith("MaxArraySize")) {
                    return Math.max(2, Integer.parseInt(line.substring(line.indexOf('=') + 1).trim()));
                }
            }
        } catch (RuntimeException e) {
            // fall back to the default
        }
        return DEFAULT_MAX_ARRAY_SIZE;
    }

    /** A finished command. */
    record Result(int code, String out, String err) {
    }

    /** Runs a Slurm command; an EnvironmentException when it cannot be started or does not finish. */
    static Result exec(List<String> cmd, Map<String, String> env, int timeoutSeconds) {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        try {
            Path out = Files.createTempFile("layerwise-slurm", ".out");
            Path err = Files.createTempFile("layerwise-slurm", ".err");
            try {
                Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new EnvironmentException(cmd.get(0) + " did not answer within " + timeoutSeconds + " s; is the Slurm controller up?");
                }
                return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new EnvironmentException(cmd.get(0) + " cannot be run here (" + IoErrors.describe(e)
                    + "); Slurm commands are needed on the machine that submits (a login node); `layerwise sweep run` runs on this machine", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EnvironmentException("interrupted while waiting for " + cmd.get(0), e);
        }
    }

    private static String oneLine(String s) {
        return s.strip().replaceAll("\\s*\\n\\s*", " | ");
    }

    /** A word for bash: single-quoted unless plainly safe. */
    static String quote(String s) {
        if (s.matches("[A-Za-z0-9._/=:@%+,-]+")) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
