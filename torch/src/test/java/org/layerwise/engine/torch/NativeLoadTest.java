package org.layerwise.engine.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * libtorch loads from a fresh JavaCPP cache on a machine where Debian's python3-torch has installed a
 * system libtorch (the case that crashed with SIGSEGV before {@link Natives}). Runs in a child JVM,
 * because a process loads natives only once.
 */
class NativeLoadTest {
    /** Child entry point: loads libtorch through {@link Natives} and does one tensor operation. */
    public static void main(String[] args) {
        Natives.load();
        try (org.bytedeco.pytorch.Tensor t = org.bytedeco.pytorch.Tensor.create(new float[] {1, 2, 3}, 3)) {
            System.out.println("sum=" + t.sum().item_float());
        }
    }

    @Test
    void loadsFromAFreshCacheBesideASystemLibtorch(@TempDir Path cache) throws Exception {
        boolean systemTorch = Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libtorch_cpu.so"))
                || Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libtorch_cpu.so.1.13"));
        Assumptions.assumeTrue(systemTorch, "SKIPPED LOUDLY: no system libtorch (apt-get install python3-torch) - this test "
                + "only proves something where one is installed; .ci/run installs it");
        for (int attempt = 0; attempt < 2; attempt++) { // the crash was on the first load into an empty cache
            Path dir = cache.resolve("c" + attempt);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(List.of(java, "-Dorg.bytedeco.javacpp.cachedir=" + dir, "-cp",
                    System.getProperty("java.class.path"), NativeLoadTest.class.getName()))
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
            assertEquals(0, p.exitValue(), "fresh-cache load failed:\n" + out);
            assertTrue(out.contains("sum=6.0"), out);
        }
    }
}
