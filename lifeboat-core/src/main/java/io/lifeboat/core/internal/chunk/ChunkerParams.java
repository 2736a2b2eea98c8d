package io.lifeboat.core.internal.chunk;

/**
 * Size limits of content-defined chunking. Immutable; validated on construction.
 *
 * <p>Every chunk except the last of an input is at least {@code minSize + 1} and at most
 * {@code maxSize} bytes long; chunk lengths cluster around {@code avgSize}.
 *
 * @param minSize no cut is placed before this many bytes; at least 64 (the gear hash
 *        window) and less than {@code avgSize}
 * @param avgSize the target chunk size; a power of two, less than {@code maxSize}
 * @param maxSize a chunk is cut here if no content-defined cut was found; at most 64 MiB
 */
public record ChunkerParams(int minSize, int avgSize, int maxSize) {

    /** The smallest allowed {@code minSize}: one gear hash window. */
    public static final int MIN_MIN_SIZE = 64;

    /** The largest allowed {@code maxSize}: 64 MiB. */
    public static final int MAX_MAX_SIZE = 64 * 1024 * 1024;

    /** 512 KiB / 1 MiB / 8 MiB: Lifeboat's chunk sizes for model weights and datasets. */
    public static final ChunkerParams DEFAULT =
            new ChunkerParams(512 * 1024, 1024 * 1024, 8 * 1024 * 1024);

    /**
     * @throws IllegalArgumentException unless
     *         {@code 64 <= minSize < avgSize < maxSize <= 64 MiB} and {@code avgSize} is a
     *         power of two
     */
    public ChunkerParams {
        if (minSize < MIN_MIN_SIZE) {
            throw new IllegalArgumentException("minSize must be at least " + MIN_MIN_SIZE + ", was " + minSize);
        }
        if (avgSize <= 0 || Integer.bitCount(avgSize) != 1) {
            throw new IllegalArgumentException("avgSize must be a power of two, was " + avgSize);
        }
        if (minSize >= avgSize) {
            throw new IllegalArgumentException(
                    "minSize must be less than avgSize, was " + minSize + " >= " + avgSize);
        }
        if (avgSize >= maxSize) {
            throw new IllegalArgumentException(
                    "avgSize must be less than maxSize, was " + avgSize + " >= " + maxSize);
        }
        if (maxSize > MAX_MAX_SIZE) {
            throw new IllegalArgumentException("maxSize must be at most 64 MiB (" + MAX_MAX_SIZE + "), was " + maxSize);
        }
    }

    /** {@code log2(avgSize)}. */
    int avgBits() {
        return Integer.numberOfTrailingZeros(avgSize);
    }
}
