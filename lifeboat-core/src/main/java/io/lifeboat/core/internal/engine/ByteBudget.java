package io.lifeboat.core.internal.engine;

import java.io.InterruptedIOException;
import java.util.concurrent.Semaphore;

/**
 * Bounds the bytes that workers hold in memory at once, whatever their number: each takes
 * room before it reads and gives it back when done. A request larger than the whole budget
 * takes the whole budget, so it still proceeds, alone.
 */
final class ByteBudget {
    /**
     * What reading engines (check, restore) may hold at once by default: a quarter of the
     * heap, at most 256 MiB, at least 16 MiB.
     */
    static final int DEFAULT = (int) Math.max(16L << 20, Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 4));

    private final Semaphore permits;
    private final int max;

    ByteBudget(int maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("a byte budget must be positive: " + maxBytes);
        }
        this.max = maxBytes;
        this.permits = new Semaphore(maxBytes);
    }

    /** Waits for room for {@code bytes}; returns the room taken, to hand to {@link #give}. */
    int take(long bytes) throws InterruptedIOException {
        int k = (int) Math.max(0, Math.min(bytes, max));
        try {
            permits.acquire(k);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for memory");
        }
        return k;
    }

    void give(int taken) {
        permits.release(taken);
    }
}
