package org.layerwise.data;

/** A data set that cannot be read: missing files, wrong format. The message names the path. */
public class DataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
