package io.lifeboat.catalog;

import java.io.IOException;

/**
 * Other writers kept taking the version numbers this one tried to claim; nothing was
 * registered. Trying again is safe.
 */
public final class RegistryConflictException extends IOException {
    public RegistryConflictException(String message) {
        super(message);
    }
}
