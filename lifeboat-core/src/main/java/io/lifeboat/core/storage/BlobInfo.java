package io.lifeboat.core.storage;

import java.time.Instant;

/**
 * A stored blob's name, size in bytes and retention lock.
 *
 * @param retainUntil the instant before which the blob may not be deleted, or null if it
 *        carries no retention lock (see {@link BlobStore#putIfAbsent(String, byte[], int, int, Instant)})
 */
public record BlobInfo(String name, long size, Instant retainUntil) {
    public BlobInfo {
        BlobNames.validate(name);
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size + " for " + name);
        }
    }

    /** A blob without a retention lock. */
    public BlobInfo(String name, long size) {
        this(name, size, null);
    }

    /** Whether the blob may not be deleted at {@code now}. */
    public boolean lockedAt(Instant now) {
        return retainUntil != null && now.isBefore(retainUntil);
    }
}
