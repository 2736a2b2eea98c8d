package io.lifeboat.core.internal.crypto;

import java.io.IOException;

/**
 * Thrown when sealed bytes do not authenticate: they were sealed under another key, or
 * they were changed (corrupted, truncated or forged) after sealing. Nothing of the
 * plaintext is released when this is thrown.
 */
public class AuthenticationException extends IOException {
    static final String MESSAGE = "authentication failed: wrong key or corrupted data";

    public AuthenticationException() {
        super(MESSAGE);
    }

    public AuthenticationException(Throwable cause) {
        super(MESSAGE, cause);
    }
}
