package io.lifeboat.core.storage;

import java.io.IOException;

/**
 * Opens the stores of one URL scheme ({@code s3}, {@code azure}). Backends in other
 * modules register an implementation with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/io.lifeboat.core.storage.BlobStoreProvider}); core itself
 * knows no cloud. See {@link BlobStores#open}.
 */
public interface BlobStoreProvider {
    /** The URL scheme, lower case, e.g. {@code s3}. */
    String scheme();

    /**
     * Opens the store at {@code location}. With {@code create}, makes the bucket or
     * container first if it does not exist ({@code init}); without, a missing one is a
     * {@link io.lifeboat.core.RepositoryNotFoundException}.
     *
     * @param retentionLocks whether the repository will lock objects (then a store that
     *        cannot enforce locks must refuse, clearly, rather than open)
     */
    BlobStore open(StoreLocation location, boolean create, boolean retentionLocks) throws IOException;
}
