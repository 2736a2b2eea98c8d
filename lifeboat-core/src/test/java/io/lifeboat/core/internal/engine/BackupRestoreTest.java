package io.lifeboat.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.BackupListener;
import io.lifeboat.core.BackupOptions;
import io.lifeboat.core.CheckOptions;
import io.lifeboat.core.Repository;
import io.lifeboat.core.RestoreOptions;
import io.lifeboat.core.RestoreResult;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.storage.HookedBlobStore;
import io.lifeboat.core.storage.local.LocalBlobStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupRestoreTest {
    @TempDir
    Path tmp;

    /** A tree with every kind of entry a restore must get exactly right. */
    private Path awkwardTree() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Random random = new Random(7);
        Files.createFile(src.resolve("empty-file"));
        Files.createDirectories(src.resolve("empty-dir"));
        Files.createDirectories(src.resolve("nested/empty/dirs"));
        Files.writeString(src.resolve("target.txt"), "the target\n");
        Files.createSymbolicLink(src.resolve("link-to-file"), Path.of("target.txt"));
        Files.createSymbolicLink(src.resolve("link-to-dir"), Path.of("nested"));
        Files.createSymbolicLink(src.resolve("dangling-link"), Path.of("does/not/exist"));
        Files.createSymbolicLink(src.resolve("absolute-link"), Path.of("/etc/hostname"));
        Files.writeString(src.resolve("name with spaces.txt"), "spaces\n");
        Path unicode = Files.createDirectories(src.resolve("naïve café ☕"));
        Files.writeString(unicode.resolve("日本語のファイル.jsonl"), "{\"ok\":true}\n");
        Files.writeString(unicode.resolve("Ελληνικά ñ ü.csv"), "a,b\n1,2\n");
        Path deep = src;
        for (int i = 0; i < 60; i++) {
            deep = deep.resolve("level" + i);
        }
        Files.createDirectories(deep);
        Files.writeString(deep.resolve("bottom.txt"), "deep down\n");
        Path many = Files.createDirectories(src.resolve("many"));
        for (int i = 0; i < 1500; i++) {
            byte[] b = new byte[random.nextInt(3000)];
            random.nextBytes(b);
            Files.write(many.resolve("f" + i + ".bin"), b);
        }
        byte[] big = new byte[5 * 1024 * 1024 + 123];
        random.nextBytes(big);
        Files.write(src.resolve("multi-chunk.bin"), big);
        Path exec = Files.writeString(src.resolve("run.sh"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(exec, PosixFilePermissions.fromString("rwxr-x---"));
        Path ro = Files.writeString(src.resolve("read-only.txt"), "do not touch\n");
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r--r--r--"));
        Path secret = Files.writeString(src.resolve("secret.key"), "k\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Files.setAttribute(src.resolve("nested"), "unix:mode", 02775); // setgid directory
        Files.setLastModifiedTime(src.resolve("target.txt"), FileTime.from(1_600_000_000_123_456_789L, TimeUnit.NANOSECONDS));
        Files.setLastModifiedTime(src.resolve("empty-dir"), FileTime.from(1_500_000_000_987_654_321L, TimeUnit.NANOSECONDS));
        return src;
    }

    @Test
    void restoreReproducesContentAndMetadataExactly() throws IOException {
        Path src = awkwardTree();
        Map<String, String> before = TestRepos.describe(src);
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            Snapshot s = TestRepos.backup(repo, src);
            assertThat(s.summary().warnings()).isZero();
            RestoreResult r = TestRepos.restore(repo, s, tmp.resolve("out"));
            assertThat(r.damaged()).isEmpty();
        }
        Map<String, String> after = TestRepos.describe(TestRepos.restored(tmp.resolve("out"), src));
        assertThat(after).isEqualTo(before);
    }

    @Test
    void restoreIntoADirectoryThatHasOlderCopiesOverwritesThem() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("a.txt"), "current content\n");
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            Snapshot s = TestRepos.backup(repo, src);
            Path stale = TestRepos.restored(tmp.resolve("out"), src).resolve("a.txt");
            Files.createDirectories(stale.getParent());
            Files.writeString(stale, "an older and much longer version of the content\n");
            assertThat(TestRepos.restore(repo, s, tmp.resolve("out")).damaged()).isEmpty();
            assertThat(Files.readString(stale)).isEqualTo("current content\n");
        }
    }

    @Test
    void aThreeGibSparseFileRoundTripsAndStaysSparse() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("sparse"));
        Path file = src.resolve("disk.img");
        long size = 3L << 30;
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
            f.seek(0);
            f.write("header".getBytes(StandardCharsets.US_ASCII));
            f.seek(size / 2 + 12345);
            f.write("middle".getBytes(StandardCharsets.US_ASCII));
            f.seek(size - 4);
            f.write("tail".getBytes(StandardCharsets.US_ASCII));
        }
        String expected = TestRepos.sha256(file);
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            Snapshot s = TestRepos.backup(repo, src);
            assertThat(s.summary().totalBytes()).isEqualTo(size);
            assertThat(s.summary().bytesAdded()).as("zero chunks dedup to a few blobs").isLessThan(64L << 20);
            Files.delete(file);
            assertThat(TestRepos.restore(repo, s, tmp.resolve("out")).damaged()).isEmpty();
        }
        Path back = TestRepos.restored(tmp.resolve("out"), file);
        assertThat(Files.size(back)).isEqualTo(size);
        assertThat(TestRepos.sha256(back)).isEqualTo(expected);
        assertThat(allocatedBytes(back)).as("holes are restored as holes").isLessThan(256L << 20);
    }

    private static long allocatedBytes(Path p) throws Exception {
        Process stat = new ProcessBuilder("stat", "-c", "%b %B", p.toString()).redirectErrorStream(true).start();
        String[] parts = new String(stat.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim().split(" ");
        assertThat(stat.waitFor()).isZero();
        return Long.parseLong(parts[0]) * Long.parseLong(parts[1]);
    }

    @Test
    void aStreamRoundTrips() throws IOException {
        byte[] data = new byte[7 * 1024 * 1024 + 17];
        new Random(3).nextBytes(data);
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            BackupOptions o = new BackupOptions(List.of(), new ByteArrayInputStream(data), "model.ckpt", List.of(),
                    new TreeMap<>(Map.of("step", "1000")), "llm", "checkpoint", "h", "u", null, 2, Clock.systemUTC());
            Snapshot s = new BackupEngine(repo, o, BackupListener.NONE).run();
            assertThat(s.paths()).containsExactly("/model.ckpt");
            assertThat(s.asset()).isEqualTo("llm");
            assertThat(s.kind()).isEqualTo("checkpoint");
            assertThat(TestRepos.restore(repo, s, tmp.resolve("out")).damaged()).isEmpty();
        }
        assertThat(Files.readAllBytes(tmp.resolve("out/model.ckpt"))).isEqualTo(data);
    }

    @Test
    void anEmptyStreamRoundTrips() throws IOException {
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            BackupOptions o = new BackupOptions(List.of(), new ByteArrayInputStream(new byte[0]), "empty", List.of(),
                    new TreeMap<>(), null, null, "h", "u", null, 1, Clock.systemUTC());
            Snapshot s = new BackupEngine(repo, o, BackupListener.NONE).run();
            TestRepos.restore(repo, s, tmp.resolve("out"));
        }
        assertThat(Files.size(tmp.resolve("out/empty"))).isZero();
    }

    @Test
    void includePatternsRestoreOnlyWhatMatches() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.createDirectories(src.resolve("data"));
        Files.writeString(src.resolve("data/a.csv"), "a\n");
        Files.writeString(src.resolve("data/b.jsonl"), "b\n");
        Files.createDirectories(src.resolve("models/v1"));
        Files.writeString(src.resolve("models/v1/w.bin"), "w\n");
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            Snapshot s = TestRepos.backup(repo, src);
            String base = src.toAbsolutePath().toString();
            new RestoreEngine(repo, new RestoreOptions(tmp.resolve("out"), List.of(base + "/data/*.csv", base + "/models"), 2))
                    .run(s);
        }
        Path out = TestRepos.restored(tmp.resolve("out"), src);
        assertThat(out.resolve("data/a.csv")).hasContent("a");
        assertThat(out.resolve("data/b.jsonl")).doesNotExist();
        assertThat(out.resolve("models/v1/w.bin")).hasContent("w");
    }

    @Test
    void aRestoreOfOneFileReadsOnlyTheTreesOnItsWay() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        for (int d = 0; d < 30; d++) {
            Path dir = Files.createDirectories(src.resolve(String.format("d%02d", d)));
            Files.writeString(dir.resolve("f.txt"), "file in " + d + "\n");
        }
        Snapshot s;
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            s = TestRepos.backup(repo, src);
        }
        String base = src.toAbsolutePath().toString();
        AtomicInteger rangedReads = new AtomicInteger();
        HookedBlobStore counting = new HookedBlobStore(new LocalBlobStore(tmp.resolve("repo"))) {
            @Override
            public byte[] get(String name, long offset, int length) throws IOException {
                rangedReads.incrementAndGet(); // a tree or a pack range
                return super.get(name, offset, length);
            }
        };
        try (Repository repo = Repository.open(counting, TestRepos.PASSPHRASE)) {
            new RestoreEngine(repo, new RestoreOptions(tmp.resolve("one"), List.of(base + "/d17/f.txt"), 2)).run(s);
            int one = rangedReads.getAndSet(0);
            // The root's tree, one per component down to src, d17's, and the file's data:
            // not the other 29 directories' trees.
            assertThat(one).isLessThanOrEqualTo(src.getNameCount() + 3);

            // A pattern with a glob in the middle still finds everything it matches.
            new RestoreEngine(repo, new RestoreOptions(tmp.resolve("some"), List.of(base + "/d1?/f.txt"), 2)).run(s);
        }
        Path one = TestRepos.restored(tmp.resolve("one"), src);
        assertThat(one.resolve("d17/f.txt")).hasContent("file in 17");
        assertThat(one.resolve("d16")).doesNotExist();
        Path some = TestRepos.restored(tmp.resolve("some"), src);
        for (int d = 0; d < 30; d++) {
            Path f = some.resolve(String.format("d%02d/f.txt", d));
            if (d >= 10 && d < 20) {
                assertThat(f).hasContent("file in " + d);
            } else {
                assertThat(f).doesNotExist();
            }
        }
    }

    @Test
    void includePatternsAreAnchoredByTheirLiteralComponents() {
        assertThat(RestoreEngine.literalPrefix("/data/run-7/*.csv")).containsExactly("data", "run-7");
        assertThat(RestoreEngine.literalPrefix("/data/**")).containsExactly("data");
        assertThat(RestoreEngine.literalPrefix("/a/{b,c}/d")).containsExactly("a");
        assertThat(RestoreEngine.literalPrefix("/a/b\\*c/d")).containsExactly("a");
        assertThat(RestoreEngine.literalPrefix("/models/v1")).containsExactly("models", "v1");
        assertThat(RestoreEngine.literalPrefix("*.csv")).isNull(); // not anchored: may match anywhere
    }

    @Test
    void excludedEntriesAreNotStored() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("keep.txt"), "keep\n");
        Files.writeString(src.resolve("skip.tmp"), "skip\n");
        Files.createDirectories(src.resolve("__pycache__"));
        Files.writeString(src.resolve("__pycache__/x.pyc"), "x\n");
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            BackupOptions o = new BackupOptions(List.of(src), null, null, List.of("*.tmp", "__pycache__"), new TreeMap<>(),
                    null, null, "h", "u", null, 2, Clock.systemUTC());
            Snapshot s = new BackupEngine(repo, o, BackupListener.NONE).run();
            TestRepos.restore(repo, s, tmp.resolve("out"));
        }
        Path out = TestRepos.restored(tmp.resolve("out"), src);
        assertThat(out.resolve("keep.txt")).exists();
        assertThat(out.resolve("skip.tmp")).doesNotExist();
        assertThat(out.resolve("__pycache__")).doesNotExist();
    }

    @Test
    void aFileThatChangesWhileBeingReadIsReportedAndTheSnapshotStaysConsistent() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Path growing = src.resolve("train.log");
        Files.writeString(growing, "line 1\n");
        Files.writeString(src.resolve("stable.txt"), "stable\n");
        List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        BackupListener listener = new BackupListener() {
            @Override
            public void fileStarted(String path) {
                if (path.endsWith("train.log")) {
                    try {
                        Files.writeString(growing, "line 2, written during the backup\n", java.nio.file.StandardOpenOption.APPEND);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }

            @Override
            public void warning(String path, String message) {
                warnings.add(path + ": " + message);
            }
        };
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            Snapshot s = new BackupEngine(repo, TestRepos.options(List.of(src)), listener).run();
            assertThat(warnings).singleElement().asString().contains("train.log").contains("changed while");
            assertThat(s.summary().warnings()).isEqualTo(1);
            assertThat(new CheckEngine(repo, new CheckOptions(true, 100, 2)).run().errors()).isEmpty();
            assertThat(TestRepos.restore(repo, s, tmp.resolve("out")).damaged()).isEmpty();
        }
        Path out = TestRepos.restored(tmp.resolve("out"), src);
        // What was stored is exactly what was read: size in the tree and content agree.
        assertThat(out.resolve("train.log")).hasContent(Files.readString(growing).strip());
        assertThat(out.resolve("stable.txt")).hasContent("stable");
    }

    @Test
    void aFileRewrittenInPlaceAtTheSameSizeWhileBeingReadIsReported() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Path weights = src.resolve("weights.bin");
        byte[] before = new byte[300_000];
        new Random(1).nextBytes(before);
        Files.write(weights, before);
        Files.setLastModifiedTime(weights, FileTime.from(1_700_000_000L, TimeUnit.SECONDS));
        List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        BackupListener listener = new BackupListener() {
            @Override
            public void fileStarted(String path) {
                byte[] after = before.clone();
                after[after.length / 2] ^= 1;
                try (RandomAccessFile f = new RandomAccessFile(weights.toFile(), "rw")) {
                    f.write(after); // same size, new content, new mtime
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }

            @Override
            public void warning(String path, String message) {
                warnings.add(path + ": " + message);
            }
        };
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            new BackupEngine(repo, TestRepos.options(List.of(src)), listener).run();
        }
        assertThat(warnings).singleElement().asString().contains("weights.bin").contains("changed while");
    }

    @Test
    void unchangedFilesAreNotReadAgainAndChangedOnesAre() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        for (int i = 0; i < 50; i++) {
            Files.writeString(src.resolve("f" + i), "content " + i + "\n");
        }
        List<String> opened = new java.util.concurrent.CopyOnWriteArrayList<>();
        BackupListener spy = new BackupListener() {
            @Override
            public void fileStarted(String path) {
                opened.add(Path.of(path).getFileName().toString());
            }
        };
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            Snapshot first = TestRepos.backup(repo, src);
            Files.writeString(src.resolve("f7"), "changed\n");
            Files.writeString(src.resolve("new"), "new\n");
            Snapshot second = new BackupEngine(repo, TestRepos.options(List.of(src)), spy).run();
            assertThat(second.parent()).isEqualTo(first.id());
            assertThat(opened).containsExactlyInAnyOrder("f7", "new");
            assertThat(second.summary().filesUnmodified()).isEqualTo(49);
            assertThat(second.summary().filesChanged()).isEqualTo(1);
            assertThat(second.summary().filesNew()).isEqualTo(1);
            TestRepos.restore(repo, second, tmp.resolve("out"));
        }
        assertThat(TestRepos.describe(TestRepos.restored(tmp.resolve("out"), src))).isEqualTo(TestRepos.describe(src));
    }

    @Test
    void aSecondBackupOfTheSameDataStoresNothingNew() throws IOException {
        Path src = awkwardTree();
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            TestRepos.backup(repo, src);
            BackupOptions forced = new BackupOptions(List.of(src), null, null, List.of(), new TreeMap<>(), null, null,
                    "test-host", "tester", BackupOptions.NO_PARENT, 2, Clock.systemUTC());
            Snapshot again = new BackupEngine(repo, forced, BackupListener.NONE).run();
            assertThat(again.summary().bytesRead()).isGreaterThan(5_000_000L);
            assertThat(again.summary().bytesAdded()).isZero();
        }
        // A new process sees the same: the index on disk names everything.
        try (Repository repo = TestRepos.reopen(tmp.resolve("repo"))) {
            Snapshot third = TestRepos.backup(repo, src);
            assertThat(third.summary().blobsAdded()).isZero();
        }
    }

    @Test
    void aNameThatIsNotUtf8IsSkippedWithAWarningThatSaysSo() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("fine.txt"), "fine\n");
        Process p = new ProcessBuilder("sh", "-c", "printf x > \"$(printf 'bad-\\377-name')\"").directory(src.toFile())
                .start();
        assertThat(p.waitFor()).isZero();
        List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        BackupListener listener = new BackupListener() {
            @Override
            public void warning(String path, String message) {
                warnings.add(message);
            }
        };
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            Snapshot s = new BackupEngine(repo, TestRepos.options(List.of(src)), listener).run();
            assertThat(warnings).singleElement().asString().contains("not valid UTF-8");
            TestRepos.restore(repo, s, tmp.resolve("out"));
        }
        assertThat(TestRepos.restored(tmp.resolve("out"), src).resolve("fine.txt")).hasContent("fine");
    }
}
