package org.layerwise.io;

/**
 * A problem with the machine rather than the input: a full or read-only disk, a folder in use by
 * another process, not enough memory for the run asked for. The command line reports its message in
 * one line with exit code 1 (input problems exit with 2).
 */
public class EnvironmentException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EnvironmentException(String message) {
        super(message);
    }

    public EnvironmentException(String message, Throwable cause) {
        super(message, cause);
    }
}
