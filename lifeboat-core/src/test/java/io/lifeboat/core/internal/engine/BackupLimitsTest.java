package io.lifeboat.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.lifeboat.core.BackupListener;
import io.lifeboat.core.BackupOptions;
import io.lifeboat.core.Repository;
import io.lifeboat.core.RepositoryConfig;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.internal.chunk.ChunkerParams;
import io.lifeboat.core.internal.crypto.KdfParams;
import io.lifeboat.core.storage.local.LocalBlobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a backup holds in memory does not grow with its thread count, and a worker's Error fails it promptly. */
class BackupLimitsTest {
    private static final int MIB = 1024 * 1024;
    /** A hang guard only: a backup that stops making progress is a failure, not a slow pass. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private static BackupOptions withThreads(Path src, int threads) {
        return new BackupOptions(List.of(src), null, null, List.of(), new TreeMap<>(), null, null, "test-host", "tester",
                null, threads, Clock.systemUTC());
    }

    /**
     * The arrays a finished file's reader and chunks give back serve the next file: a backup
     * of many large files allocates about what is in flight at once, not an array per chunk.
     */
    @Test
    void largeFilesOneAfterAnotherReuseTheirArrays() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Random random = new Random(35);
        long total = 0;
        for (int i = 0; i < 10; i++) {
            byte[] b = new byte[20 * MIB + i * 4_321];
            random.nextBytes(b);
            Files.write(src.resolve("big" + i), b);
            total += b.length;
        }
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            BackupEngine engine = new BackupEngine(repo, withThreads(src, 2), BackupListener.NONE);
            Snapshot s = assertTimeoutPreemptively(HANG_GUARD, engine::run);
            assertThat(s.summary().files()).isEqualTo(10);
            // in flight at most: the read budget, the chunk budget, and a chunk per worker beyond it
            long inFlight = BackupEngine.readBudget(repo.chunker().params().maxSize()) + 16L * MIB
                    + 2L * repo.chunker().params().maxSize();
            assertThat(engine.pooledBytesAllocated()).isLessThan(2 * inFlight).isLessThan(total / 2);
        }
    }

    @Test
    void manyThreadsOnLargeFilesKeepFewLargeReadBuffersAndRestoreExactly() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Random random = new Random(34);
        for (int i = 0; i < 5; i++) {
            byte[] b = new byte[17 * MIB + i * 12_345]; // several chunks each, and a full-size array
            random.nextBytes(b);
            Files.write(src.resolve("big" + i), b);
        }
        for (int i = 0; i < 20; i++) {
            Files.writeString(src.resolve("small" + i), "small file " + i + "\n");
        }
        AtomicInteger reading = new AtomicInteger();
        AtomicInteger mostReading = new AtomicInteger();
        BackupListener listener = new BackupListener() {
            @Override
            public void fileStarted(String path) {
                if (path.contains("big")) {
                    mostReading.accumulateAndGet(reading.incrementAndGet(), Math::max);
                }
            }

            @Override
            public void fileDone(String path, long bytes) {
                if (path.contains("big")) {
                    reading.decrementAndGet();
                }
            }
        };
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            int maxSize = repo.chunker().params().maxSize();
            Snapshot s = assertTimeoutPreemptively(HANG_GUARD,
                    () -> new BackupEngine(repo, withThreads(src, 32), listener).run());

            // Each of those files needs an array of maxSize; the read budget has room for
            // only so many at once, however many reader threads there are.
            int allowed = BackupEngine.readBudget(maxSize) / maxSize;
            assertThat(allowed).isLessThan(5);
            assertThat(mostReading.get()).as("large files read at once").isBetween(1, allowed);
            assertThat(s.summary().files()).isEqualTo(25);
            assertThat(TestRepos.restore(repo, s, tmp.resolve("out")).damaged()).isEmpty();
        }
        assertThat(TestRepos.describe(TestRepos.restored(tmp.resolve("out"), src))).isEqualTo(TestRepos.describe(src));
    }

    /**
     * A repository may cut chunks larger than the 16 MiB chunk budget (its config allows up
     * to 64 MiB): the budget then holds one such chunk instead of making its reader wait for
     * ever.
     */
    @Test
    void chunksLargerThanTheChunkBudgetDoNotStallTheBackup() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.write(src.resolve("zeros"), new byte[50 * MIB]); // no content-defined cut: chunks of maxSize
        ChunkerParams large = new ChunkerParams(MIB, 2 * MIB, 24 * MIB);
        Repository.InitOptions init = new Repository.InitOptions(large, RepositoryConfig.DEFAULT_PACK_SIZE,
                KdfParams.TESTING, "test-host", "tester", Clock.systemUTC());
        try (Repository repo = Repository.init(LocalBlobStore.create(tmp.resolve("repo")), TestRepos.PASSPHRASE, init)) {
            Snapshot s = assertTimeoutPreemptively(HANG_GUARD,
                    () -> new BackupEngine(repo, withThreads(src, 2), BackupListener.NONE).run());
            assertThat(s.summary().files()).isEqualTo(1);
            assertThat(TestRepos.restore(repo, s, tmp.resolve("out")).damaged()).isEmpty();
        }
        assertThat(TestRepos.describe(TestRepos.restored(tmp.resolve("out"), src))).isEqualTo(TestRepos.describe(src));
    }

    @Test
    void anErrorInAWorkerFailsTheBackupPromptlyInsteadOfHanging() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        for (int i = 0; i < 200; i++) {
            Files.writeString(src.resolve(String.format("f%03d", i)), "file " + i + "\n");
        }
        int threads = 4;
        AtomicInteger started = new AtomicInteger();
        BackupListener failing = new BackupListener() {
            @Override
            public void fileStarted(String path) {
                started.incrementAndGet();
                throw new OutOfMemoryError("injected");
            }
        };
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            assertTimeoutPreemptively(HANG_GUARD, () ->
                    assertThatThrownBy(() -> new BackupEngine(repo, withThreads(src, threads), failing).run())
                            .isInstanceOf(OutOfMemoryError.class).hasMessage("injected"));
            // Each reader meets the error on its first file at the latest; after that no file
            // is started, so the backup stops instead of reading the remaining 200 - threads.
            assertThat(started.get()).as("files started").isBetween(1, threads);
            assertThat(repo.snapshots()).isEmpty();

            // The repository is fine: the next backup goes through.
            Snapshot s = TestRepos.backup(repo, src);
            assertThat(s.summary().files()).isEqualTo(200);
        }
    }
}
