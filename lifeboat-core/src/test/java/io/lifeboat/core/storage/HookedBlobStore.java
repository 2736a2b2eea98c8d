package io.lifeboat.core.storage;

import java.io.IOException;
import java.util.List;

/**
 * A store for tests that delegates to another and lets a test intervene: fail writes once a
 * byte quota is used up (a full disk), or run code when a prefix is listed (to make another
 * writer's work land between two steps of the code under test).
 */
public class HookedBlobStore implements BlobStore {
    /** Runs when a prefix is listed. */
    @FunctionalInterface
    public interface ListHook {
        void beforeList(String prefix) throws IOException;
    }

    private final BlobStore delegate;
    private volatile long quota = Long.MAX_VALUE;
    private volatile ListHook listHook = prefix -> { };
    private volatile long getsLeft = Long.MAX_VALUE;

    public HookedBlobStore(BlobStore delegate) {
        this.delegate = delegate;
    }

    /** After this many more bytes, writes fail with "No space left on device". */
    public HookedBlobStore quota(long bytes) {
        this.quota = bytes;
        return this;
    }

    /** After this many more reads, every read fails (an unreachable backend, say). */
    public HookedBlobStore failReadsAfter(long reads) {
        this.getsLeft = reads;
        return this;
    }

    private synchronized void countRead(String name) throws IOException {
        if (getsLeft <= 0) {
            throw new IOException("injected read failure (" + name + ")");
        }
        getsLeft--;
    }

    public HookedBlobStore onList(ListHook hook) {
        this.listHook = hook;
        return this;
    }

    @Override
    public boolean putIfAbsent(String name, byte[] data, int offset, int length) throws IOException {
        synchronized (this) {
            if (length > quota) {
                throw new IOException("No space left on device (writing " + name + ")");
            }
            quota -= length;
        }
        return delegate.putIfAbsent(name, data, offset, length);
    }

    @Override
    public boolean putIfAbsent(String name, byte[] data, int offset, int length, java.time.Instant retainUntil)
            throws IOException {
        if (retainUntil == null) {
            return putIfAbsent(name, data, offset, length);
        }
        synchronized (this) {
            if (length > quota) {
                throw new IOException("No space left on device (writing " + name + ")");
            }
            quota -= length;
        }
        return delegate.putIfAbsent(name, data, offset, length, retainUntil);
    }

    @Override
    public boolean supportsRetention() {
        return delegate.supportsRetention();
    }

    @Override
    public byte[] get(String name) throws IOException {
        countRead(name);
        return delegate.get(name);
    }

    @Override
    public byte[] get(String name, long offset, int length) throws IOException {
        countRead(name);
        return delegate.get(name, offset, length);
    }

    @Override
    public List<BlobInfo> list(String prefix) throws IOException {
        listHook.beforeList(prefix);
        return delegate.list(prefix);
    }

    @Override
    public BlobInfo stat(String name) throws IOException {
        return delegate.stat(name);
    }

    @Override
    public boolean delete(String name) throws IOException {
        return delegate.delete(name);
    }

    @Override
    public String describe() {
        return delegate.describe();
    }
}
