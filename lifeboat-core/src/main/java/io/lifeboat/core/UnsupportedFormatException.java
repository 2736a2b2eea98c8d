package io.lifeboat.core;

import java.io.IOException;

/** The repository was written in a format version this Lifeboat does not know (exit code 1). */
public class UnsupportedFormatException extends IOException {
    public UnsupportedFormatException(String message) {
        super(message);
    }
}
