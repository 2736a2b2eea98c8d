package io.lifeboat.core.storage;

/** A stored blob's name and size in bytes. */
public record BlobInfo(String name, long size) {
    public BlobInfo {
        BlobNames.validate(name);
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size + " for " + name);
        }
    }
}
