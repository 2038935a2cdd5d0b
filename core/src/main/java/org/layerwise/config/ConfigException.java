package org.layerwise.config;

/** An invalid setting, reported before any work starts. The message names the key and what is allowed. */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
