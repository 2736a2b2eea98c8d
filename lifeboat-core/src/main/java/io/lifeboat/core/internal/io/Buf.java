package io.lifeboat.core.internal.io;

import java.util.Arrays;

/**
 * A reusable output buffer: {@code array()[0, length())} holds what was last written into
 * it. Encoders write into one instead of returning a fresh array, so that a worker thread
 * reuses the same memory for every chunk. Not thread-safe.
 */
public final class Buf {
    private byte[] array;
    private int length;

    public Buf() {
        this(0);
    }

    public Buf(int capacity) {
        this.array = new byte[capacity];
    }

    /** The backing array; valid until the next {@link #ensure}. */
    public byte[] array() {
        return array;
    }

    public int length() {
        return length;
    }

    /** Sets how many bytes of {@link #array()} are valid. */
    public void length(int length) {
        if (length < 0 || length > array.length) {
            throw new IllegalArgumentException("length " + length + " outside [0, " + array.length + "]");
        }
        this.length = length;
    }

    /**
     * Makes the array at least {@code capacity} bytes long and returns it. The content is
     * not kept: callers write the whole of it afresh.
     */
    public byte[] ensure(int capacity) {
        if (array.length < capacity) {
            array = new byte[Math.max(capacity, Math.min(Integer.MAX_VALUE - 16, array.length + (array.length >> 1)))];
        }
        return array;
    }

    /**
     * Makes the array at least {@code capacity} bytes long and returns it, keeping its
     * first {@link #length()} bytes (for a buffer filled in parts).
     */
    public byte[] grow(int capacity) {
        if (array.length < capacity) {
            array = Arrays.copyOf(array, Math.max(capacity, Math.min(Integer.MAX_VALUE - 16, array.length + (array.length >> 1))));
        }
        return array;
    }

    /** Drops an array grown past {@code max} bytes, so that one huge blob does not pin memory for good. */
    public void trim(int max) {
        if (array.length > max) {
            array = new byte[0];
            length = 0;
        }
    }

    /** A copy of the valid bytes. */
    public byte[] toArray() {
        return Arrays.copyOf(array, length);
    }
}
