package io.lifeboat.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.BackupListener;
import io.lifeboat.core.BackupOptions;
import io.lifeboat.core.CheckOptions;
import io.lifeboat.core.CheckReport;
import io.lifeboat.core.ManualClock;
import io.lifeboat.core.Repository;
import io.lifeboat.core.RepositoryBusyException;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.internal.chunk.ChunkerParams;
import io.lifeboat.core.internal.crypto.KdfParams;
import io.lifeboat.core.retention.Within;
import io.lifeboat.core.storage.BlobInfo;
import io.lifeboat.core.storage.BlobStore;
import io.lifeboat.core.storage.HookedBlobStore;
import io.lifeboat.core.storage.local.LocalBlobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prune's two phases against a real local repository, with time injected: what it plans,
 * when it may carry a plan out, what it keeps for backups that were running, repacking,
 * retention locks, index compaction and dry runs.
 */
class PruneTest {
    private static final Duration SKEW = PruneEngine.DEFAULT_MAX_CLOCK_SKEW;

    @TempDir
    Path tmp;

    private final ManualClock clock = new ManualClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private Path repoDir;
    private Path source;
    private final Random rnd = new Random(42);

    @BeforeEach
    void setUp() throws IOException {
        repoDir = tmp.resolve("repo");
        source = Files.createDirectories(tmp.resolve("src"));
    }

    private Repository create(Within lock) throws IOException {
        // 1 MiB packs, so that a few MiB of data fill several.
        Repository.InitOptions options = new Repository.InitOptions(ChunkerParams.DEFAULT, 1024 * 1024, KdfParams.TESTING,
                "test-host", "tester", clock).withRetentionLock(lock);
        Files.createDirectories(repoDir);
        return Repository.init(new LocalBlobStore(repoDir, clock), TestRepos.PASSPHRASE, options);
    }

    private Repository create() throws IOException {
        return create(null);
    }

    private Repository open(BlobStore store) throws IOException {
        return Repository.open(store, TestRepos.PASSPHRASE);
    }

    private Repository open() throws IOException {
        return open(new LocalBlobStore(repoDir, clock));
    }

    private void write(String name, int bytes) throws IOException {
        byte[] b = new byte[bytes];
        rnd.nextBytes(b);
        Files.createDirectories(source.resolve(name).getParent());
        Files.write(source.resolve(name), b);
    }

    private BackupOptions options(String parent) {
        return new BackupOptions(List.of(source), null, null, List.of(), new TreeMap<>(), null, null, "test-host",
                "tester", parent, 2, clock);
    }

    private Snapshot backup(Repository repo) throws IOException {
        return new BackupEngine(repo, options(null), BackupListener.NONE).run();
    }

    private PruneEngine.Report prune(Repository repo, PruneEngine.Options options) throws IOException {
        return new PruneEngine(repo, options, what -> { }).run();
    }

    private PruneEngine.Options opts() {
        return PruneEngine.Options.defaults("test-host", "tester", clock);
    }

    private PruneEngine.Options noGrace() {
        return opts().withGrace(Duration.ZERO);
    }

    private void forget(Repository repo, Snapshot s) throws IOException {
        repo.forget(s, clock.instant(), "test-host", "tester", "test");
    }

    private List<BlobInfo> objects(String prefix) throws IOException {
        return new LocalBlobStore(repoDir).list(prefix);
    }

    private List<String> names(String prefix) throws IOException {
        return objects(prefix).stream().map(BlobInfo::name).toList();
    }

    private long dataBytes() throws IOException {
        return objects("data/").stream().mapToLong(BlobInfo::size).sum();
    }

    private void assertCleanAndRestores(Map<Snapshot, Map<String, String>> expected) throws IOException {
        try (Repository repo = open()) {
            CheckReport report = new CheckEngine(repo, new CheckOptions(true, 100, 2)).run();
            assertThat(report.errors()).isEmpty();
            assertThat(repo.snapshots()).containsExactlyInAnyOrderElementsOf(expected.keySet());
            for (Map.Entry<Snapshot, Map<String, String>> e : expected.entrySet()) {
                Path target = tmp.resolve("restore-" + System.nanoTime());
                assertThat(TestRepos.restore(repo, e.getKey(), target).damaged()).isEmpty();
                assertThat(TestRepos.describe(TestRepos.restored(target, source))).isEqualTo(e.getValue());
            }
        }
    }

    @Test
    void forgottenDataIsPlannedByOneRunAndDeletedByALaterOne() throws IOException {
        Map<String, String> v2;
        Snapshot s2;
        try (Repository repo = create()) {
            write("a.bin", 700_000);
            write("b.bin", 1_500_000);
            Snapshot s1 = backup(repo);
            write("b.bin", 1_500_000);
            s2 = backup(repo);
            v2 = TestRepos.describe(source);
            forget(repo, s1);
            List<String> packsBefore = names("data/");

            PruneEngine.Report first = prune(repo, noGrace());
            assertThat(first.carried()).isNull();
            assertThat(first.planned().plan()).isNotNull();
            assertThat(first.planned().snapshotsExpired()).isEqualTo(1);
            assertThat(first.planned().packsToDelete()).isPositive();
            // Phase 1 deletes nothing (it may add packs: the copies of repacked blobs).
            assertThat(names("data/")).containsAll(packsBefore);
            long afterPlan = dataBytes();
            assertThat(objects("snapshots/")).hasSize(2);

            PruneEngine.Report tooSoon = prune(repo, noGrace());
            assertThat(tooSoon.carried()).isNull();
            assertThat(tooSoon.waiting()).singleElement().satisfies(w -> assertThat(w.reason()).contains("clock skew"));
            assertThat(tooSoon.planned().plan()).as("what a pending plan holds is not planned again").isNull();
            assertThat(objects("prune/")).hasSize(1);
            assertThat(dataBytes()).isEqualTo(afterPlan);

            clock.advance(SKEW);
            PruneEngine.Report second = prune(repo, noGrace());
            assertThat(second.carried().packsDeleted()).isEqualTo(first.planned().packsToDelete());
            assertThat(second.carried().snapshotsRemoved()).isEqualTo(1);
            assertThat(second.carried().bytesFreed()).isEqualTo(afterPlan - dataBytes()).isPositive();
            assertThat(second.planned().plan()).as("nothing left to plan").isNull();
        }
        assertThat(objects("snapshots/")).hasSize(1);
        assertThat(objects("deleted/")).isEmpty();
        assertThat(objects("prune/")).isEmpty();
        assertThat(objects("sessions/")).isEmpty();
        assertCleanAndRestores(Map.of(s2, v2));
    }

    @Test
    void aForgottenSnapshotStaysRecoverableForTheGracePeriod() throws IOException {
        Snapshot s1;
        Map<String, String> v1;
        Map<String, String> v2;
        Snapshot s2;
        try (Repository repo = create()) {
            write("a.bin", 1_200_000);
            s1 = backup(repo);
            v1 = TestRepos.describe(source);
            write("a.bin", 1_200_000);
            s2 = backup(repo);
            v2 = TestRepos.describe(source);
            forget(repo, s1);
            clock.advance(Duration.ofDays(6));
            PruneEngine.Report r = prune(repo, opts());
            assertThat(r.planned().plan()).as("inside the 7-day grace period nothing of s1 is planned").isNull();
            clock.advance(SKEW);
            prune(repo, opts());
            assertThat(repo.undelete(s1.id())).hasSize(1);
        }
        assertCleanAndRestores(Map.of(s1, v1, s2, v2));

        try (Repository repo = open()) {
            forget(repo, s1);
            clock.advance(Duration.ofDays(7));
            assertThat(prune(repo, opts()).planned().snapshotsExpired()).isEqualTo(1);
            clock.advance(SKEW);
            assertThat(prune(repo, opts()).carried().snapshotsRemoved()).isEqualTo(1);
            assertThat(repo.deletedSnapshots(e -> { })).isEmpty();
        }
        assertCleanAndRestores(Map.of(s2, v2));
    }

    @Test
    void anUndeleteBetweenThePhasesKeepsTheSnapshotAndItsData() throws IOException {
        try (Repository repo = create()) {
            write("a.bin", 1_200_000);
            Snapshot s1 = backup(repo);
            Map<String, String> v1 = TestRepos.describe(source);
            write("a.bin", 1_200_000);
            Snapshot s2 = backup(repo);
            Map<String, String> v2 = TestRepos.describe(source);
            forget(repo, s1);
            assertThat(prune(repo, noGrace()).planned().snapshotsExpired()).isEqualTo(1);
            repo.undelete(s1.id());
            clock.advance(SKEW);
            PruneEngine.Report r = prune(repo, noGrace());
            assertThat(r.carried().snapshotsRemoved()).isZero();
            assertThat(r.carried().packsDeleted()).isZero();
            assertThat(r.carried().packsKept()).isPositive();
            repo.close();
            assertCleanAndRestores(Map.of(s1, v1, s2, v2));
        }
    }

    @Test
    void aBackupRunningWhenThePlanIsMadeKeepsWhatItReuses() throws Exception {
        try (Repository repo = create()) {
            write("model.bin", 2_500_000);
            Snapshot s1 = backup(repo);
            forget(repo, s1);
        }
        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        BackupListener pausing = new BackupListener() {
            @Override
            public void fileStarted(String path) {
                paused.countDown();
                try {
                    resume.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        Map<String, String> v = TestRepos.describe(source);
        try (Repository backupRepo = open(); Repository pruneRepo = open()) {
            // The backup has announced itself and read the index (nothing planned yet), so
            // it will reuse the chunks of the forgotten snapshot.
            CompletableFuture<Snapshot> running = CompletableFuture.supplyAsync(() -> {
                try {
                    return new BackupEngine(backupRepo, options(BackupOptions.NO_PARENT), pausing).run();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(paused.await(60, TimeUnit.SECONDS)).isTrue();
            PruneEngine.Report plan = prune(pruneRepo, noGrace());
            assertThat(plan.planned().packsToDelete()).isPositive();
            long before = dataBytes();

            clock.advance(SKEW.multipliedBy(2));
            PruneEngine.Report blocked = prune(pruneRepo, noGrace());
            assertThat(blocked.carried()).isNull();
            assertThat(blocked.waiting()).singleElement()
                    .satisfies(w -> assertThat(w.reason()).contains("backup on test-host").contains("still running"));
            assertThat(dataBytes()).isEqualTo(before);

            resume.countDown();
            Snapshot s2 = running.get(60, TimeUnit.SECONDS);
            assertThat(s2.summary().blobsAdded()).as("the backup reused the forgotten snapshot's chunks")
                    .isLessThan(3);

            PruneEngine.Report done = prune(pruneRepo, noGrace());
            assertThat(done.carried().packsKept()).as("the packs the backup reuses are kept").isPositive();
            assertCleanAndRestores(Map.of(s2, v));
        }
    }

    @Test
    void aBackupStartedAfterThePlanStoresAgainWhatOnlyPlannedPacksHold() throws IOException {
        try (Repository repo = create()) {
            write("model.bin", 2_500_000);
            Snapshot s1 = backup(repo);
            forget(repo, s1);
            PruneEngine.Report plan = prune(repo, noGrace());
            assertThat(plan.planned().packsToDelete()).isPositive();
        }
        Snapshot s2;
        try (Repository repo = open()) {
            s2 = backup(repo);
            assertThat(s2.summary().blobsAdded()).as("planned packs are not reused").isGreaterThan(3);
        }
        try (Repository repo = open()) {
            clock.advance(SKEW);
            PruneEngine.Report done = prune(repo, noGrace());
            assertThat(done.carried().packsKept()).isZero();
            assertThat(done.carried().packsDeleted()).isPositive();
        }
        assertCleanAndRestores(Map.of(s2, TestRepos.describe(source)));
    }

    @Test
    void partlyUsedPacksAreRepackedAboveTheWasteThresholdOnly() throws IOException {
        Snapshot s2;
        try (Repository repo = create()) {
            for (int i = 0; i < 40; i++) {
                write("f" + i + ".bin", 60_000);
            }
            Snapshot s1 = backup(repo);
            for (int i = 0; i < 40; i += 2) {
                Files.delete(source.resolve("f" + i + ".bin"));
            }
            s2 = backup(repo);
            forget(repo, s1);

            PruneEngine.Report keepAll = prune(repo, noGrace().withMaxWaste(1.0).withDryRun(true));
            assertThat(keepAll.planned().packsRepacked()).isZero();
            assertThat(keepAll.planned().unusedBytesKept()).isGreaterThan(1_000_000);

            long before = dataBytes();
            PruneEngine.Report plan = prune(repo, noGrace());
            assertThat(plan.planned().packsRepacked()).isPositive();
            assertThat(plan.planned().bytesRepacked()).isGreaterThan(1_000_000);
            assertThat(dataBytes()).as("the copies are written in phase 1").isGreaterThan(before);
            clock.advance(SKEW);
            prune(repo, noGrace());
            assertThat(dataBytes()).isLessThan(before - 1_000_000);
        }
        assertCleanAndRestores(Map.of(s2, TestRepos.describe(source)));
    }

    @Test
    void lockedPacksAreSkippedUntilTheirLockEnds() throws IOException {
        Snapshot s1;
        Map<String, String> v1;
        try (Repository repo = create(Within.parse("30d"))) {
            write("a.bin", 800_000);
            s1 = backup(repo);
            v1 = TestRepos.describe(source);
        }
        // A backup that dies before its snapshot leaves locked packs no snapshot references.
        write("b.bin", 2_000_000);
        HookedBlobStore noSnapshots = new HookedBlobStore(new LocalBlobStore(repoDir, clock)) {
            @Override
            public boolean putIfAbsent(String name, byte[] data, int offset, int length, Instant retainUntil)
                    throws IOException {
                if (name.startsWith("snapshots/")) {
                    throw new IOException("killed before the snapshot");
                }
                return super.putIfAbsent(name, data, offset, length, retainUntil);
            }
        };
        try (Repository repo = open(noSnapshots)) {
            assertThatThrownBy(() -> backup(repo)).hasMessageContaining("killed");
        }
        Files.delete(source.resolve("b.bin"));
        long before = dataBytes();
        try (Repository repo = open()) {
            PruneEngine.Report r = prune(repo, noGrace());
            assertThat(r.planned().plan()).isNull();
            assertThat(r.lockedPacks()).isPositive();
            assertThat(r.lockedUntil()).isAfter(clock.instant().plus(Duration.ofDays(29)));
            assertThat(dataBytes()).isEqualTo(before);

            clock.advance(Duration.ofDays(31));
            assertThat(prune(repo, noGrace()).planned().packsToDelete()).isEqualTo(r.lockedPacks());
            clock.advance(SKEW);
            assertThat(prune(repo, noGrace()).carried().packsDeleted()).isEqualTo(r.lockedPacks());
            assertThat(dataBytes()).isLessThan(before);
        }
        assertCleanAndRestores(Map.of(s1, v1));
    }

    @Test
    void aDryRunReportsWhatTheRealRunDoesAndChangesNothing() throws IOException {
        try (Repository repo = create()) {
            write("a.bin", 1_500_000);
            Snapshot s1 = backup(repo);
            write("a.bin", 1_500_000);
            backup(repo);
            forget(repo, s1);
            List<BlobInfo> before = objects("");
            PruneEngine.Report dry = prune(repo, noGrace().withDryRun(true));
            assertThat(objects("")).containsExactlyInAnyOrderElementsOf(before);
            assertThat(dry.dryRun()).isTrue();
            PruneEngine.Report real = prune(repo, noGrace());
            assertThat(real.planned().packsToDelete()).isEqualTo(dry.planned().packsToDelete());
            assertThat(real.planned().bytesToFree()).isEqualTo(dry.planned().bytesToFree());

            clock.advance(SKEW);
            before = objects("");
            PruneEngine.Report dry2 = prune(repo, noGrace().withDryRun(true));
            assertThat(objects("")).containsExactlyInAnyOrderElementsOf(before);
            PruneEngine.Report real2 = prune(repo, noGrace());
            assertThat(real2.carried().packsDeleted()).isEqualTo(dry2.carried().packsDeleted()).isPositive();
            assertThat(real2.carried().bytesFreed()).isEqualTo(dry2.carried().bytesFreed());
        }
    }

    @Test
    void aSecondPruneBacksOffWhileOneIsRunningButNotForADeadOne() throws IOException {
        try (Repository repo = create()) {
            write("a.bin", 100_000);
            backup(repo);
            Session other = Session.begin(repo, "prune", "other-host", "someone", clock);
            clock.advance(Duration.ofSeconds(1));
            assertThatThrownBy(() -> prune(repo, opts())).isInstanceOf(RepositoryBusyException.class)
                    .hasMessageContaining("prune is running on other-host");
            assertThat(objects("sessions/")).as("the prune that backed off removed its marker").hasSize(1);
            clock.advance(Session.TIMEOUT.plus(SKEW).plusSeconds(1)); // it died without removing its marker
            PruneEngine.Report r = prune(repo, opts());
            assertThat(r.deadSessionsRemoved()).isEqualTo(1);
            assertThat(objects("sessions/")).isEmpty();
            assertThatThrownBy(other::ensureAlive).isInstanceOf(Session.SessionExpiredException.class);
        }
    }

    @Test
    void aBackupThatDiedBlocksThePlanOnlyUntilItsMarkerTimesOut() throws IOException {
        try (Repository repo = create()) {
            write("a.bin", 1_200_000);
            Snapshot s1 = backup(repo);
            write("a.bin", 1_200_000);
            backup(repo);
            forget(repo, s1);
            Session.begin(repo, "backup", "crashed-host", "someone", clock); // never ends
            assertThat(prune(repo, noGrace()).planned().packsToDelete()).isPositive();
            clock.advance(Session.TIMEOUT);
            assertThat(prune(repo, noGrace()).waiting()).singleElement()
                    .satisfies(w -> assertThat(w.reason()).contains("crashed-host"));
            clock.advance(SKEW.plusSeconds(1));
            PruneEngine.Report r = prune(repo, noGrace());
            assertThat(r.carried().packsDeleted()).isPositive();
            assertThat(r.deadSessionsRemoved()).isEqualTo(1);
        }
    }

    @Test
    void aBackupWhoseMarkerWentStaleRefusesToCommit() throws IOException {
        write("a.bin", 100_000);
        try (Repository repo = create()) {
            Session s = Session.begin(repo, "backup", "h", "u", clock);
            s.ensureAlive();
            clock.advance(Session.REFRESH);
            s.refreshIfDue();
            assertThat(objects("sessions/")).as("the refresh replaced the marker").hasSize(1);
            new LocalBlobStore(repoDir).delete(objects("sessions/").get(0).name()); // a prune took it for dead
            assertThatThrownBy(s::ensureAlive).isInstanceOf(Session.SessionExpiredException.class)
                    .hasMessageContaining("removed");
            s.close();
        }
    }

    @Test
    void compactionMergesSmallIndexFilesAndDropsDeletedPacks() throws IOException {
        Snapshot last = null;
        try (Repository repo = create()) {
            for (int i = 0; i < 12; i++) {
                write("f" + i + ".bin", 50_000);
                Snapshot s = backup(repo);
                if (last != null) {
                    forget(repo, last);
                }
                last = s;
            }
            assertThat(objects("index/")).hasSizeGreaterThanOrEqualTo(12);
            prune(repo, noGrace());
            clock.advance(SKEW);
            PruneEngine.Report r = prune(repo, noGrace());
            assertThat(r.carried().indexFilesRewritten()).isGreaterThanOrEqualTo(12);
            assertThat(r.carried().indexFilesWritten()).isEqualTo(1);
        }
        assertThat(objects("index/")).hasSize(1);
        assertCleanAndRestores(Map.of(last, TestRepos.describe(source)));
    }
}
