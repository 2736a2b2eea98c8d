package io.lifeboat.catalog;

import java.io.IOException;

/**
 * A catalog change that would break a rule, refused before anything was written: deleting a
 * version an alias points at, aliasing a deleted version, undeleting a pruned one.
 */
public final class CatalogRefusedException extends IOException {
    public CatalogRefusedException(String message) {
        super(message);
    }
}
