package org.layerwise.engine.torch.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.layerwise.engine.torch.Natives;

/**
 * A 2-d convolution (no bias, no dilation, one group) that keeps clear of the CPU float32 shapes where
 * libtorch's oneDNN computes wrong input gradients [layerwise].
 *
 * <p>Why: libtorch 2.10's oneDNN (v3.7.1), which {@code torch.conv2d} uses on the CPU in float32 for
 * batches larger than 1, returned input gradients off by 10-100 %, or NaN, on the 2-vCPU AVX-512
 * machine of this project for every 3x3 stride-1 convolution with 1-15, 17 or 24 output channels
 * tried (with oneDNN capped at AVX2, for 2, 4 and 12), and for 3x3 stride-2 ones with 48 input
 * channels. The forward pass and the weight gradient were right in every case. Which of those calls
 * went wrong also changed with the batch size, the thread count and what ran before in the process
 * (a shape checked right once was wrong later), so a check at run time cannot clear a shape: only
 * shapes that were never wrong are trusted. Those are the channel counts 16·2^k (16, 32, 64, 128, 256,
 * 512: every 3x3 and 1x1, stride 1 and 2, at batches 2-128, 1-2 threads), which include every stage of
 * the paper's width 64 and of any width 16·2^k. (Debian's torch 1.13, with oneDNN 2.x, was right.)
 *
 * <p>The rule, on the CPU in float32: a convolution whose output channels are 16·2^k, and whose input
 * channels are too or whose input needs no gradient (the stem), is {@code torch.conv2d}. Any other is
 * computed as the same convolution zero-padded to trusted channel counts: the weight padded with zero
 * output and input channels, the input with zero channels, the output cut back to its channels. The
 * padding adds exact zeros to every sum, and autograd carries the gradients back through the padding
 * and the cut, so the values are those of the convolution asked for; the cost is the padded one (4x the
 * multiply-adds of an 8 → 8 convolution, still several times faster here than the im2col path
 * {@code thnn_conv2d}). Other devices and float64 always use {@code torch.conv2d} as it is (float64 does
 * not use oneDNN; CUDA uses cuDNN). {@link #padded()} lists the shapes that were padded, for provenance.
 */
public final class ConvKernels {
    static {
        Natives.load();
    }

    private static final Set<String> PADDED = ConcurrentHashMap.newKeySet();

    private ConvKernels() {
    }

    /** {@code conv2d(x, w)} with square stride and padding, on channel counts whose gradients are trusted. */
    public static Tensor conv2d(Tensor x, Tensor w, long stride, long padding, Device device, Precision precision) {
        long in = w.size(1);
        long out = w.size(0);
        boolean inputGradient = x.requires_grad();
        if (trustsOneDnn(device, precision, in, out, inputGradient)) {
            return oneDnn(x, w, stride, padding);
        }
        long inP = inputGradient ? trustedAtLeast(in) : in;
        long outP = trustedAtLeast(out);
        PADDED.add(String.format(Locale.ROOT, "%dx%d/%d %d->%d as %d->%d", w.size(2), w.size(3), stride, in, out, inP, outP));
        Tensor wp = torch.constant_pad_nd(w, new long[] {0, 0, 0, 0, 0, inP - in, 0, outP - out}, new Scalar(0.0));
        Tensor xp = inP == in ? x : torch.constant_pad_nd(x, new long[] {0, 0, 0, 0, 0, inP - in}, new Scalar(0.0));
        Tensor y = oneDnn(xp, wp, stride, padding);
        return outP == out ? y : y.narrow(1, 0, out).contiguous();
    }

    /** Whether {@code torch.conv2d} runs a convolution of these channels as it is (see the class comment). */
    static boolean trustsOneDnn(Device device, Precision precision, long in, long out, boolean inputNeedsGradient) {
        if (device != Device.CPU || precision != Precision.FLOAT32) {
            return true;
        }
        return trusted(out) && (trusted(in) || !inputNeedsGradient);
    }

    /** 16·2^k. */
    private static boolean trusted(long channels) {
        return channels >= 16 && channels % 16 == 0 && Long.bitCount(channels / 16) == 1;
    }

    /** The smallest 16·2^k not below {@code channels}. */
    static long trustedAtLeast(long channels) {
        long c = 16;
        while (c < channels) {
            c *= 2;
        }
        return c;
    }

    /** The convolution shapes ("3x3/1 8->8 as 16->16") padded so far in this process, sorted. */
    public static List<String> padded() {
        List<String> out = new ArrayList<>(PADDED);
        out.sort(null);
        return out;
    }

    private static Tensor oneDnn(Tensor x, Tensor w, long stride, long padding) {
        return torch.conv2d(x, w, new TensorOptional(), new long[] {stride, stride}, new long[] {padding, padding}, new long[] {1, 1}, 1);
    }
}
