package io.lifeboat.azure;

import io.lifeboat.core.storage.BlobStore;
import io.lifeboat.core.storage.BlobStoreProvider;
import io.lifeboat.core.storage.StoreLocation;
import java.io.IOException;

/**
 * Serves {@code azure://container/prefix} repositories (found by
 * {@link io.lifeboat.core.storage.BlobStores} through {@link java.util.ServiceLoader}).
 * Credentials and settings come from the location's environment and options: see
 * {@link AzureBlobStore} and docs/operations.md.
 */
public final class AzureBlobStoreProvider implements BlobStoreProvider {
    @Override
    public String scheme() {
        return "azure";
    }

    @Override
    public BlobStore open(StoreLocation location, boolean create, boolean retentionLocks) throws IOException {
        return AzureBlobStore.builder(location).create(create).retentionLocks(retentionLocks).open();
    }
}
