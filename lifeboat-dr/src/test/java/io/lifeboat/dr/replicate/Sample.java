package io.lifeboat.dr.replicate;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.catalog.ModelRegistry;
import io.lifeboat.core.BackupListener;
import io.lifeboat.core.BackupOptions;
import io.lifeboat.core.CheckOptions;
import io.lifeboat.core.CheckReport;
import io.lifeboat.core.Id;
import io.lifeboat.core.Repository;
import io.lifeboat.core.RepositoryConfig;
import io.lifeboat.core.RestoreOptions;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.internal.chunk.ChunkerParams;
import io.lifeboat.core.internal.crypto.KdfParams;
import io.lifeboat.core.internal.engine.BackupEngine;
import io.lifeboat.core.internal.engine.CheckEngine;
import io.lifeboat.core.internal.engine.KeylessCheck;
import io.lifeboat.core.internal.engine.RestoreEngine;
import io.lifeboat.core.retention.Within;
import io.lifeboat.core.storage.BlobInfo;
import io.lifeboat.core.storage.BlobStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A source repository worth replicating, and the means to prove a replica of it right:
 * several snapshots of a changing dataset, a registered model version (so {@code catalog/}
 * and {@code claims/} exist), a forgotten snapshot (a tombstone), in 1 MiB packs so that
 * there are many objects in every phase. It remembers what every snapshot holds, so a
 * replica's snapshots can be restored and compared file by file.
 */
final class Sample {
    static final char[] PASS = "replication test passphrase".toCharArray();

    final Path work;
    final Repository repo;
    /** Every snapshot taken, with the directory it backed up and that directory's content then. */
    final Map<Id, Backup> backups = new HashMap<>();
    Id forgotten;
    private final Random random = new Random(7);
    private int generation;

    record Backup(Path dir, Map<String, String> content) {}

    private Sample(Path work, Repository repo) {
        this.work = work;
        this.repo = repo;
    }

    /** A repository in {@code store} with two dataset snapshots, a model version and a forgotten snapshot. */
    static Sample create(BlobStore store, Path work) throws IOException {
        return create(store, work, null);
    }

    /** The same, under a retention lock (null: none). */
    static Sample create(BlobStore store, Path work, Within retentionLock) throws IOException {
        Repository.InitOptions o = new Repository.InitOptions(ChunkerParams.DEFAULT, 1024 * 1024, KdfParams.TESTING,
                "source-host", "tester", Clock.systemUTC(), retentionLock);
        Sample s = new Sample(work, Repository.init(store, PASS, o));
        Path dataset = s.writeDataset();
        s.backup(dataset, "dataset");
        s.changeDataset(dataset);
        s.backup(dataset, "dataset");
        s.registerModel();
        if (retentionLock == null) {
            Path scratch = s.writeFiles("scratch", 2, 200_000);
            Snapshot doomed = s.backup(scratch, "scratch");
            s.repo.forget(doomed, Instant.now(), "source-host", "tester", "forget " + doomed.id().shortHex());
            s.forgotten = doomed.id();
        }
        return s;
    }

    /** One more backup at the source: a new directory of new files. */
    Snapshot addBackup() throws IOException {
        return backup(writeFiles("more", 3, 400_000), "more");
    }

    private Path writeDataset() throws IOException {
        Path dir = writeFiles("dataset", 6, 500_000);
        Path text = Files.createDirectories(dir.resolve("text"));
        for (int i = 0; i < 10; i++) {
            Files.writeString(text.resolve("part-" + i + ".jsonl"), ("{\"row\":" + i + "}\n").repeat(200 + i));
        }
        return dir;
    }

    private void changeDataset(Path dir) throws IOException {
        for (int i = 0; i < 2; i++) {
            Files.write(dir.resolve("shard-" + i + ".bin"), randomBytes(600_000));
        }
        Files.writeString(dir.resolve("text/part-0.jsonl"), "{\"row\":\"changed\"}\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);
    }

    private void registerModel() throws IOException {
        Path weights = writeFiles("model", 1, 900_000);
        ModelRegistry registry = new ModelRegistry(repo, Clock.systemUTC(), "tester@source-host");
        ModelRegistry.Registration r = new ModelRegistry.Registration("fraud", new TreeMap<>(Map.of("auc", 0.93)),
                new TreeMap<>(Map.of("lr", "3e-4")), null, "abc123", "production");
        ModelRegistry.RegisteredVersion v = registry.register(r, options(weights, null, null), BackupListener.NONE);
        backups.put(v.snapshot().id(), new Backup(weights, content(weights)));
    }

    private Path writeFiles(String name, int files, int size) throws IOException {
        Path dir = Files.createDirectories(work.resolve(name + "-" + (++generation)));
        for (int i = 0; i < files; i++) {
            Files.write(dir.resolve("shard-" + i + ".bin"), randomBytes(size + random.nextInt(size / 4)));
        }
        return dir;
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private Snapshot backup(Path dir, String asset) throws IOException {
        Snapshot s = new BackupEngine(repo, options(dir, asset, "dataset"), BackupListener.NONE).run();
        backups.put(s.id(), new Backup(dir, content(dir)));
        return s;
    }

    private static BackupOptions options(Path dir, String asset, String kind) {
        return new BackupOptions(List.of(dir), null, null, List.of(), new TreeMap<>(), asset, asset == null ? null : kind,
                "source-host", "tester", null, 2, Clock.systemUTC());
    }

    // ---- proving a replica right

    /**
     * Opens the replica with the source's passphrase, checks it as {@code check --read-data}
     * does (every pack an index file names is there, every snapshot's trees and chunks are
     * indexed, every blob authenticates), and restores every snapshot it lists, each of
     * which must be one the source took and restore to exactly what it held. Packs that no
     * index file names yet are information, not errors, as after an interrupted backup.
     *
     * @return the number of snapshots restored
     */
    int assertRestoresExactly(BlobStore replica, Path scratch) throws IOException {
        try (Repository r = Repository.open(replica, PASS)) {
            CheckReport check = new CheckEngine(r, new CheckOptions(true, 100, 2)).run();
            assertThat(check.errors()).as("check --read-data of the replica").isEmpty();
            List<Snapshot> listed = r.snapshots();
            for (Snapshot s : listed) {
                Backup b = backups.get(s.id());
                assertThat(b).as("snapshot %s at the replica was taken at the source", s.id().shortHex()).isNotNull();
                Path into = Files.createTempDirectory(scratch, "restore-");
                assertThat(new RestoreEngine(r, new RestoreOptions(into, List.of(), 4)).run(s).damaged())
                        .as("restore of %s", s.id().shortHex()).isEmpty();
                assertThat(content(into.resolve(b.dir().toAbsolutePath().toString().substring(1))))
                        .as("snapshot %s restores exactly", s.id().shortHex()).isEqualTo(b.content());
            }
            assertThat(listed).as("a forgotten snapshot is not listed").noneMatch(s -> s.id().equals(forgotten));
            return listed.size();
        }
    }

    /** The keyless check, reading every byte: what a site without the passphrase can prove. */
    static CheckReport keylessCheck(BlobStore store) throws IOException {
        return new KeylessCheck(store, 100, 4).run();
    }

    /** Every object replication copies, by name, with the SHA-256 of its bytes. */
    static Map<String, String> replicated(BlobStore store) throws IOException {
        Map<String, String> out = new TreeMap<>();
        for (BlobInfo b : store.list("")) {
            if (Phase.directoryOf(b.name()) != null) {
                out.put(b.name(), Id.sha256(store.get(b.name())).hex());
            }
        }
        return out;
    }

    /** The config's bytes, as text. */
    static String config(BlobStore store) throws IOException {
        return new String(store.get(RepositoryConfig.NAME), StandardCharsets.UTF_8);
    }

    /** Relative path -> SHA-256 of every regular file below {@code root}. */
    static Map<String, String> content(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), sha256(Files.readAllBytes(p)));
            }
        }
        return out;
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
