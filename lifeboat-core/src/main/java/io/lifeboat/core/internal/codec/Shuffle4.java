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
        unshuffle(src, n, dst, 0);
        System.arraycopy(src, 4 * (n >>> 2), dst, 4 * (n >>> 2), n - 4 * (n >>> 2));
    }

    /**
     * Interleaves the four planes of {@code 4 * (n/4)} bytes in {@code src} into
     * {@code dst[dstOff, dstOff + 4*(n/4))}; the {@code n % 4} tail is the caller's. Works
     * eight words at a time: one 8-byte load per plane, four 8-byte stores.
     */
    static void unshuffle(byte[] src, int n, byte[] dst, int dstOff) {
        int q = n >>> 2;
        int i = 0;
        for (; i + 8 <= q; i += 8) {
            long a = (long) LONG.get(src, i);
            long b = (long) LONG.get(src, q + i);
            long c = (long) LONG.get(src, 2 * q + i);
            long d = (long) LONG.get(src, 3 * q + i);
            int out = dstOff + 4 * i;
            for (int k = 0; k < 64; k += 16) {
                long lo = word(a, b, c, d, k);
                long hi = word(a, b, c, d, k + 8);
                LONG.set(dst, out, lo | (hi << 32));
                out += 8;
            }
        }
        for (int j = dstOff + 4 * i; i < q; i++, j += 4) {
            dst[j] = src[i];
            dst[j + 1] = src[q + i];
            dst[j + 2] = src[2 * q + i];
            dst[j + 3] = src[3 * q + i];
        }
    }

    /** The 4-byte word whose bytes are byte {@code shift/8} of each plane's long. */
    private static long word(long a, long b, long c, long d, int shift) {
        return ((a >>> shift) & 0xff) | ((b >>> shift) & 0xff) << 8 | ((c >>> shift) & 0xff) << 16
                | ((d >>> shift) & 0xff) << 24;
    }

    private static final java.lang.invoke.VarHandle LONG =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
}
