package io.lifeboat.dr.replicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.Id;
import io.lifeboat.core.Repository;
import io.lifeboat.core.RepositoryExistsException;
import io.lifeboat.core.RepositoryNotFoundException;
import io.lifeboat.core.UnsupportedFormatException;
import io.lifeboat.core.internal.crypto.KdfParams;
import io.lifeboat.core.internal.format.IndexFile;
import io.lifeboat.core.retention.Within;
import io.lifeboat.core.storage.BlobInfo;
import io.lifeboat.core.storage.BlobStore;
import io.lifeboat.core.storage.HookedBlobStore;
import io.lifeboat.core.storage.local.LocalBlobStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replication between two local stores: what is copied, in what order, and what is refused. */
class ReplicatorTest {
    @TempDir
    Path tmp;

    LocalBlobStore source;
    LocalBlobStore target;
    Sample sample;

    @BeforeEach
    void setUp() throws IOException {
        source = Stores.local(tmp.resolve("source"));
        target = Stores.local(tmp.resolve("target"));
        sample = Sample.create(source, Files.createDirectories(tmp.resolve("work")));
    }

    private static Replicator.Result replicate(BlobStore from, BlobStore to) throws IOException {
        return new Replicator(from, to, Replicator.Options.defaults().withThreads(4), Replicator.Listener.NONE).run();
    }

    private Path scratch() throws IOException {
        return Files.createTempDirectory(tmp, "scratch-");
    }

    @Test
    void theFirstCopyIsAnExactMirrorThatOpensWithTheSamePassphraseAndRestoresEverySnapshot() throws Exception {
        Map<String, String> objects = Sample.replicated(source);
        Replicator.Result r = replicate(source, target);

        assertThat(Sample.replicated(target)).as("the same objects, byte for byte").isEqualTo(objects);
        assertThat(Sample.config(target)).isEqualTo(Sample.config(source));
        assertThat(r.created()).isTrue();
        assertThat(r.totalCopied().objects()).isEqualTo(objects.size());
        assertThat(r.totalCopied().bytes()).isEqualTo(source.list("").stream().filter(b -> objects.containsKey(b.name()))
                .mapToLong(BlobInfo::size).sum());
        assertThat(r.totalPresent()).isEqualTo(Replicator.Counts.ZERO);
        assertThat(r.copied().keySet()).containsExactly("keys", "data", "index", "deleted", "snapshots", "policy",
                "catalog", "claims", "config");
        for (String dir : List.of("keys", "data", "index", "deleted", "snapshots", "catalog", "claims", "config")) {
            assertThat(r.copied().get(dir).objects()).as(dir).isPositive();
        }
        assertThat(r.damaged()).isEmpty();
        assertThat(r.passes()).isEqualTo(1);

        try (Repository replica = Repository.open(target, Sample.PASS)) {
            assertThat(replica.config().id()).isEqualTo(sample.repo.config().id());
        }
        assertThat(sample.assertRestoresExactly(target, scratch())).isEqualTo(3);
    }

    @Test
    void theReplicaPassesTheKeylessCheckOfEveryByteWithoutThePassphrase() throws Exception {
        replicate(source, target);
        var report = Sample.keylessCheck(target);
        assertThat(report.errors()).isEmpty();
        assertThat(report.packsRead()).isEqualTo(report.packs()).isPositive();

        // and the check can fail: one flipped byte in one pack of the replica
        Path pack = someFile(tmp.resolve("target/data"));
        flipByte(pack);
        assertThat(Sample.keylessCheck(target).errors()).singleElement().asString().contains("does not match its name");
    }

    @Test
    void aSecondRunCopiesNothing() throws Exception {
        replicate(source, target);
        List<String> events = new ArrayList<>();
        Replicator.Result again = new Replicator(source, target, Replicator.Options.defaults(), new Replicator.Listener() {
            @Override
            public void copied(String name, long bytes) {
                events.add(name);
            }
        }).run();
        assertThat(events).isEmpty();
        assertThat(again.totalCopied()).isEqualTo(Replicator.Counts.ZERO);
        assertThat(again.totalPresent().objects()).isEqualTo(Sample.replicated(source).size());
        assertThat(again.created()).isFalse();
    }

    @Test
    void afterANewBackupAtTheSourceOnlyTheNewObjectsAreCopied() throws Exception {
        replicate(source, target);
        Map<String, String> before = Sample.replicated(source);
        sample.addBackup();
        Map<String, String> after = Sample.replicated(source);
        List<String> added = after.keySet().stream().filter(n -> !before.containsKey(n)).toList();

        List<String> copied = java.util.Collections.synchronizedList(new ArrayList<>());
        Replicator.Result r = new Replicator(source, target, Replicator.Options.defaults(), new Replicator.Listener() {
            @Override
            public void copied(String name, long bytes) {
                copied.add(name);
            }
        }).run();
        assertThat(copied).containsExactlyInAnyOrderElementsOf(added);
        assertThat(r.totalCopied().objects()).isEqualTo(added.size());
        assertThat(r.totalPresent().objects()).isEqualTo(before.size());
        assertThat(Sample.replicated(target)).isEqualTo(after);
        assertThat(sample.assertRestoresExactly(target, scratch())).isEqualTo(4);
    }

    @Test
    void aDryRunReportsWhatItWouldCopyAndCopiesNothing() throws Exception {
        Map<String, String> objects = Sample.replicated(source);
        List<Replicator.Lag> plans = new ArrayList<>();
        Replicator.Result r = new Replicator(source, target, Replicator.Options.defaults().withDryRun(true),
                new Replicator.Listener() {
                    @Override
                    public void started(Replicator.Lag plan) {
                        plans.add(plan);
                    }
                }).run();
        assertThat(r.dryRun()).isTrue();
        assertThat(r.created()).as("would create").isTrue();
        assertThat(r.totalCopied().objects()).isEqualTo(objects.size());
        assertThat(plans).singleElement().extracting(p -> p.total().objects()).isEqualTo((long) objects.size());
        assertThat(target.list("")).isEmpty();

        replicate(source, target);
        sample.addBackup();
        Replicator.Result update = new Replicator(source, target, Replicator.Options.defaults().withDryRun(true),
                Replicator.Listener.NONE).run();
        assertThat(update.created()).isFalse();
        assertThat(update.present().keySet()).as("in copying order").containsExactly("keys", "data", "index", "deleted",
                "snapshots", "policy", "catalog", "claims", "config");
        assertThat(update.totalPresent().objects()).isEqualTo(objects.size());
        assertThat(update.copied().get("snapshots").objects()).isEqualTo(1);
        assertThat(Replicator.lag(source, target).total()).isEqualTo(update.totalCopied());
    }

    @Test
    void aDamagedSourcePackIsNotCopiedAndNothingThatCouldNameItIs() throws Exception {
        Path pack = someFile(tmp.resolve("source/data"));
        String name = tmp.resolve("source").relativize(pack).toString();
        flipByte(pack);
        List<Phase> phases = new ArrayList<>();
        DamagedSourceException e = org.junit.jupiter.api.Assertions.assertThrows(DamagedSourceException.class,
                () -> new Replicator(source, target, Replicator.Options.defaults(), new Replicator.Listener() {
                    @Override
                    public void phase(Phase phase) {
                        phases.add(phase);
                    }
                }).run());

        assertThat(e.objectName()).isEqualTo(name);
        assertThat(e.getMessage()).contains("damaged").contains("not copied").contains("check --read-data");
        assertThat(e.result().damaged()).singleElement().asString().startsWith(name + ": content does not match");
        assertThat(e.result().notCopied()).containsExactly(Phase.INDEX, Phase.TOMBSTONES, Phase.SNAPSHOTS,
                Phase.CATALOG, Phase.CONFIG);
        assertThat(phases).as("the index phase never started").containsExactly(Phase.KEYS, Phase.PACKS, Phase.CONFIG);
        assertThat(target.list("index/")).isEmpty();
        assertThat(target.list("snapshots/")).isEmpty();
        assertThatThrownBy(() -> target.stat(name)).isInstanceOf(io.lifeboat.core.storage.NoSuchBlobException.class);
        assertThat(target.list("data/")).as("the sound packs are copied").hasSize(source.list("data/").size() - 1);
        assertThatThrownBy(() -> Repository.readConfig(target)).as("a first copy stopped short is not a repository")
                .isInstanceOf(RepositoryNotFoundException.class);
    }

    @Test
    void aTargetHoldingAnotherRepositoryIsRefusedAndLeftAlone() throws Exception {
        Repository.init(target, "other".toCharArray(),
                Repository.InitOptions.defaults("h", "u").withKdf(KdfParams.TESTING)).close();
        List<String> before = names(target);
        assertThatThrownBy(() -> replicate(source, target)).isInstanceOf(RepositoryExistsException.class)
                .hasMessageContaining("holds another repository");
        assertThatThrownBy(() -> Replicator.lag(source, target)).isInstanceOf(RepositoryExistsException.class);
        assertThat(names(target)).isEqualTo(before);
    }

    @Test
    void aNonEmptyTargetThatIsNoReplicaIsRefused() throws Exception {
        target.putIfAbsent("notes/readme.txt", "hello".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> replicate(source, target)).isInstanceOf(RepositoryExistsException.class)
                .hasMessageContaining("not empty and not a replica").hasMessageContaining("notes/readme.txt");

        LocalBlobStore other = Stores.local(tmp.resolve("other"));
        byte[] slot = "{\"a foreign key slot\":true}".getBytes(StandardCharsets.UTF_8);
        other.putIfAbsent("keys/" + Id.sha256(slot).hex(), slot);
        assertThatThrownBy(() -> replicate(source, other)).isInstanceOf(RepositoryExistsException.class)
                .hasMessageContaining("keys/");
    }

    @Test
    void aSourceOfANewerFormatIsRefused() throws Exception {
        LocalBlobStore newer = Stores.local(tmp.resolve("newer"));
        newer.putIfAbsent("config", Sample.config(source).replace("\"version\" : 1", "\"version\" : 2")
                .getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> replicate(newer, target)).isInstanceOf(UnsupportedFormatException.class)
                .hasMessageContaining("newer");
        assertThatThrownBy(() -> replicate(Stores.local(tmp.resolve("empty")), target))
                .isInstanceOf(RepositoryNotFoundException.class);
    }

    @Test
    void sessionMarkersPrunePlansAndStrangersAreNotCopied() throws Exception {
        for (String dir : List.of("sessions", "prune")) {
            byte[] b = ("a " + dir + " object").getBytes(StandardCharsets.UTF_8);
            source.putIfAbsent(dir + "/" + Id.sha256(b).hex(), b);
        }
        source.putIfAbsent("index/not-a-hash", new byte[] {1});
        List<String> skipped = new ArrayList<>();
        Replicator.Result r = new Replicator(source, target, Replicator.Options.defaults(), new Replicator.Listener() {
            @Override
            public void skipped(String name) {
                skipped.add(name);
            }
        }).run();
        assertThat(target.list("sessions/")).isEmpty();
        assertThat(target.list("prune/")).isEmpty();
        assertThatThrownBy(() -> target.stat("index/not-a-hash")).isInstanceOf(IOException.class);
        assertThat(r.skipped()).containsExactly("index/not-a-hash");
        assertThat(skipped).containsExactly("index/not-a-hash");
        assertThat(Sample.keylessCheck(target).errors()).isEmpty();
    }

    @Test
    void retentionLocksTravelWhenTheTargetCanHoldThemAndAreCountedWhenNot() throws Exception {
        LocalBlobStore locked = Stores.local(tmp.resolve("locked"));
        Sample.create(locked, Files.createDirectories(tmp.resolve("work-locked")), Within.parse("30d"));
        Map<String, Instant> locks = new TreeMap<>();
        for (BlobInfo b : locked.list("")) {
            if (Phase.directoryOf(b.name()) != null && b.lockedAt(Instant.now())) {
                locks.put(b.name(), b.retainUntil());
            }
        }
        assertThat(locks).containsKey("config").hasSizeGreaterThan(10);

        LocalBlobStore lockable = Stores.local(tmp.resolve("lockable"));
        Replicator.Result r = replicate(locked, lockable);
        assertThat(r.locksDropped()).isZero();
        for (var e : locks.entrySet()) {
            assertThat(lockable.stat(e.getKey()).retainUntil()).as(e.getKey()).isEqualTo(e.getValue());
        }
        assertThatThrownBy(() -> lockable.delete(locks.keySet().iterator().next()))
                .isInstanceOf(io.lifeboat.core.storage.ObjectLockedException.class);

        LocalBlobStore plainDir = Stores.local(tmp.resolve("unlockable"));
        Replicator.Result unlocked = replicate(locked, Stores.withoutLocks(plainDir));
        assertThat(unlocked.locksDropped()).isEqualTo(locks.size());
        assertThat(plainDir.list("")).allMatch(b -> b.retainUntil() == null);
        assertThat(Sample.replicated(plainDir)).isEqualTo(Sample.replicated(locked));
    }

    @Test
    void lagReportsExactlyTheMissingObjectsAndBytesFromListingsAlone() throws Exception {
        Map<String, Long> bytesBySource = new HashMap<>();
        for (BlobInfo b : source.list("")) {
            bytesBySource.put(b.name(), b.size());
        }
        Replicator.Lag all = Replicator.lag(source, target);
        Map<String, String> objects = Sample.replicated(source);
        assertThat(all.total().objects()).isEqualTo(objects.size());
        assertThat(all.missing().get("config").objects()).isEqualTo(1);
        assertThat(all.upToDate()).isFalse();

        replicate(source, target);
        assertThat(Replicator.lag(source, target).upToDate()).isTrue();

        // take some objects away from the replica, as an interrupted run would have left them
        List<String> gone = List.of(first(target, "data/"), first(target, "snapshots/"), first(target, "claims/"));
        for (String n : gone) {
            Files.delete(tmp.resolve("target").resolve(n));
        }
        sample.addBackup();
        Map<String, String> now = Sample.replicated(source);
        Map<String, Replicator.Counts> expected = new TreeMap<>();
        for (String n : now.keySet()) {
            if (!objects.containsKey(n) || gone.contains(n)) {
                expected.merge(Phase.directoryOf(n), new Replicator.Counts(1, bytesOf(source, n)), Replicator.Counts::plus);
            }
        }
        Replicator.Lag lag = Replicator.lag(source, target);
        Map<String, Replicator.Counts> nonZero = new TreeMap<>();
        lag.missing().forEach((dir, c) -> {
            if (c.objects() > 0) {
                nonZero.put(dir, c);
            }
        });
        assertThat(nonZero).isEqualTo(expected);
        assertThat(lag.surplus().values()).allMatch(c -> c.objects() == 0);

        // a deletion at the source is not mirrored: the replica's copy is surplus
        replicate(source, target);
        String pack = first(source, "data/");
        Files.delete(tmp.resolve("source").resolve(pack));
        assertThat(Replicator.lag(source, target).surplus().get("data"))
                .isEqualTo(new Replicator.Counts(1, target.stat(pack).size()));
    }

    @Test
    void aPruneAtTheSourceThatReplacesAnIndexFileMidRunLeadsToASecondPass() throws Exception {
        AtomicBoolean compacted = new AtomicBoolean();
        BlobStore pruned = new HookedBlobStore(source) {
            @Override
            public byte[] get(String name) throws IOException {
                if (name.startsWith("index/") && compacted.compareAndSet(false, true)) {
                    compact(Id.fromHex(name.substring("index/".length())));
                }
                return super.get(name);
            }
        };
        Replicator.Result r = replicate(pruned, target);
        assertThat(compacted).isTrue();
        assertThat(sample.assertRestoresExactly(target, scratch())).isEqualTo(3);
        assertThat(Sample.replicated(target)).containsAllEntriesOf(Sample.replicated(source));
        assertThat(r.passes()).isEqualTo(2);
        assertThat(r.vanished()).isEqualTo(1);
        assertThat(Sample.keylessCheck(target).errors()).isEmpty();
    }

    @Test
    void aBackupFinishingWhileTheSourceIsListedNeverMakesAnIncompleteSnapshotVisible() throws Exception {
        AtomicBoolean backedUp = new AtomicBoolean();
        BlobStore busy = new HookedBlobStore(source) {
            @Override
            public List<BlobInfo> list(String prefix) throws IOException {
                List<BlobInfo> listed = super.list(prefix);
                // between the listings of packs and snapshots, whichever comes first
                if ((prefix.equals("data/") || prefix.equals("snapshots/")) && backedUp.compareAndSet(false, true)) {
                    sample.addBackup();
                }
                return listed;
            }
        };
        Replicator.Result r = replicate(busy, target);
        assertThat(backedUp).isTrue();
        assertThat(sample.assertRestoresExactly(target, scratch())).as("the new snapshot is not copied yet").isEqualTo(3);
        assertThat(r.copied().get("data").objects()).as("its packs and index files may be")
                .isEqualTo(source.list("data/").size());
        replicate(source, target);
        assertThat(sample.assertRestoresExactly(target, scratch())).isEqualTo(4);
    }

    /** What prune's index compaction does to one file: store a file naming the same packs, then delete the old one. */
    private void compact(Id victim) throws IOException {
        try (Repository r = Repository.open(new LocalBlobStore(tmp.resolve("source")), Sample.PASS)) {
            Map<Id, IndexFile> files = new HashMap<>();
            r.loadIndex(files::put);
            r.saveIndex(files.get(victim).packs(), List.of(victim));
            r.store().delete("index/" + victim.hex());
        }
    }

    @Test
    void optionsAreCheckedAtOnce() {
        Replicator.Options d = Replicator.Options.defaults();
        assertThat(d.threads()).isEqualTo(8);
        assertThat(d.bytesPerSecond()).isZero();
        assertThat(d.dryRun()).isFalse();
        assertThatThrownBy(() -> d.withThreads(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withBandwidth(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- helpers

    private static List<String> names(BlobStore s) throws IOException {
        return s.list("").stream().map(BlobInfo::name).sorted().toList();
    }

    private static String first(BlobStore s, String prefix) throws IOException {
        return s.list(prefix).stream().map(BlobInfo::name).sorted().findFirst().orElseThrow();
    }

    private static long bytesOf(BlobStore s, String name) throws IOException {
        return s.stat(name).size();
    }

    static Path someFile(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().findFirst().orElseThrow();
        }
    }

    static void flipByte(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        b[b.length / 2] ^= 0x5a;
        Files.write(file, b);
    }
}
