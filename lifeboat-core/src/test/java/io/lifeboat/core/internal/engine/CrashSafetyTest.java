package io.lifeboat.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.BackupListener;
import io.lifeboat.core.CheckOptions;
import io.lifeboat.core.CheckReport;
import io.lifeboat.core.Repository;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.internal.chunk.ChunkerParams;
import io.lifeboat.core.internal.crypto.KdfParams;
import io.lifeboat.core.storage.local.LocalBlobStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups killed with SIGKILL at every storage write (no shutdown hooks, no
 * {@code finally}; see {@link HaltingStore}), before and after the write reaches the store. After each,
 * the repository must check clean with --read-data (leftovers are information, not
 * errors) and every snapshot in it must restore exactly what was backed up.
 */
class CrashSafetyTest {
    @TempDir
    Path tmp;

    private Path source;

    private Repository createRepo(Path dir) throws IOException {
        // 1 MiB packs, so that a backup of a few MiB writes many packs and index files.
        Repository.InitOptions options = new Repository.InitOptions(ChunkerParams.DEFAULT, 1024 * 1024, KdfParams.TESTING,
                "test-host", "tester", Clock.systemUTC());
        return Repository.init(LocalBlobStore.create(dir), TestRepos.PASSPHRASE, options);
    }

    private void writeVersion1() throws IOException {
        source = Files.createDirectories(tmp.resolve("src"));
        Random rnd = new Random(11);
        for (int i = 0; i < 10; i++) {
            byte[] b = new byte[600_000 + rnd.nextInt(200_000)];
            rnd.nextBytes(b);
            Files.write(source.resolve("weights-" + i + ".bin"), b);
        }
        Path text = Files.createDirectories(source.resolve("text"));
        for (int i = 0; i < 20; i++) {
            Files.writeString(text.resolve("t" + i + ".txt"), ("line " + i + "\n").repeat(50 + i), StandardCharsets.UTF_8);
        }
    }

    private void writeVersion2() throws IOException {
        Random rnd = new Random(12);
        for (int i = 0; i < 4; i++) {
            byte[] b = new byte[700_000];
            rnd.nextBytes(b);
            Files.write(source.resolve("weights-" + (i * 2) + ".bin"), b);
        }
        for (int i = 0; i < 3; i++) {
            byte[] b = new byte[500_000];
            rnd.nextBytes(b);
            Files.write(source.resolve("new-" + i + ".bin"), b);
        }
    }

    /** A repository holding a backup of version 1 of the source, which is then changed to version 2; returns version 1. */
    private Map<String, String> backUpVersion1ThenWriteVersion2(Path repoDir) throws IOException {
        writeVersion1();
        try (Repository repo = createRepo(repoDir)) {
            TestRepos.backup(repo, source);
        }
        Map<String, String> v1 = TestRepos.describe(source);
        writeVersion2();
        return v1;
    }

    /** Runs {@link CrashingBackup} in a child JVM; returns its exit status and output. */
    private Run crashingBackup(Path repo, int crashAt, String when) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), CrashingBackup.class.getName(),
                repo.toString(), source.toString(), Integer.toString(crashAt), when);
        HaltingStore.Result r = HaltingStore.run(pb);
        return new Run(r.exit(), r.output());
    }

    private record Run(int exit, String output) {
        List<String> writes() {
            return output.lines().filter(l -> l.startsWith("write ")).toList();
        }
    }

    /** The repository checks clean and each snapshot restores to one of the versions backed up. */
    private void assertConsistent(Path repoDir, List<Map<String, String>> versions, String when) throws IOException {
        try (Repository repo = TestRepos.reopen(repoDir)) {
            CheckReport report = new CheckEngine(repo, new CheckOptions(true, 100, 2)).run();
            assertThat(report.errors()).as("check after a crash %s", when).isEmpty();
            for (Snapshot s : repo.snapshots()) {
                Path target = tmp.resolve("restore-" + System.nanoTime());
                assertThat(TestRepos.restore(repo, s, target).damaged()).as("restore after a crash %s", when).isEmpty();
                Map<String, String> restored = TestRepos.describe(TestRepos.restored(target, source));
                assertThat(versions).as("snapshot %s after a crash %s restores a version backed up", s.id().shortHex(), when)
                        .contains(restored);
            }
        }
    }

    @Test
    void aBackupKilledAtAnyWriteLeavesACleanRepositoryThatRestoresEveryCompletedSnapshot() throws Exception {
        Path repoDir = tmp.resolve("repo");
        Map<String, String> v1 = backUpVersion1ThenWriteVersion2(repoDir);
        Map<String, String> v2 = TestRepos.describe(source);

        Path counting = tmp.resolve("counting");
        TestRepos.copyTree(repoDir, counting);
        Run full = crashingBackup(counting, Integer.MAX_VALUE, "before");
        assertThat(full.exit()).as(full.output()).isZero();
        int writes = full.writes().size();
        assertThat(writes).as("packs, index files and a snapshot").isGreaterThan(8);

        int killed = 0;
        for (int n = 1; n <= writes; n++) {
            for (String when : List.of("before", "after")) {
                Run r = crashingBackup(repoDir, n, when);
                String at = when + " write " + n + " of " + writes;
                killed += r.exit() == CrashingBackup.KILLED ? 1 : 0;
                assertThat(r.exit()).as(at + ": " + r.output()).isIn(0, CrashingBackup.KILLED);
                assertConsistent(repoDir, List.of(v1, v2), at);
            }
        }
        assertThat(killed).as("the runs really died mid-way").isGreaterThan(writes);

        try (Repository repo = TestRepos.reopen(repoDir)) {
            Snapshot done = TestRepos.backup(repo, source);
            assertThat(done.summary().warnings()).isZero();
        }
        assertConsistent(repoDir, List.of(v1, v2), "and a complete backup after them");
    }

    @Test
    void theBackupAfterAnInterruptedOneStoresOnlyWhatIsMissing() throws Exception {
        Path repoDir = tmp.resolve("repo");
        backUpVersion1ThenWriteVersion2(repoDir);
        Path pristine = tmp.resolve("pristine");
        TestRepos.copyTree(repoDir, pristine);
        long fromScratch;
        try (Repository repo = TestRepos.reopen(pristine)) {
            fromScratch = TestRepos.backup(repo, source).summary().blobsAdded();
        }

        // Kill the backup just before its last index file: every pack it stored since the
        // previous index file (here: all of them) is in the repository but named by no index.
        Path counting = tmp.resolve("counting");
        TestRepos.copyTree(repoDir, counting);
        List<String> writes = crashingBackup(counting, Integer.MAX_VALUE, "before").writes();
        List<String> indexWrites = writes.stream().filter(w -> w.contains(" index/")).toList();
        assertThat(indexWrites).as("the backup writes an index file").isNotEmpty();
        int lastIndex = 1 + writes.indexOf(indexWrites.get(indexWrites.size() - 1));
        assertThat(crashingBackup(repoDir, lastIndex, "before").exit()).isEqualTo(CrashingBackup.KILLED);

        try (Repository repo = TestRepos.reopen(repoDir)) {
            // What an index file names is reused at once; packs stored after the last one are
            // indexed by repair index (operations.md says to run it after an interrupted backup).
            IndexRepair.Report repaired = new IndexRepair(repo, 2).run(false);
            Snapshot next = new BackupEngine(repo, TestRepos.options(List.of(source)), BackupListener.NONE).run();
            assertThat(next.summary().blobsAdded()).as("blobs stored by the next backup").isLessThan(fromScratch);
            assertThat(repo.index().allCopies()).as("no blob stored twice: only what was missing was uploaded")
                    .hasSameSizeAs(new ArrayList<>(repo.index().all()));
            assertThat(repaired.packsReindexed()).as("packs the interrupted backup stored after its last index file")
                    .isNotEmpty();
        }
    }
}
