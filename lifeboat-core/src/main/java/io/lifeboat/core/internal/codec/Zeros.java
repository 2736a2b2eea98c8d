package io.lifeboat.core.internal.codec;

import java.util.Arrays;

/** Whether a range of bytes is all zero, fast: the JDK's vectorised mismatch against a zero block. */
public final class Zeros {
    private static final byte[] BLOCK = new byte[64 * 1024];

    private Zeros() {}

    /** Whether {@code b[from, from+length)} holds only zero bytes. */
    public static boolean isAllZero(byte[] b, int from, int length) {
        int end = from + length;
        for (int i = from; i < end; i += BLOCK.length) {
            int n = Math.min(BLOCK.length, end - i);
            if (Arrays.mismatch(b, i, i + n, BLOCK, 0, n) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether the whole array is zero. */
    public static boolean isAllZero(byte[] b) {
        return isAllZero(b, 0, b.length);
    }
}
