package io.lifeboat.core.internal.codec;

import java.util.Arrays;

/**
 * A cheap test of whether byte planes can pay: the order-0 entropy (the cost of coding
 * each byte on its own, from its frequency) of the four planes of a sample, against that
 * of the sample taken whole.
 *
 * <p>Float data has planes of very different statistics (the exponent plane holds a few
 * values, the low mantissa plane all of them), so coding the planes apart costs less
 * (measured on 16 KiB blocks: 0.64 of the whole for bfloat16 stored as float32, 0.89 for
 * float32, 0.91 for float16). In text the four planes look alike and the estimate stays
 * near 1 (0.98-1.00 on the corpus's files), and so do int8 tensors (0.99): there,
 * compressing the planes costs as much again as compressing the data and never wins.
 */
final class Order0 {
    /** The most bytes looked at: 1,024 per plane. */
    static final int SAMPLE_LENGTH = 4096;
    /** Planes are worth a try when their estimate is at most this fraction of the whole's. */
    static final double PLANES_MAY_PAY = 0.95;

    /** {@code C_LOG_C[c] = c * log2(c)}, with {@code C_LOG_C[0] = 0}. */
    private static final double[] C_LOG_C = new double[SAMPLE_LENGTH + 1];

    static {
        for (int c = 1; c <= SAMPLE_LENGTH; c++) {
            C_LOG_C[c] = c * (Math.log(c) / Math.log(2));
        }
    }

    private Order0() {
    }

    /**
     * Whether the byte planes of {@code data[offset, offset+length)} (which starts on the
     * 4-byte grid) may compress better than the data whole: the order-0 cost of the planes
     * of a sample from the middle is at most {@link #PLANES_MAY_PAY} of the sample's.
     * {@code counts} is scratch space of at least 1,024 ints; its contents are overwritten.
     */
    static boolean planesMayPay(int[] counts, byte[] data, int offset, int length) {
        int n = Math.min(length, SAMPLE_LENGTH) & ~3;
        if (n == 0) {
            return false;
        }
        int start = offset + (((length - n) / 2) & ~3);
        Arrays.fill(counts, 0, 4 * 256, 0);
        for (int i = 0; i < n; i += 4) {
            counts[data[start + i] & 0xff]++;
            counts[256 + (data[start + i + 1] & 0xff)]++;
            counts[512 + (data[start + i + 2] & 0xff)]++;
            counts[768 + (data[start + i + 3] & 0xff)]++;
        }
        double planes = 0;
        double whole = 0;
        for (int v = 0; v < 256; v++) {
            int a = counts[v];
            int b = counts[256 + v];
            int c = counts[512 + v];
            int d = counts[768 + v];
            planes -= C_LOG_C[a] + C_LOG_C[b] + C_LOG_C[c] + C_LOG_C[d];
            whole -= C_LOG_C[a + b + c + d];
        }
        planes += 4 * C_LOG_C[n / 4];
        whole += C_LOG_C[n];
        return planes <= PLANES_MAY_PAY * whole;
    }
}
