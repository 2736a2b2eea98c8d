package io.lifeboat.core.internal.codec;

/**
 * The byte-plane transform of {@link Compression#SHUFFLE4_ZSTD}: groups byte {@code k} of
 * every 4-byte word into plane {@code k}, so that the sign/exponent bytes of float32 or
 * bfloat16 values sit together and compress well.
 */
final class Shuffle4 {
    private Shuffle4() {
    }

    /** Writes the planes of {@code src[off, off+n)} to {@code dst[0, n)}. */
    static void shuffle(byte[] src, int off, int n, byte[] dst) {
        int q = n >>> 2;
        int p1 = q;
        int p2 = 2 * q;
        int p3 = 3 * q;
        for (int i = 0, j = off; i < q; i++, j += 4) {
            dst[i] = src[j];
            dst[p1 + i] = src[j + 1];
            dst[p2 + i] = src[j + 2];
            dst[p3 + i] = src[j + 3];
        }
        System.arraycopy(src, off + 4 * q, dst, 4 * q, n - 4 * q);
    }

    /** Inverse of {@link #shuffle}: restores {@code dst[0, n)} from the planes in {@code src[0, n)}. */
    static void unshuffle(byte[] src, int n, byte[] dst) {
        int q = n >>> 2;
        int p1 = q;
        int p2 = 2 * q;
        int p3 = 3 * q;
        for (int i = 0, j = 0; i < q; i++, j += 4) {
            dst[j] = src[i];
            dst[j + 1] = src[p1 + i];
            dst[j + 2] = src[p2 + i];
            dst[j + 3] = src[p3 + i];
        }
        System.arraycopy(src, 4 * q, dst, 4 * q, n - 4 * q);
    }
}
