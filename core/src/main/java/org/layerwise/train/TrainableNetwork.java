package org.layerwise.train;

/**
 * A network with its optimizer, as the image training loop drives it: one forward/backward pass, a
 * view of the parameters and gradients, an update with a learning rate per tensor, evaluation, and
 * its whole state as bytes for checkpoints. Implemented by the libtorch engine; the loop, the probes
 * and the learning-rate policies are pure Java and know nothing of libtorch.
 */
public interface TrainableNetwork extends AutoCloseable {
    /** Loss and accuracy of one minibatch. */
    record Outcome(double loss, double accuracy) {
    }

    /** Forward in training mode, cross-entropy loss, backward: the gradients are ready for {@link #parameters()}. */
    Outcome forwardBackward(float[] images, int[] labels, int count, int channels, int height, int width);

    /**
     * Every parameter tensor in a stable order, with the current weights and gradients. After
     * {@link #update} it shows the updated weights, and {@link Parameters#updateCosine} is valid.
     */
    Parameters parameters();

    /** One optimizer step with {@code lrs[i]} for tensor i (the momentum and weight decay of the spec). */
    void update(double[] lrs);

    /** Sum of the losses and number of correct predictions over a batch, in evaluation mode, without gradients. */
    Outcome evaluate(float[] images, int[] labels, int count, int channels, int height, int width);

    /** Weights, normalization buffers and optimizer state, bit-exact. */
    byte[] state();

    void restore(byte[] state);

    /** What runs: engine, device, threads, precision (for result.json and provenance). */
    String describe();

    /** Threads the engine's operators really use. */
    int threads();

    @Override
    void close();
}
