package io.lifeboat.core.internal.crypto;

import io.lifeboat.core.Id;
import java.security.GeneralSecurityException;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Names chunks: a chunk's id is HMAC-SHA256 of its plaintext under the repository's
 * chunk-id key. Equal plaintexts get equal ids (that is what deduplicates them), while
 * someone without the key cannot confirm a guess of a chunk's content from its id.
 *
 * <p>Thread-safe: each thread reuses one {@link Mac}.
 */
public final class ChunkIdHasher {
    private static final String ALGORITHM = "HmacSHA256";

    private final ThreadLocal<Mac> mac;

    /**
     * A hasher keyed with {@code chunkIdKey}; the caller may zero the array afterwards.
     *
     * @throws IllegalArgumentException unless the key has 32 bytes
     */
    public ChunkIdHasher(byte[] chunkIdKey) {
        if (chunkIdKey.length != MasterKey.KEY_LENGTH) {
            throw new IllegalArgumentException("a chunk-id key has 32 bytes, not " + chunkIdKey.length);
        }
        SecretKeySpec key = new SecretKeySpec(chunkIdKey, ALGORITHM);
        this.mac = ThreadLocal.withInitial(() -> newMac(key));
    }

    /** HMAC-SHA256 of {@code data[off, off+len)} under the chunk-id key. */
    public Id hash(byte[] data, int off, int len) {
        Objects.checkFromIndexSize(off, len, data.length);
        Mac m = mac.get();
        m.update(data, off, len);
        return Id.of(m.doFinal());
    }

    /** The id of a whole array; see {@link #hash(byte[], int, int)}. */
    public Id hash(byte[] data) {
        return hash(data, 0, data.length);
    }

    private static Mac newMac(SecretKeySpec key) {
        try {
            Mac m = Mac.getInstance(ALGORITHM);
            m.init(key);
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up " + ALGORITHM, e);
        }
    }

    @Override
    public String toString() {
        return "ChunkIdHasher[HMAC-SHA256]";
    }
}
