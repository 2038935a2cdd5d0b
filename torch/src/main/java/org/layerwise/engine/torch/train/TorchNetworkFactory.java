package org.layerwise.engine.torch.train;

import org.bytedeco.pytorch.global.torch;
import org.layerwise.config.ConfigException;
import org.layerwise.engine.torch.Natives;
import org.layerwise.engine.torch.model.Device;
import org.layerwise.engine.torch.model.Precision;
import org.layerwise.engine.torch.model.ResNet;
import org.layerwise.engine.torch.model.ResNetSpec;
import org.layerwise.engine.torch.model.Shortcut;
import org.layerwise.io.EnvironmentException;
import org.layerwise.model.ConvResNetLayout;
import org.layerwise.train.NetworkFactory;
import org.layerwise.train.NetworkSpec;
import org.layerwise.train.TrainableNetwork;

/**
 * The libtorch engine for the core's image training loop: ResNets of {@link ResNet} with the SGD of
 * {@link Sgd}. Found through {@link java.util.ServiceLoader}; looking it up loads no native code,
 * {@link #create} does (through {@link Natives}).
 */
public final class TorchNetworkFactory implements NetworkFactory {
    @Override
    public String name() {
        return "libtorch";
    }

    /** The architecture of a spec, or a one-line ConfigException naming the setting. */
    static ResNetSpec resnet(NetworkSpec s) {
        ResNetSpec.Family family = switch (s.family()) {
            case "cifar-resnet" -> ResNetSpec.Family.CIFAR;
            case "imagenet-resnet" -> ResNetSpec.Family.IMAGENET;
            default -> throw new ConfigException("architecture: unknown value '" + s.family() + "'; allowed: one of cifar-resnet, imagenet-resnet");
        };
        Shortcut shortcut = switch (s.shortcut()) {
            case "A" -> Shortcut.A;
            case "B" -> Shortcut.B;
            case "default" -> family == ResNetSpec.Family.CIFAR ? Shortcut.A : Shortcut.B;
            default -> throw new ConfigException("shortcut-type: unknown value '" + s.shortcut() + "'; allowed: one of A, B, default");
        };
        try {
            return new ResNetSpec(family, s.depth(), s.classes(), s.residual(), s.affineBatchNorm(), shortcut, s.inputChannels());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("depth: " + e.getMessage());
        }
    }

    @Override
    public void check(NetworkSpec spec) {
        if (spec.family().equals(NetworkSpec.COHEN_RESNET)) {
            String p = NetworkSpec.depthProblem(spec.family(), spec.depth());
            if (p != null) {
                throw new ConfigException("depths: " + p);
            }
            checkDevice(spec);
            return;
        }
        resnet(spec);
        checkDevice(spec);
    }

    private static void checkDevice(NetworkSpec spec) {
        if (!spec.device().equals("cpu") && !spec.device().equals("cuda")) {
            throw new ConfigException("device: unknown value '" + spec.device() + "'; allowed: one of cpu, cuda");
        }
        if (spec.device().equals("cuda")) {
            // before anything is written: a CPU-only build or a machine without a usable GPU is known now
            Natives.load();
            try {
                Device.CUDA.requireAvailable();
            } catch (IllegalStateException e) {
                throw new EnvironmentException("device: " + e.getMessage());
            }
        }
    }

    @Override
    public long parameterCount(NetworkSpec spec) {
        if (spec.family().equals(NetworkSpec.COHEN_RESNET)) {
            return ConvResNetLayout.parameterCount(spec.depth(), spec.width(), spec.classes(), spec.inputChannels());
        }
        return resnet(spec).parameterElements();
    }

    @Override
    public TrainableNetwork create(NetworkSpec spec) {
        if (spec.family().equals(NetworkSpec.COHEN_RESNET)) {
            check(spec);
            Natives.load();
            return ConvScalingNet.create(spec.depth(), spec.width(), spec.classes(), spec.inputChannels(), spec.seed(), spec.momentum(),
                    spec.weightDecay(), spec.threads(), Device.parse(spec.device()).requireAvailable());
        }
        ResNetSpec arch = resnet(spec);
        Natives.load();
        torch.set_num_threads(spec.threads());
        Device device;
        try {
            device = Device.parse(spec.device()).requireAvailable();
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new ConfigException("device: " + e.getMessage());
        }
        ResNet model = ResNet.create(arch, spec.seed(), device, Precision.FLOAT32);
        return new TorchNetwork(model, new Sgd(model, spec.momentum(), spec.weightDecay(), spec.nesterov()), spec);
    }
}
