package io.lifeboat.core.internal.crypto;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A repository's secret keys, generated once when the repository is created and stored
 * only wrapped in {@link KeySlot}s.
 *
 * <ul>
 *   <li>the <b>data key</b> (32 bytes) seals every stored object and blob with
 *       AES-256-GCM, see {@link Envelope};</li>
 *   <li>the <b>chunk-id key</b> (32 bytes) keys the HMAC-SHA256 that names chunks, see
 *       {@link ChunkIdHasher}, so that chunk ids reveal nothing about their plaintext to
 *       whoever lacks the key;</li>
 *   <li>the <b>chunker seed</b> (32 bytes) derives the content-defined chunker's gear
 *       table, so that chunk boundaries do not leak plaintext either.</li>
 * </ul>
 *
 * <p>Immutable. Accessors return copies. {@link #toString()} never shows key bytes.
 */
public final class MasterKey {
    /** Length of each of the three keys, in bytes. */
    public static final int KEY_LENGTH = 32;
    /** Length of {@link #encode()}: data key, chunk-id key, chunker seed. */
    public static final int ENCODED_LENGTH = 3 * KEY_LENGTH;

    private final byte[] dataKey;
    private final byte[] chunkIdKey;
    private final byte[] chunkerSeed;

    private MasterKey(byte[] dataKey, byte[] chunkIdKey, byte[] chunkerSeed) {
        this.dataKey = dataKey;
        this.chunkIdKey = chunkIdKey;
        this.chunkerSeed = chunkerSeed;
    }

    /** Three fresh keys drawn from {@code random}. */
    public static MasterKey generate(SecureRandom random) {
        byte[] encoded = new byte[ENCODED_LENGTH];
        random.nextBytes(encoded);
        try {
            return decode(encoded);
        } finally {
            Arrays.fill(encoded, (byte) 0);
        }
    }

    /**
     * The keys from their {@link #encode() encoding}. The caller may zero {@code encoded}
     * afterwards; this key holds copies.
     *
     * @throws IllegalArgumentException unless {@code encoded} has exactly 96 bytes
     */
    public static MasterKey decode(byte[] encoded) {
        if (encoded.length != ENCODED_LENGTH) {
            throw new IllegalArgumentException("an encoded master key has " + ENCODED_LENGTH + " bytes, not " + encoded.length);
        }
        return new MasterKey(
                Arrays.copyOfRange(encoded, 0, KEY_LENGTH),
                Arrays.copyOfRange(encoded, KEY_LENGTH, 2 * KEY_LENGTH),
                Arrays.copyOfRange(encoded, 2 * KEY_LENGTH, ENCODED_LENGTH));
    }

    /**
     * The 96-byte encoding {@code dataKey || chunkIdKey || chunkerSeed}. The caller should
     * zero it once used.
     */
    public byte[] encode() {
        byte[] encoded = new byte[ENCODED_LENGTH];
        System.arraycopy(dataKey, 0, encoded, 0, KEY_LENGTH);
        System.arraycopy(chunkIdKey, 0, encoded, KEY_LENGTH, KEY_LENGTH);
        System.arraycopy(chunkerSeed, 0, encoded, 2 * KEY_LENGTH, KEY_LENGTH);
        return encoded;
    }

    /** A copy of the AES-256-GCM data key. */
    public byte[] dataKey() {
        return dataKey.clone();
    }

    /** A copy of the HMAC-SHA256 chunk-id key. */
    public byte[] chunkIdKey() {
        return chunkIdKey.clone();
    }

    /** A copy of the chunker seed. */
    public byte[] chunkerSeed() {
        return chunkerSeed.clone();
    }

    /** Says what this is, never what the keys are. */
    @Override
    public String toString() {
        return "MasterKey[redacted]";
    }
}
