package io.lifeboat.core;

import java.io.IOException;

/** The location given holds no Lifeboat repository (exit code 2). */
public class RepositoryNotFoundException extends IOException {
    public RepositoryNotFoundException(String message) {
        super(message);
    }
}
