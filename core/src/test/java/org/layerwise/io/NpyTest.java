package org.layerwise.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    @Test
    void roundTripAndHeaderLayout(@TempDir Path tmp) throws Exception {
        double[] v = {1.5, -2, 3.25, 0, 7, 8};
        Npy.writeFloat32(tmp.resolve("a.npy"), v, 2, 3);
        Npy.Array a = Npy.read(tmp.resolve("a.npy"));
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertArrayEquals(v, a.data(), 0);
        byte[] raw = Files.readAllBytes(tmp.resolve("a.npy"));
        int headerLen = (raw[8] & 0xFF) | ((raw[9] & 0xFF) << 8);
        assertEquals(0, (10 + headerLen) % 64, "numpy requires the data to start 64-byte aligned");
        assertTrue(new String(raw, 10, headerLen).contains("'shape': (2, 3)"));
        Npy.writeFloat64(tmp.resolve("b.npy"), new double[] {Math.PI}, 1);
        assertEquals(Math.PI, Npy.read(tmp.resolve("b.npy")).data()[0], 0);
        assertTrue(new String(Files.readAllBytes(tmp.resolve("b.npy")), 10, 60).contains("(1,)"));
    }

    @Test
    void atomicWriteLeavesNoTemporaryFiles(@TempDir Path tmp) throws Exception {
        AtomicFiles.writeString(tmp.resolve("x.txt"), "hello");
        try (var s = Files.list(tmp)) {
            assertEquals(1, s.count());
        }
        assertEquals("hello", Files.readString(tmp.resolve("x.txt")));
    }
}
