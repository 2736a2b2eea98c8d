package io.lifeboat.core;

import java.io.IOException;

/** A snapshot reference matches no snapshot, or several (exit code 2: bad input). */
public class SnapshotNotFoundException extends IOException {
    public SnapshotNotFoundException(String message) {
        super(message);
    }
}
