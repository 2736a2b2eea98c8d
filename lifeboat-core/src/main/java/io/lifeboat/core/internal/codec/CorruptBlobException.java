package io.lifeboat.core.internal.codec;

import java.io.IOException;

/** Thrown when an encoded blob cannot be decoded: the stored bytes are damaged. */
public class CorruptBlobException extends IOException {

    public CorruptBlobException(String message) {
        super(message);
    }

    public CorruptBlobException(String message, Throwable cause) {
        super(message, cause);
    }
}
