package io.lifeboat.core.internal.io;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.LongAdder;

/**
 * Recycles the large arrays that hold chunks between the reader that cuts them and the
 * worker that stores them, so that a backup of large files allocates a few dozen arrays
 * instead of one per chunk (each of which the collector would copy or reclaim, and the
 * kernel fault in afresh). Thread-safe.
 *
 * <p>Arrays come in size classes, eight per doubling (each class at most 12.5% larger than
 * a request it serves); requests below {@value #MIN_POOLED} bytes get a new exact array,
 * as allocation is cheap there. At most {@code maxRetained} bytes of idle arrays are kept;
 * a released array beyond that is left to the collector.
 */
public final class BufferPool {
    /** Requests smaller than this are not pooled. */
    public static final int MIN_POOLED = 64 * 1024;
    /** How many larger classes a request may take an idle array from when its own has none. */
    private static final int REACH = 2;

    private final long maxRetained;
    private final ArrayDeque<byte[]>[] idle;
    private long retained;
    private final LongAdder allocated = new LongAdder();

    /** A pool for arrays of up to {@code maxLength} bytes, keeping at most {@code maxRetained} idle bytes. */
    @SuppressWarnings("unchecked")
    public BufferPool(int maxLength, long maxRetained) {
        if (maxLength < 0 || maxRetained < 0) {
            throw new IllegalArgumentException("negative size");
        }
        this.maxRetained = maxRetained;
        this.idle = new ArrayDeque[sizeClass(Math.max(maxLength, MIN_POOLED)) + 1 + REACH];
        for (int i = 0; i < idle.length; i++) {
            idle[i] = new ArrayDeque<>();
        }
    }

    /** An array of at least {@code length} bytes with unspecified content. */
    public byte[] take(int length) {
        int c = length < MIN_POOLED ? -1 : sizeClass(length);
        if (c < 0 || c >= idle.length) {
            return new byte[length];
        }
        synchronized (this) {
            for (int k = c; k < Math.min(idle.length, c + 1 + REACH); k++) {
                byte[] b = idle[k].poll();
                if (b != null) {
                    retained -= b.length;
                    return b;
                }
            }
        }
        int size = classLength(c);
        allocated.add(size);
        return new byte[size];
    }

    /** Bytes of pooled-size arrays this pool has had to allocate (not counting the unpooled small ones). */
    public long allocatedBytes() {
        return allocated.sum();
    }

    /** Gives an array back for reuse; the caller must not touch it afterwards. Arrays not from this pool are ignored. */
    public void release(byte[] b) {
        if (b.length < MIN_POOLED) {
            return;
        }
        int c = sizeClass(b.length);
        if (c >= idle.length || classLength(c) != b.length) {
            return;
        }
        synchronized (this) {
            if (retained + b.length <= maxRetained) {
                idle[c].push(b);
                retained += b.length;
            }
        }
    }

    /** The length of the array {@link #take} returns for a request of {@code length} bytes (if it allocates). */
    public static int roundUp(int length) {
        return length < MIN_POOLED ? length : classLength(sizeClass(length));
    }

    /** Bytes of idle arrays held now. */
    public synchronized long retained() {
        return retained;
    }

    /**
     * The class of a request of {@code length >= MIN_POOLED} bytes: classes count up eight
     * per doubling from {@link #MIN_POOLED}.
     */
    static int sizeClass(int length) {
        int c = 0;
        while (classLength(c) < length) {
            c++;
        }
        return c;
    }

    /** The array length of class {@code c}: {@code (8 + c % 8) / 8 * MIN_POOLED * 2^(c / 8)}. */
    static int classLength(int c) {
        long len = (long) (8 + c % 8) * (MIN_POOLED / 8) << (c / 8);
        return (int) Math.min(len, Integer.MAX_VALUE - 16);
    }
}
