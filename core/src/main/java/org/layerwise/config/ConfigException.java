package org.layerwise.config;

/** An invalid setting, reported before any work starts. The message names the key and what is allowed. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
