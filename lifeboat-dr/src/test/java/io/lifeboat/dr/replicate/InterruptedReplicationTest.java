package io.lifeboat.dr.replicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.Repository;
import io.lifeboat.core.RepositoryNotFoundException;
import io.lifeboat.core.storage.BlobStore;
import io.lifeboat.core.storage.fault.FaultInjectingBlobStore;
import io.lifeboat.core.storage.local.LocalBlobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replication cut short at every write, by a failing target, by injected faults and by
 * SIGKILL: the replica must be consistent right after (every snapshot it lists restores
 * exactly and every byte checks without the key; a first copy cut short is not yet a
 * repository), and the next run must copy exactly what is missing and leave a mirror.
 */
class InterruptedReplicationTest {
    @TempDir
    Path tmp;

    Path sourceDir;
    LocalBlobStore source;
    Sample sample;

    @BeforeEach
    void setUp() throws IOException {
        sourceDir = tmp.resolve("source");
        source = Stores.local(sourceDir);
        sample = Sample.create(source, Files.createDirectories(tmp.resolve("work")));
    }

    private static Replicator.Result replicate(BlobStore from, BlobStore to) throws IOException {
        return new Replicator(from, to, Replicator.Options.defaults().withThreads(4), Replicator.Listener.NONE).run();
    }

    @Test
    void aFirstCopyCutShortAtAnyWriteIsNotYetARepositoryAndTheNextRunCompletesIt() throws Exception {
        int writes = Sample.replicated(source).size();
        for (int n = 0; n < writes; n++) {
            LocalBlobStore target = Stores.local(tmp.resolve("first-" + n));
            Stores.FailAfterPuts failing = new Stores.FailAfterPuts(target, n);
            assertThatThrownBy(() -> replicate(source, failing)).as("cut after %d of %d writes", n, writes)
                    .isInstanceOf(IOException.class).hasMessageContaining("injected");
            assertThatThrownBy(() -> Repository.readConfig(target)).as("after %d writes", n)
                    .isInstanceOf(RepositoryNotFoundException.class);
            assertResumesToAMirror(target, "a first copy cut after " + n + " writes");
        }
    }

    @Test
    void anUpdateCutShortAtAnyWriteLeavesEverySnapshotTheReplicaListsRestorable() throws Exception {
        Path base = tmp.resolve("base");
        replicate(source, Stores.local(base));
        sample.addBackup();
        sample.repo.forget(sample.repo.snapshots().get(0), java.time.Instant.now(), "h", "u", "test");
        int writes = (int) Replicator.lag(source, new LocalBlobStore(base)).total().objects();
        assertThat(writes).as("packs, index files, a tombstone and a snapshot").isGreaterThan(4);
        for (int n = 0; n < writes; n++) {
            Path dir = tmp.resolve("update-" + n);
            copyTree(base, dir);
            LocalBlobStore target = new LocalBlobStore(dir);
            Stores.FailAfterPuts failing = new Stores.FailAfterPuts(target, n);
            assertThatThrownBy(() -> replicate(source, failing)).isInstanceOf(IOException.class);
            assertConsistent(target, "an update cut after " + n + " of " + writes + " writes");
            assertResumesToAMirror(target, "an update cut after " + n + " writes");
        }
    }

    @Test
    void injectedFaultsAndLostAcknowledgementsLeaveAConsistentReplica() throws Exception {
        Path base = tmp.resolve("base");
        replicate(source, Stores.local(base));
        sample.addBackup();
        int failed = 0;
        for (long seed = 1; seed <= 12; seed++) {
            Path dir = tmp.resolve("faults-" + seed);
            copyTree(base, dir);
            LocalBlobStore target = new LocalBlobStore(dir);
            FaultInjectingBlobStore faulty = new FaultInjectingBlobStore(target, FaultInjectingBlobStore.Faults.none()
                    .withErrors(0.08).withLostAcks(0.08).withResets(0.05).withSeed(seed), d -> { });
            try {
                replicate(source, faulty);
            } catch (IOException e) {
                failed++;
                assertThat(e).hasMessageContaining("injected fault");
            }
            assertConsistent(target, "faults of seed " + seed);
            assertResumesToAMirror(target, "faults of seed " + seed);
        }
        assertThat(failed).as("the faults did interrupt runs").isGreaterThan(3);
    }

    @Test
    void aReplicationKilledWithSigkillLeavesAConsistentReplicaThatTheNextRunCompletes() throws Exception {
        Path base = tmp.resolve("base");
        replicate(source, Stores.local(base));
        sample.addBackup();
        Path counting = tmp.resolve("counting");
        copyTree(base, counting);
        KilledReplication.Run full = KilledReplication.run(sourceDir, counting, Integer.MAX_VALUE, "before");
        assertThat(full.exit()).as(full.output()).isZero();
        List<String> writes = full.output().lines().filter(l -> l.startsWith("write ")).toList();

        java.util.Set<Integer> points = new java.util.TreeSet<>();
        for (String kind : List.of(" data/", " index/", " snapshots/")) {
            points.add(writes.stream().filter(l -> l.contains(kind)).map(l -> Integer.parseInt(l.split(" ")[1]))
                    .findFirst().orElseThrow());
        }
        points.add(writes.size()); // the last write
        int killed = 0;
        for (int at : points) {
            for (String when : List.of("before", "after")) {
                Path dir = tmp.resolve("killed-" + at + "-" + when);
                copyTree(base, dir);
                KilledReplication.Run r = KilledReplication.run(sourceDir, dir, at, when);
                String what = "killed " + when + " write " + at + " of " + writes.size();
                assertThat(r.exit()).as(what + ": " + r.output()).isIn(0, KilledReplication.KILLED);
                killed += r.exit() == KilledReplication.KILLED ? 1 : 0;
                LocalBlobStore target = new LocalBlobStore(dir);
                assertConsistent(target, what);
                assertResumesToAMirror(target, what);
            }
        }
        assertThat(killed).as("the children really died mid-way").isEqualTo(points.size() * 2);
    }

    // ---- what every interrupted replica must satisfy

    /** The replica opens, every snapshot it lists restores exactly, and every byte checks without the key. */
    private void assertConsistent(BlobStore target, String when) throws IOException {
        try {
            sample.assertRestoresExactly(target, Files.createTempDirectory(tmp, "restore-"));
        } catch (AssertionError | IOException e) {
            throw new AssertionError("replica inconsistent after " + when + ": " + e.getMessage(), e);
        }
        assertThat(Sample.keylessCheck(target).errors()).as(when).isEmpty();
    }

    /** The next run copies exactly the objects the replica lacks, and ends a mirror of the source. */
    private void assertResumesToAMirror(BlobStore target, String when) throws IOException {
        Map<String, String> want = Sample.replicated(source);
        Map<String, String> had = Sample.replicated(target);
        long missing = want.keySet().stream().filter(n -> !had.containsKey(n)).count();
        Replicator.Result again = replicate(source, target);
        assertThat(again.totalCopied().objects()).as("objects copied after %s", when).isEqualTo(missing);
        assertThat(Sample.replicated(target)).as("a mirror after %s", when).isEqualTo(want);
        assertConsistent(target, "the run after " + when);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
