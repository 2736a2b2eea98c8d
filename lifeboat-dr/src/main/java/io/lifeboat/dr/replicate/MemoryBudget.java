package io.lifeboat.dr.replicate;

import java.io.InterruptedIOException;
import java.util.concurrent.Semaphore;

/**
 * Bounds the bytes of objects that copying threads hold at once, whatever their number:
 * each takes room for an object before reading it and gives it back once it is stored. An
 * object larger than the whole budget takes all of it, so it is still copied, alone.
 */
final class MemoryBudget {
    /** A quarter of the heap, at least 16 MiB and at most 256 MiB: what core's reading engines allow themselves. */
    static final int DEFAULT = (int) Math.max(16L << 20, Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 4));

    private final Semaphore permits;
    private final int max;

    MemoryBudget(int maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("a memory budget must be positive: " + maxBytes);
        }
        this.max = maxBytes;
        this.permits = new Semaphore(maxBytes);
    }

    /** Waits for room for {@code bytes}; returns the room taken, to hand back to {@link #give}. */
    int take(long bytes) throws InterruptedIOException {
        int room = (int) Math.max(0, Math.min(bytes, max));
        try {
            permits.acquire(room);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for memory");
        }
        return room;
    }

    void give(int room) {
        permits.release(room);
    }
}
