package io.lifeboat.core;

import java.io.IOException;

/**
 * Stored data is damaged: an object whose bytes do not hash to its name, a blob that
 * fails authentication or decoding, a pack whose structure is broken, a referenced
 * object that is missing. Carries the name of the damaged object. The command line maps
 * it to exit code 10.
 */
public class IntegrityException extends IOException {
    private final String objectName;

    public IntegrityException(String objectName, String message) {
        super(objectName + ": " + message);
        this.objectName = objectName;
    }

    public IntegrityException(String objectName, String message, Throwable cause) {
        super(objectName + ": " + message, cause);
        this.objectName = objectName;
    }

    /** The stored object (blob name) found damaged. */
    public String objectName() {
        return objectName;
    }
}
