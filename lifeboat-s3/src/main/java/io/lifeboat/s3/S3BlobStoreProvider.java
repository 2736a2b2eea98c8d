package io.lifeboat.s3;

import io.lifeboat.core.storage.BlobStore;
import io.lifeboat.core.storage.BlobStoreProvider;
import io.lifeboat.core.storage.StoreLocation;
import java.io.IOException;

/** Serves {@code s3://bucket/prefix} repositories; found by {@link java.util.ServiceLoader}. */
public final class S3BlobStoreProvider implements BlobStoreProvider {
    @Override
    public String scheme() {
        return "s3";
    }

    @Override
    public BlobStore open(StoreLocation location, boolean create, boolean retentionLocks) throws IOException {
        return S3BlobStore.open(location, create, retentionLocks);
    }
}
