package io.lifeboat.core.internal.engine;

import io.lifeboat.core.Id;
import io.lifeboat.core.Repository;
import io.lifeboat.core.internal.format.BlobType;
import io.lifeboat.core.internal.format.PackBuilder;
import io.lifeboat.core.internal.format.Packs;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Gathers sealed blobs of one type into packs and uploads full packs in the background.
 * Thread-safe: many workers call {@link #add} at once. At most {@code maxInFlight} sealed
 * packs wait for upload, and one fills; a worker that would start another waits (and
 * the others with it), which bounds memory whatever the number of workers.
 * After a pack is stored, {@link Sink#stored} is told (the engine indexes it then).
 *
 * <p>The buffers of stored packs are recycled for the packs that follow, so that a backup
 * fills the same few pack-sized arrays over and over instead of allocating (and the
 * collector clearing) one per pack.
 */
final class Packer {
    /** Told of every pack once it is durably stored. */
    interface Sink {
        void stored(PackBuilder.Sealed pack) throws IOException;
    }

    private final Repository repo;
    private final BlobType type;
    private final int targetSize;
    private final int initialCapacity;
    private final ExecutorService uploads;
    private final Semaphore inFlight;
    private final Sink sink;
    private final List<Future<?>> pending = new ArrayList<>();
    /** Buffers of stored packs, for the next packs to fill; at most {@code maxInFlight + 1}. */
    private final ArrayDeque<byte[]> spare = new ArrayDeque<>();
    private final int maxSpare;
    private PackBuilder current;
    private volatile IOException failure;

    Packer(Repository repo, BlobType type, int targetSize, int initialCapacity, ExecutorService uploads, int maxInFlight,
           Sink sink) {
        this.repo = repo;
        this.type = type;
        this.targetSize = targetSize;
        this.initialCapacity = initialCapacity;
        this.uploads = uploads;
        this.inFlight = new Semaphore(maxInFlight);
        this.maxSpare = maxInFlight + 1;
        this.sink = sink;
    }

    /**
     * Adds one sealed blob; may block while full packs wait for upload. A pack is closed
     * before a blob would take it past its target size (blob, header and trailer counted),
     * so a pack's buffer never grows beyond the target; a blob larger than the target gets
     * a pack of its own.
     */
    void add(Id id, byte[] sealed, int rawLength) throws IOException {
        add(id, sealed, 0, sealed.length, rawLength);
    }

    /** Adds the sealed blob {@code sealed[off, off+len)}, copying it; see {@link #add(Id, byte[], int)}. */
    void add(Id id, byte[] sealed, int off, int len, int rawLength) throws IOException {
        throwIfFailed();
        PackBuilder full = null;
        synchronized (this) {
            if (current != null && !current.isEmpty() && current.projectedSize(len) > targetSize) {
                // Wait for an upload slot before a new pack starts filling, holding the lock:
                // otherwise every worker could fill and hold a full pack while waiting, and
                // memory would grow with the thread count.
                acquireSlot();
                full = current;
                current = null;
            }
            if (current == null) {
                // Room for the header and trailer too, so that finishing does not grow the buffer.
                current = newBuilder(Math.max(initialCapacity, len + 1024));
            }
            current.add(id, sealed, off, len, rawLength);
        }
        if (full != null) {
            upload(full);
        }
    }

    private PackBuilder newBuilder(int capacity) {
        byte[] buffer;
        synchronized (spare) {
            buffer = spare.poll();
        }
        return buffer != null && buffer.length >= capacity ? new PackBuilder(type, buffer) : new PackBuilder(type, capacity);
    }

    /** Keeps a stored pack's buffer for a later pack, unless enough are kept or it grew past the target. */
    private void recycle(byte[] buffer) {
        if (buffer.length > targetSize + 64 * 1024) {
            return;
        }
        synchronized (spare) {
            if (spare.size() < maxSpare) {
                spare.push(buffer);
            }
        }
    }

    private void acquireSlot() throws InterruptedIOException {
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to upload a pack");
        }
    }

    /** Seals and submits a full pack; the caller holds an upload slot, which this hands on or releases. */
    private void upload(PackBuilder builder) throws IOException {
        Future<?> f;
        try {
            PackBuilder.Sealed pack = builder.finish(repo.envelope());
            f = uploads.submit(() -> {
                try {
                    repo.store().putIfAbsent(Packs.name(pack.id()), pack.bytes(), 0, pack.length(), repo.retainUntil());
                    recycle(pack.bytes()); // stored: nothing reads the bytes any more
                    sink.stored(pack);
                } catch (IOException e) {
                    failure = e;
                    throw e;
                } catch (RuntimeException | Error e) {
                    // Not an I/O failure, but the pack is not stored all the same: workers
                    // adding blobs must fail rather than carry on.
                    failure = new IOException("pack upload failed: " + e, e);
                    throw e;
                } finally {
                    inFlight.release();
                }
                return null;
            });
        } catch (RuntimeException | Error e) {
            inFlight.release(); // the upload never ran
            throw e;
        }
        synchronized (pending) {
            pending.add(f);
        }
    }

    private void throwIfFailed() throws IOException {
        IOException f = failure;
        if (f != null) {
            throw new IOException("storing a pack failed: " + f.getMessage(), f);
        }
    }

    /** Uploads the partial pack and waits for every upload; rethrows the first failure. */
    void flush() throws IOException {
        PackBuilder last;
        synchronized (this) {
            last = current;
            current = null;
        }
        if (last != null && !last.isEmpty()) {
            acquireSlot();
            upload(last);
        }
        List<Future<?>> all;
        synchronized (pending) {
            all = new ArrayList<>(pending);
            pending.clear();
        }
        for (Future<?> f : all) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while uploading packs");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                if (e.getCause() instanceof UnsupportedOperationException u) {
                    // A store that cannot hold the retention locks the repository asks for.
                    throw new IOException("pack upload failed: " + u.getMessage(), u);
                }
                throw new IllegalStateException("pack upload failed: " + e.getCause(), e.getCause());
            }
        }
    }
}
