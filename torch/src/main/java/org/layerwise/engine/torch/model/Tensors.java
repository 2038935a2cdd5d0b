package org.layerwise.engine.torch.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.layerwise.engine.torch.Natives;

/**
 * Copies between Java arrays and libtorch tensors on any device. Values travel bit for bit: float32
 * tensors as raw IEEE-754 bits, never through a decimal or a wider type. New tensors join the
 * caller's innermost PointerScope, as every JavaCPP object does.
 */
public final class Tensors {
    static {
        Natives.load();
    }

    private Tensors() {
    }

    /** The libtorch scalar type of a precision. */
    public static torch.ScalarType scalarType(Precision precision) {
        return precision == Precision.FLOAT64 ? torch.ScalarType.Double : torch.ScalarType.Float;
    }

    /** A new tensor of this shape, device and precision holding {@code values} (rounded to float32 when asked). */
    public static Tensor create(double[] values, long[] shape, Device device, Precision precision) {
        Tensor host;
        if (precision == Precision.FLOAT64) {
            host = Tensor.create(values, shape);
        } else {
            float[] f = new float[values.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) values[i];
            }
            host = Tensor.create(f, shape);
        }
        return onDevice(host, device);
    }

    /** A float32 tensor on the device holding exactly these floats. */
    public static Tensor create(float[] values, long[] shape, Device device) {
        return onDevice(Tensor.create(values, shape), device);
    }

    /** The tensor on the device (the same tensor when it is there already). */
    public static Tensor onDevice(Tensor t, Device device) {
        if (device == Device.CPU) {
            return t;
        }
        return t.to(device.toTorch(), t.scalar_type());
    }

    /** All elements in row-major order as doubles (float32 values widened exactly). */
    public static double[] toDoubles(Tensor t) {
        Tensor c = t.detach().cpu().contiguous();
        double[] out = new double[Math.toIntExact(c.numel())];
        if (is(c, torch.ScalarType.Double)) {
            DoubleBuffer b = c.createBuffer();
            b.get(out);
        } else if (is(c, torch.ScalarType.Float)) {
            FloatBuffer b = c.createBuffer();
            for (int i = 0; i < out.length; i++) {
                out[i] = b.get(i);
            }
        } else {
            throw new IllegalArgumentException("toDoubles reads float32 or float64 tensors, not " + c.scalar_type());
        }
        return out;
    }

    /** The raw bytes of a float32 or float64 tensor, little-endian, row-major. */
    public static byte[] toBytes(Tensor t) {
        Tensor c = t.detach().cpu().contiguous();
        int n = Math.toIntExact(c.numel());
        ByteBuffer bytes;
        if (is(c, torch.ScalarType.Double)) {
            bytes = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
            DoubleBuffer src = c.createBuffer();
            bytes.asDoubleBuffer().put(src);
        } else if (is(c, torch.ScalarType.Float)) {
            bytes = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
            FloatBuffer src = c.createBuffer();
            bytes.asFloatBuffer().put(src);
        } else {
            throw new IllegalArgumentException("toBytes reads float32 or float64 tensors, not " + c.scalar_type());
        }
        return bytes.array();
    }

    /**
     * Overwrites {@code target} (any device) with the little-endian bytes from {@link #toBytes} of a
     * tensor with the same number of elements and type. Call under a NoGradGuard for leaves.
     */
    public static void copyBytesInto(Tensor target, byte[] data) {
        int n = Math.toIntExact(target.numel());
        ByteBuffer bytes = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        Tensor host;
        long[] shape = new long[] {n};
        if (is(target, torch.ScalarType.Double)) {
            double[] v = new double[n];
            bytes.asDoubleBuffer().get(v);
            host = Tensor.create(v, shape);
        } else {
            float[] v = new float[n];
            bytes.asFloatBuffer().get(v);
            host = Tensor.create(v, shape);
        }
        target.copy_(host.view(shape(target)));
    }

    /** JavaCPP hands out fresh enum constants for native scalar types, so compare their values, not the references. */
    private static boolean is(Tensor t, torch.ScalarType type) {
        return t.scalar_type().value == type.value;
    }

    /** The shape as a Java array. */
    public static long[] shape(Tensor t) {
        long[] s = new long[(int) t.dim()];
        for (int i = 0; i < s.length; i++) {
            s[i] = t.size(i);
        }
        return s;
    }
}
