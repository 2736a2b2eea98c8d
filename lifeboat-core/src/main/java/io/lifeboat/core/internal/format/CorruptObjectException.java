package io.lifeboat.core.internal.format;

import java.io.IOException;

/** A decrypted object's bytes do not parse: a truncated or malformed encoding. */
public class CorruptObjectException extends IOException {
    public CorruptObjectException(String message) {
        super(message);
    }
}
