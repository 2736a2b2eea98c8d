package io.lifeboat.core;

import java.io.IOException;

/** {@code init} found a repository already there (exit code 1); nothing was changed. */
public class RepositoryExistsException extends IOException {
    public RepositoryExistsException(String message) {
        super(message);
    }
}
