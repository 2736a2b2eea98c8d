package io.lifeboat.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.BackupListener;
import io.lifeboat.core.CheckOptions;
import io.lifeboat.core.CheckReport;
import io.lifeboat.core.Repository;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.storage.HookedBlobStore;
import io.lifeboat.core.storage.local.LocalBlobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What backup and check do when the repository misbehaves or others write to it meanwhile. */
class FailureTest {
    @TempDir
    Path tmp;

    private Path randomTree(String name, int files, int size) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Random random = new Random(name.hashCode());
        for (int i = 0; i < files; i++) {
            byte[] b = new byte[size];
            random.nextBytes(b);
            Files.write(dir.resolve("f" + i), b);
        }
        return dir;
    }

    @Test
    void aFullDiskFailsTheBackupLoudlyAndLeavesAValidRepository() throws IOException {
        Path src = randomTree("src", 12, 2 << 20);
        try (Repository created = TestRepos.create(tmp.resolve("repo"))) {
            TestRepos.backup(created, randomTree("earlier", 2, 1000));
        }
        HookedBlobStore store = new HookedBlobStore(new LocalBlobStore(tmp.resolve("repo")));
        List<String> warnings = new CopyOnWriteArrayList<>();
        BackupListener listener = new BackupListener() {
            @Override
            public void warning(String path, String message) {
                warnings.add(path + ": " + message);
            }
        };
        try (Repository repo = Repository.open(store, TestRepos.PASSPHRASE)) {
            store.quota(20 << 20); // room for about one pack of the ~24 MiB of new data
            assertThatThrownBy(() -> new BackupEngine(repo, TestRepos.options(List.of(src)), listener).run())
                    .isInstanceOf(IOException.class).hasMessageContaining("No space left on device");
            assertThat(warnings).as("a full repository is not a source file that cannot be read")
                    .noneMatch(w -> w.contains("No space"));
        }
        try (Repository repo = TestRepos.reopen(tmp.resolve("repo"))) {
            assertThat(repo.snapshots()).hasSize(1); // only the earlier one
            CheckReport report = new CheckEngine(repo, new CheckOptions(true, 100, 2)).run();
            assertThat(report.errors()).isEmpty();
            // With space again, the backup goes through.
            Snapshot s = TestRepos.backup(repo, src);
            assertThat(TestRepos.restore(repo, s, tmp.resolve("out")).damaged()).isEmpty();
        }
        assertThat(TestRepos.describe(TestRepos.restored(tmp.resolve("out"), src))).isEqualTo(TestRepos.describe(src));
    }

    @Test
    void checkDoesNotReportDamageWhenABackupFinishesWhileItRuns() throws IOException {
        Path first = randomTree("first", 3, 100_000);
        Path second = randomTree("second", 3, 100_000);
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            TestRepos.backup(repo, first);
        }
        // A whole backup by another writer lands while check lists the packs, i.e. between
        // the steps of check, the worst moment for an unordered check.
        HookedBlobStore store = new HookedBlobStore(new LocalBlobStore(tmp.resolve("repo")));
        boolean[] done = {false};
        store.onList(prefix -> {
            if (prefix.startsWith("data") && !done[0]) {
                done[0] = true;
                try (Repository other = TestRepos.reopen(tmp.resolve("repo"))) {
                    TestRepos.backup(other, second);
                }
            }
        });
        try (Repository repo = Repository.open(store, TestRepos.PASSPHRASE)) {
            CheckReport report = new CheckEngine(repo, new CheckOptions(true, 100, 2)).run();
            assertThat(done[0]).isTrue();
            assertThat(report.errors()).isEmpty();
        }
    }

    @Test
    void aDamagedSnapshotDoesNotStopTheNextBackupOrRestoringTheLatest() throws IOException {
        Path src = randomTree("src", 3, 50_000);
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            Snapshot old = TestRepos.backup(repo, src);
            Path object = tmp.resolve("repo/snapshots").resolve(old.id().hex());
            byte[] bytes = Files.readAllBytes(object);
            bytes[bytes.length / 2] ^= 1;
            Files.write(object, bytes);

            List<String> warnings = new CopyOnWriteArrayList<>();
            Snapshot next = new BackupEngine(repo, TestRepos.options(List.of(src)), new BackupListener() {
                @Override
                public void warning(String path, String message) {
                    warnings.add(path + ": " + message);
                }
            }).run();
            assertThat(warnings).anyMatch(w -> w.contains(old.id().hex()) && w.contains("damaged"));
            assertThat(repo.findSnapshot("latest").id()).isEqualTo(next.id());
            assertThat(TestRepos.restore(repo, next, tmp.resolve("out")).damaged()).isEmpty();
        }
    }

    @Test
    void aDamagedIndexFileIsReportedByCheckAndDoesNotStopABackup() throws IOException {
        Path src = randomTree("src", 3, 50_000);
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            TestRepos.backup(repo, src);
        }
        Path index;
        try (var files = Files.list(tmp.resolve("repo/index"))) {
            index = files.findFirst().orElseThrow();
        }
        Files.write(index, new byte[] {1, 2, 3});
        try (Repository repo = TestRepos.reopen(tmp.resolve("repo"))) {
            CheckReport report = new CheckEngine(repo, new CheckOptions(false, 100, 2)).run();
            assertThat(report.errors()).anyMatch(e -> e.contains(index.getFileName().toString()));
        }
        List<String> warnings = new CopyOnWriteArrayList<>();
        try (Repository repo = TestRepos.reopen(tmp.resolve("repo"))) {
            Snapshot s = new BackupEngine(repo, TestRepos.options(List.of(src)), new BackupListener() {
                @Override
                public void warning(String path, String message) {
                    warnings.add(path + ": " + message);
                }
            }).run();
            assertThat(warnings).anyMatch(w -> w.contains(index.getFileName().toString()));
            assertThat(s.summary().bytesAdded()).as("what the lost index named is stored again").isEqualTo(150_000);
            assertThat(TestRepos.restore(repo, s, tmp.resolve("out")).damaged()).isEmpty();
        }
        assertThat(TestRepos.describe(TestRepos.restored(tmp.resolve("out"), src))).isEqualTo(TestRepos.describe(src));
    }

    @Test
    void aBackupAfterAFailedOneOnTheSameRepositoryDoesNotReuseUnindexedData() throws IOException {
        Path src = randomTree("src", 3, 1 << 20);
        try (Repository created = TestRepos.create(tmp.resolve("repo"))) {
            TestRepos.backup(created, randomTree("earlier", 1, 1000));
        }
        java.util.concurrent.atomic.AtomicBoolean failIndex = new java.util.concurrent.atomic.AtomicBoolean(true);
        HookedBlobStore store = new HookedBlobStore(new LocalBlobStore(tmp.resolve("repo"))) {
            @Override
            public boolean putIfAbsent(String name, byte[] data, int offset, int length) throws IOException {
                if (name.startsWith("index/") && failIndex.get()) {
                    throw new IOException("injected: index write failed");
                }
                return super.putIfAbsent(name, data, offset, length);
            }
        };
        // One Repository for both backups, as a long-running service would keep it.
        try (Repository repo = Repository.open(store, TestRepos.PASSPHRASE)) {
            assertThatThrownBy(() -> TestRepos.backup(repo, src)).hasMessageContaining("index write failed");
            failIndex.set(false);
            Snapshot s = TestRepos.backup(repo, src);
            assertThat(s.summary().blobsAdded()).as("the unindexed packs' blobs are stored again").isPositive();
        }
        try (Repository repo = TestRepos.reopen(tmp.resolve("repo"))) {
            assertThat(new CheckEngine(repo, new CheckOptions(true, 100, 2)).run().errors()).isEmpty();
        }
    }
}
