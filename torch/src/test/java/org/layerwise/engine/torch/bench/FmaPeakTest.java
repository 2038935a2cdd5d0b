package org.layerwise.engine.torch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The FMA peak loop does the iterations it counts, and counts 2 flops per lane per FMA; no timing is asserted. */
class FmaPeakTest {

    /** Each chain ends where the closed form of acc = acc * B + C puts it after n steps, and n - 1 or n + 1 steps would be told apart. */
    @Test
    void chainsMatchTheClosedFormOfTheirIterations() {
        for (long n : new long[] {0, 1, 7, 100, 300}) {
            double[] v = FmaPeak.chains(n);
            double sum = 0;
            for (int k = 0; k < FmaPeak.CHAINS; k++) {
                double want = FmaPeak.expected(k, n);
                assertEquals(want, v[k], 1e-5 * want, "chain " + k + " after " + n + " iterations");
                if (n > 0) {
                    // the tolerance is far below one iteration's change: a loop short by one would fail
                    assertTrue(Math.abs(FmaPeak.expected(k, n - 1) - want) > 10 * 1e-5 * want, "n " + n + ", chain " + k);
                }
                sum += FmaPeak.lanes() * want;
            }
            assertEquals(sum, v[FmaPeak.CHAINS], 1e-5 * sum, "sum of all lanes after " + n);
        }
    }

    /** On 3 threads at once: the flops reported are 2 * chains * lanes * iterations * threads, and every thread ran them all. */
    @Test
    void flopCountIsTheClosedFormAndEveryThreadRan() {
        long iterations = 200;
        FmaPeak.Result r = FmaPeak.run(3, iterations);
        assertEquals(3.0 * 2 * FmaPeak.CHAINS * FmaPeak.lanes() * iterations, r.flops());
        double perThread = 0;
        for (int k = 0; k < FmaPeak.CHAINS; k++) {
            perThread += FmaPeak.lanes() * FmaPeak.expected(k, iterations);
        }
        assertEquals(3 * perThread, r.checksum(), 1e-5 * 3 * perThread);
        assertTrue(r.seconds() > 0, "time " + r.seconds());
    }

    /** A short measurement gives a finite positive rate (its size, not its speed, is what is checked). */
    @Test
    void measurementSizesItselfAndReportsARate() {
        FmaPeak.Result r = FmaPeak.measure(1, 0.01, 1);
        assertTrue(r.iterations() >= 1 << 16, "iterations " + r.iterations());
        assertTrue(Double.isFinite(r.gflops()) && r.gflops() > 0, "GFLOP/s " + r.gflops());
    }
}
