package io.lifeboat.core.internal.engine;

import io.lifeboat.core.BackupListener;
import io.lifeboat.core.Repository;
import io.lifeboat.core.storage.BlobStore;
import io.lifeboat.core.storage.local.LocalBlobStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A backup process that is killed with SIGKILL at a chosen storage write (no
 * shutdown hooks, no {@code finally}) just before or just after its N-th put or delete
 * reaches the store. Run in a child JVM by {@link CrashSafetyTest}; with N beyond the
 * backup's writes it completes and exits 0. It prints each write ({@code write N NAME})
 * as it starts, so that a test can aim at a kind of write (see {@link HaltingStore}).
 *
 * <p>Usage: {@code CrashingBackup REPO SOURCE N before|after}
 */
public final class CrashingBackup {
    /** The exit status of a process killed by SIGKILL, as a shell reports it. */
    static final int KILLED = HaltingStore.KILLED;

    private CrashingBackup() {
    }

    public static void main(String[] args) throws IOException {
        Path repo = Path.of(args[0]);
        Path source = Path.of(args[1]);
        int crashAt = Integer.parseInt(args[2]);
        boolean after = args[3].equals("after");
        BlobStore store = new HaltingStore(new LocalBlobStore(repo), crashAt, after);
        try (Repository r = Repository.open(store, TestRepos.PASSPHRASE)) {
            new BackupEngine(r, TestRepos.options(List.of(source)), BackupListener.NONE).run();
        }
    }
}
