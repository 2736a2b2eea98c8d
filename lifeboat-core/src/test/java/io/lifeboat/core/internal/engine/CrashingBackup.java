package io.lifeboat.core.internal.engine;

import io.lifeboat.core.BackupListener;
import io.lifeboat.core.Repository;
import io.lifeboat.core.storage.BlobInfo;
import io.lifeboat.core.storage.BlobStore;
import io.lifeboat.core.storage.local.LocalBlobStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backup process that dies like a SIGKILL at a chosen storage write: the JVM halts (no
 * shutdown hooks, no {@code finally}) just before or just after its N-th put or delete
 * reaches the store. Run in a child JVM by {@link CrashSafetyTest}; with N beyond the
 * backup's writes it completes and exits 0. It prints each write ({@code write N NAME})
 * as it starts, so that a test can aim at a kind of write.
 *
 * <p>Usage: {@code CrashingBackup REPO SOURCE N before|after}
 */
public final class CrashingBackup {
    /** The exit status of a process killed by SIGKILL, as a shell reports it. */
    static final int KILLED = 137;

    private CrashingBackup() {
    }

    public static void main(String[] args) throws IOException {
        Path repo = Path.of(args[0]);
        Path source = Path.of(args[1]);
        int crashAt = Integer.parseInt(args[2]);
        boolean after = args[3].equals("after");
        AtomicInteger writes = new AtomicInteger();
        BlobStore store = new Dying(new LocalBlobStore(repo), writes, crashAt, after);
        try (Repository r = Repository.open(store, TestRepos.PASSPHRASE)) {
            new BackupEngine(r, TestRepos.options(List.of(source)), BackupListener.NONE).run();
        }
        System.out.println("writes=" + writes.get());
    }

    /** Delegates to a store and halts the JVM at the chosen write. */
    private record Dying(BlobStore delegate, AtomicInteger writes, int crashAt, boolean after) implements BlobStore {
        private void maybeDie(boolean done) {
            if (done == after && writes.get() == crashAt) {
                Runtime.getRuntime().halt(KILLED);
            }
        }

        @Override
        public boolean putIfAbsent(String name, byte[] data, int offset, int length) throws IOException {
            System.out.println("write " + (writes.get() + 1) + " " + name);
            writes.incrementAndGet();
            maybeDie(false);
            boolean created = delegate.putIfAbsent(name, data, offset, length);
            maybeDie(true);
            return created;
        }

        @Override
        public boolean delete(String name) throws IOException {
            System.out.println("write " + (writes.get() + 1) + " delete " + name);
            writes.incrementAndGet();
            maybeDie(false);
            boolean deleted = delegate.delete(name);
            maybeDie(true);
            return deleted;
        }

        @Override
        public byte[] get(String name) throws IOException {
            return delegate.get(name);
        }

        @Override
        public byte[] get(String name, long offset, int length) throws IOException {
            return delegate.get(name, offset, length);
        }

        @Override
        public List<BlobInfo> list(String prefix) throws IOException {
            return delegate.list(prefix);
        }

        @Override
        public BlobInfo stat(String name) throws IOException {
            return delegate.stat(name);
        }

        @Override
        public String describe() {
            return delegate.describe();
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }
    }
}
