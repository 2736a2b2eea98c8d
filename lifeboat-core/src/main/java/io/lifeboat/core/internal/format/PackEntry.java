package io.lifeboat.core.internal.format;

import io.lifeboat.core.Id;

/**
 * Where one blob lives: its pack, its byte range there (the sealed, stored bytes) and the
 * length of its plaintext.
 */
public record PackEntry(Id pack, BlobType type, Id id, long offset, int length, int rawLength) {
    public PackEntry {
        if (offset < 0 || length < 0 || rawLength < 0) {
            throw new IllegalArgumentException("negative offset or length in pack entry for " + id);
        }
    }

    /** End of the blob's range in its pack. */
    public long end() {
        return offset + length;
    }
}
