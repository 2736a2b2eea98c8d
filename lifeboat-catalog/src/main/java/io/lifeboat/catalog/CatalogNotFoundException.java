package io.lifeboat.catalog;

import java.io.IOException;

/** A model, version, alias or recovery point the catalog does not have (at the time asked about). */
public final class CatalogNotFoundException extends IOException {
    public CatalogNotFoundException(String message) {
        super(message);
    }
}
