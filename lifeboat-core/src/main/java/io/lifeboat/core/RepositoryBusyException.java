package io.lifeboat.core;

import java.io.IOException;

/** Another process is doing something that cannot run twice at once (a prune, say). */
public class RepositoryBusyException extends IOException {
    public RepositoryBusyException(String message) {
        super(message);
    }
}
