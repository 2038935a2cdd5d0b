package org.layerwise.engine.torch.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.layerwise.data.DataException;
import org.layerwise.engine.torch.Natives;
import org.layerwise.engine.torch.model.ResNet;
import org.layerwise.engine.torch.model.Tensors;

/**
 * Saves and restores a model's parameters and BN running statistics, and optionally an {@link Sgd}'s
 * momentum buffers, bit for bit. Restoring into a fresh model and optimizer of the same spec and
 * continuing gives the same weights as never stopping (on CPU with the same torch thread count).
 *
 * <p>Format (big-endian framing, little-endian tensor data): magic {@code LWRN}, version 1, the
 * spec's label and the precision, then each parameter and buffer as (name, byte count, raw bytes), then
 * a flag for optimizer state followed by momentum, weight decay, nesterov and, per parameter, whether
 * a momentum buffer exists and its bytes. Every mismatch with the model is reported in one line.
 */
public final class Checkpoint {
    static {
        Natives.load();
    }

    private static final int MAGIC = 0x4C57524E; // "LWRN"
    private static final int VERSION = 1;

    private Checkpoint() {
    }

    /** Writes the model and (if not null) the optimizer's state to {@code out}; does not close it. */
    @SuppressWarnings("try") // the scope frees the host copies
    public static void write(ResNet model, Sgd sgd, OutputStream out) throws IOException {
        checkPair(model, sgd);
        DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out));
        try (PointerScope scope = new PointerScope()) {
            data.writeInt(MAGIC);
            data.writeInt(VERSION);
            data.writeUTF(model.spec().label());
            data.writeUTF(model.precision().name());
            writeTensors(data, model.parameterInfos().stream().map(p -> p.name()).toList(), model.parameters());
            writeTensors(data, model.bufferNames(), model.buffers());
            data.writeBoolean(sgd != null);
            if (sgd != null) {
                data.writeDouble(sgd.momentum());
                data.writeDouble(sgd.weightDecay());
                data.writeBoolean(sgd.nesterov());
                data.writeInt(model.parameterCount());
                for (int i = 0; i < model.parameterCount(); i++) {
                    Tensor buf = sgd.momentumBuffer(i);
                    data.writeBoolean(buf != null);
                    if (buf != null) {
                        byte[] bytes = Tensors.toBytes(buf);
                        data.writeInt(bytes.length);
                        data.write(bytes);
                    }
                }
            }
        }
        data.flush();
    }

    /**
     * Restores what {@link #write} wrote into {@code model} and (if not null) {@code sgd}, which must
     * have the same spec, precision and optimizer settings. {@code source} names the stream in messages.
     *
     * @throws DataException one line naming {@code source} and the first mismatch or truncation
     */
    @SuppressWarnings("try") // scope and guard act by existing
    public static void read(ResNet model, Sgd sgd, InputStream in, String source) throws IOException {
        checkPair(model, sgd);
        DataInputStream data = new DataInputStream(new BufferedInputStream(in));
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            if (data.readInt() != MAGIC) {
                throw new DataException(source + ": not a layerwise ResNet checkpoint (bad magic number)");
            }
            int version = data.readInt();
            if (version != VERSION) {
                throw new DataException(source + ": checkpoint version " + version + ", this build reads version " + VERSION);
            }
            expect(source, "model", data.readUTF(), model.spec().label());
            expect(source, "precision", data.readUTF(), model.precision().name());
            readTensors(data, source, model.parameterInfos().stream().map(p -> p.name()).toList(), model.parameters());
            readTensors(data, source, model.bufferNames(), model.buffers());
            boolean hasOptimizer = data.readBoolean();
            if (sgd == null) {
                return;
            }
            if (!hasOptimizer) {
                throw new DataException(source + ": checkpoint holds no optimizer state, but an optimizer was given to restore");
            }
            expect(source, "SGD momentum", Double.toString(data.readDouble()), Double.toString(sgd.momentum()));
            expect(source, "SGD weight decay", Double.toString(data.readDouble()), Double.toString(sgd.weightDecay()));
            expect(source, "SGD nesterov", Boolean.toString(data.readBoolean()), Boolean.toString(sgd.nesterov()));
            expect(source, "optimizer parameter count", Integer.toString(data.readInt()), Integer.toString(model.parameterCount()));
            for (int i = 0; i < model.parameterCount(); i++) {
                if (!data.readBoolean()) {
                    sgd.setMomentumBuffer(i, null);
                    continue;
                }
                Tensor p = model.parameter(i);
                byte[] bytes = readBytes(data, source, "momentum buffer of " + model.parameterName(i), p.nbytes());
                Tensor buf = p.detach().clone();
                Tensors.copyBytesInto(buf, bytes);
                buf.retainReference(); // outlives this scope; the optimizer releases it
                sgd.setMomentumBuffer(i, buf);
            }
        } catch (EOFException e) {
            throw new DataException(source + ": checkpoint is truncated", e);
        }
    }

    /** {@link #write} into a byte array. */
    public static byte[] toBytes(ResNet model, Sgd sgd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(model, sgd, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@link #read} from a byte array. */
    public static void fromBytes(ResNet model, Sgd sgd, byte[] bytes) {
        try {
            read(model, sgd, new ByteArrayInputStream(bytes), "checkpoint bytes");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #write} to a file (replaced if it exists). */
    public static void save(Path file, ResNet model, Sgd sgd) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(model, sgd, out);
        }
    }

    /** {@link #read} from a file; messages name the file. */
    public static void load(Path file, ResNet model, Sgd sgd) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            read(model, sgd, in, file.toString());
        }
    }

    private static void checkPair(ResNet model, Sgd sgd) {
        if (sgd != null && sgd.model() != model) {
            throw new IllegalArgumentException("the optimizer belongs to another model");
        }
    }

    private static void writeTensors(DataOutputStream data, List<String> names, List<Tensor> tensors) throws IOException {
        data.writeInt(tensors.size());
        for (int i = 0; i < tensors.size(); i++) {
            data.writeUTF(names.get(i));
            byte[] bytes = Tensors.toBytes(tensors.get(i));
            data.writeInt(bytes.length);
            data.write(bytes);
        }
    }

    private static void readTensors(DataInputStream data, String source, List<String> names, List<Tensor> tensors) throws IOException {
        expect(source, "tensor count", Integer.toString(data.readInt()), Integer.toString(tensors.size()));
        for (int i = 0; i < tensors.size(); i++) {
            expect(source, "tensor " + i, data.readUTF(), names.get(i));
            Tensors.copyBytesInto(tensors.get(i), readBytes(data, source, names.get(i), tensors.get(i).nbytes()));
        }
    }

    private static byte[] readBytes(DataInputStream data, String source, String what, long expected) throws IOException {
        int n = data.readInt();
        if (n != expected) {
            throw new DataException(source + ": " + what + " has " + n + " bytes in the checkpoint, the model needs " + expected);
        }
        byte[] bytes = new byte[n];
        data.readFully(bytes);
        return bytes;
    }

    private static void expect(String source, String what, String found, String wanted) {
        if (!found.equals(wanted)) {
            throw new DataException(source + ": checkpoint " + what + " is '" + found + "', the model has '" + wanted + "'");
        }
    }
}
