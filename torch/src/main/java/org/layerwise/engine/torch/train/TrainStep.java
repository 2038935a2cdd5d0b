package org.layerwise.engine.torch.train;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.layerwise.engine.torch.Natives;
import org.layerwise.engine.torch.model.ResNet;

/**
 * Forward and backward passes for training and evaluation with softmax cross-entropy (mean over the
 * batch). The weight update is separate ({@link Sgd}), so that per-tensor statistics
 * ({@link GradientStats}) can be read, and per-tensor learning rates chosen, between backward and update.
 *
 * <p>A training step is, top to bottom:
 * <pre>{@code
 * TrainStep.Result r = TrainStep.forwardBackward(model, batch);   // gradients now in p.grad()
 * GradientStats g = GradientStats.measure(model);                  // optional: ||w||^2, ||g||^2, <w,g>
 * UpdateStats u = sgd.step(lrs, true);                             // per-tensor rates; angles if asked
 * }</pre>
 */
public final class TrainStep {
    static {
        Natives.load();
    }

    private TrainStep() {
    }

    /**
     * Loss and accuracy of one batch.
     *
     * @param loss     mean cross-entropy over the batch
     * @param accuracy fraction of images whose largest logit is the label
     * @param examples batch size
     */
    public record Result(double loss, double accuracy, int examples) {
    }

    /**
     * Puts the model in training mode, zeroes the gradients, runs forward, cross-entropy and
     * backward; afterwards every parameter's {@code grad()} holds this batch's gradient and the BN
     * running statistics have taken one update. All temporaries are freed before it returns.
     */
    @SuppressWarnings("try") // the scope frees this step's native tensors on exit
    public static Result forwardBackward(ResNet model, Batch batch) {
        try (PointerScope scope = new PointerScope()) {
            model.train();
            model.zeroGrad();
            Tensor logits = model.forward(batch.images());
            Tensor loss = torch.cross_entropy_loss(logits, batch.labels());
            loss.backward();
            long correct;
            try (NoGradGuard noGrad = new NoGradGuard()) {
                correct = logits.argmax(new LongOptional(1), false).eq(batch.labels()).sum().item_long();
            }
            int n = batch.size();
            return new Result(loss.item_double(), (double) correct / n, n);
        }
    }

    /**
     * Mean loss and accuracy over batches in evaluation mode (BN uses its running statistics) without
     * autograd; the model's previous mode is restored afterwards. Batches are weighted by their size.
     */
    @SuppressWarnings("try") // scope and guard act by existing
    public static Result evaluate(ResNet model, Iterable<Batch> batches) {
        boolean wasTraining = model.isTraining();
        model.eval();
        double lossSum = 0;
        long correct = 0;
        int examples = 0;
        try (NoGradGuard noGrad = new NoGradGuard()) {
            for (Batch batch : batches) {
                try (PointerScope scope = new PointerScope()) {
                    Tensor logits = model.forward(batch.images());
                    int n = batch.size();
                    lossSum += torch.cross_entropy_loss(logits, batch.labels()).item_double() * n;
                    correct += logits.argmax(new LongOptional(1), false).eq(batch.labels()).sum().item_long();
                    examples += n;
                }
            }
        } finally {
            if (wasTraining) {
                model.train();
            }
        }
        if (examples == 0) {
            throw new IllegalArgumentException("evaluation needs at least one batch");
        }
        return new Result(lossSum / examples, (double) correct / examples, examples);
    }
}
