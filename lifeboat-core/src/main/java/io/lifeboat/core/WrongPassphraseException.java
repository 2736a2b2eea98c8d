package io.lifeboat.core;

import java.io.IOException;

/** No key slot of the repository opens with the passphrase given (exit code 12). */
public class WrongPassphraseException extends IOException {
    public WrongPassphraseException(String message) {
        super(message);
    }
}
