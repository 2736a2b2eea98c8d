package io.lifeboat.dr.replicate;

import io.lifeboat.core.storage.BlobStore;
import io.lifeboat.core.storage.HookedBlobStore;
import io.lifeboat.core.storage.local.LocalBlobStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Store wrappers the replication tests interpose between the replicator and a real store. */
final class Stores {
    private Stores() {}

    static LocalBlobStore local(Path dir) throws IOException {
        return LocalBlobStore.create(dir);
    }

    /** A store that cannot hold retention locks, like S3 without Object Lock. */
    static BlobStore withoutLocks(BlobStore delegate) {
        return new HookedBlobStore(delegate) {
            @Override
            public boolean supportsRetention() {
                return false;
            }

            @Override
            public boolean putIfAbsent(String name, byte[] data, int offset, int length, Instant retainUntil)
                    throws IOException {
                if (retainUntil != null) {
                    throw new UnsupportedOperationException(describe() + " cannot hold retention locks");
                }
                return super.putIfAbsent(name, data, offset, length, null);
            }
        };
    }

    /**
     * Stores the first {@code allowed} puts and fails every later one before it reaches the
     * store, as a process that dies, or a network that goes away, after that many writes.
     */
    static final class FailAfterPuts extends HookedBlobStore {
        private final int allowed;
        private final AtomicInteger puts = new AtomicInteger();
        final List<String> stored = new CopyOnWriteArrayList<>();

        FailAfterPuts(BlobStore delegate, int allowed) {
            super(delegate);
            this.allowed = allowed;
        }

        private void count(String name) throws IOException {
            if (puts.incrementAndGet() > allowed) {
                throw new IOException("injected: the target went away after " + allowed + " writes (writing " + name + ")");
            }
        }

        @Override
        public boolean putIfAbsent(String name, byte[] data, int offset, int length) throws IOException {
            count(name);
            boolean created = super.putIfAbsent(name, data, offset, length);
            stored.add(name);
            return created;
        }

        @Override
        public boolean putIfAbsent(String name, byte[] data, int offset, int length, Instant retainUntil)
                throws IOException {
            if (retainUntil == null) {
                return putIfAbsent(name, data, offset, length);
            }
            count(name);
            boolean created = super.putIfAbsent(name, data, offset, length, retainUntil);
            stored.add(name);
            return created;
        }
    }
}
