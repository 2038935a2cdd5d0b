package org.layerwise.train;

import java.util.ServiceLoader;
import org.layerwise.config.ConfigException;

/**
 * Builds {@link TrainableNetwork}s; found with {@link ServiceLoader} so the core never links the
 * native engine (layerwise-torch provides one). Looking one up loads no native code; creating a
 * network does.
 */
public interface NetworkFactory {
    /** A short name ("libtorch"). */
    String name();

    /** Checks a spec without building it (e.g. a depth that is not 6n+2); throws ConfigException naming the key. */
    void check(NetworkSpec spec);

    /** Number of trainable scalars of the spec, without building it. */
    long parameterCount(NetworkSpec spec);

    TrainableNetwork create(NetworkSpec spec);

    /** The engine on the class path, or a one-line error saying what is missing. */
    static NetworkFactory find() {
        for (NetworkFactory f : ServiceLoader.load(NetworkFactory.class)) {
            return f;
        }
        throw new ConfigException("the convolutional-network studies need the libtorch engine (module layerwise-torch) on the class path;"
                + " run them through ./layerwise, which includes it");
    }
}
