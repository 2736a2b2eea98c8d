package io.lifeboat.core.internal.engine;

import io.lifeboat.core.BackupListener;
import io.lifeboat.core.Repository;
import io.lifeboat.core.storage.BlobStore;
import io.lifeboat.core.storage.HookedBlobStore;
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
    private static final class Dying extends HookedBlobStore {
        private final AtomicInteger writes;
        private final int crashAt;
        private final boolean after;

        Dying(BlobStore delegate, AtomicInteger writes, int crashAt, boolean after) {
            super(delegate);
            this.writes = writes;
            this.crashAt = crashAt;
            this.after = after;
        }

        /** Counts a write (printing it) and halts if it is the chosen one and not yet done. */
        private void starting(String what) {
            System.out.println("write " + writes.incrementAndGet() + " " + what);
            maybeDie(false);
        }

        private void maybeDie(boolean done) {
            if (done == after && writes.get() == crashAt) {
                Runtime.getRuntime().halt(KILLED);
            }
        }

        @Override
        public boolean putIfAbsent(String name, byte[] data, int offset, int length) throws IOException {
            starting(name);
            boolean created = super.putIfAbsent(name, data, offset, length);
            maybeDie(true);
            return created;
        }

        @Override
        public boolean delete(String name) throws IOException {
            starting("delete " + name);
            boolean deleted = super.delete(name);
            maybeDie(true);
            return deleted;
        }
    }
}
