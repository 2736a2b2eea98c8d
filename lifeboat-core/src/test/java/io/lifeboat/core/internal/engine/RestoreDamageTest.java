package io.lifeboat.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.Id;
import io.lifeboat.core.Repository;
import io.lifeboat.core.RestoreOptions;
import io.lifeboat.core.RestoreResult;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.internal.format.Node;
import io.lifeboat.core.internal.format.PackEntry;
import io.lifeboat.core.internal.format.Packs;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restore with damaged data: what is intact is restored, what is not never looks restored. */
class RestoreDamageTest {
    private static final FileTime OLD = FileTime.from(1_500_000_000L, TimeUnit.SECONDS);

    @TempDir
    Path tmp;

    @Test
    void aFileWithADamagedChunkIsKeptAsideWithWhatCouldBeReadAndWithoutItsMetadata() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        byte[] model = random(5 << 20, 1);
        Path modelFile = Files.write(src.resolve("model.bin"), model);
        Files.setAttribute(modelFile, "unix:mode", 0644);
        Files.setLastModifiedTime(modelFile, OLD);
        Files.writeString(src.resolve("ok.txt"), "intact\n");
        Path target = tmp.resolve("target");
        Path restored = TestRepos.restored(target, modelFile);
        RestoreResult r;
        List<PackEntry> chunks;
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            Snapshot s = TestRepos.backup(repo, src);
            chunks = entries(repo, node(repo, s, modelFile));
            assertThat(chunks).as("chunks of model.bin").hasSizeGreaterThanOrEqualTo(3);
            PackEntry bad = chunks.get(1);
            flipByte(tmp.resolve("repo"), bad.pack(), bad.offset() + bad.length() / 2);
            Files.createDirectories(restored.getParent());
            Files.writeString(restored, "an older copy that must not pass for the restored file\n");

            r = TestRepos.restore(repo, s, target);
        }
        Path aside = restored.resolveSibling("model.bin" + RestoreEngine.DAMAGED_SUFFIX);
        assertThat(r.damaged()).singleElement().satisfies(d -> {
            assertThat(d.path()).isEqualTo(restored.toString());
            assertThat(d.reason()).contains(chunks.get(1).id().shortHex()).contains("damaged");
            assertThat(d.salvagedTo()).isEqualTo(aside.toString());
        });
        assertThat(restored).as("what was under the name is left as it was: a restore replaces a file only with"
                + " verified content").hasContent("an older copy that must not pass for the restored file");
        byte[] salvaged = Files.readAllBytes(aside);
        assertThat(salvaged).hasSize(model.length);
        long offset = 0;
        for (int i = 0; i < chunks.size(); i++) {
            int from = (int) offset;
            int to = from + chunks.get(i).rawLength();
            byte[] got = Arrays.copyOfRange(salvaged, from, to);
            if (i == 1) {
                assertThat(got).as("the damaged chunk is left as a hole").containsOnly((byte) 0);
            } else {
                assertThat(got).as("intact chunk %d is salvaged", i).isEqualTo(Arrays.copyOfRange(model, from, to));
            }
            offset = to;
        }
        assertThat(Files.getLastModifiedTime(aside)).as("metadata is not applied").isNotEqualTo(OLD);
        assertThat(Files.getAttribute(aside, "unix:mode")).isEqualTo(0100600);
        assertThat(TestRepos.restored(target, src.resolve("ok.txt"))).hasContent("intact");
        assertThat(r.files()).isEqualTo(2);
        assertThat(r.filesDamaged()).isEqualTo(1);
        assertThat(r.filesRestored()).isEqualTo(1);
    }

    @Test
    void aDamagedIndexFileDoesNotBlockTheRestoreOfWhatOtherIndexFilesName() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Path a = Files.write(src.resolve("a.bin"), random(100_000, 2));
        Path repoDir = tmp.resolve("repo");
        Snapshot second;
        try (Repository repo = TestRepos.create(repoDir)) {
            TestRepos.backup(repo, src);
            Set<Id> firstIndex = new HashSet<>(repo.listObjects(Repository.INDEX));
            Files.write(src.resolve("b.bin"), random(100_000, 3));
            second = TestRepos.backup(repo, src); // every tree changes: they are all in the second index file
            assertThat(firstIndex).isNotEmpty();
            for (Id id : firstIndex) {
                flipByte(repoDir.resolve(Repository.INDEX + "/" + id.hex()), 40);
            }
        }
        Path target = tmp.resolve("target");
        RestoreResult r;
        try (Repository repo = TestRepos.reopen(repoDir)) {
            r = TestRepos.restore(repo, second, target);
        }
        assertThat(r.damagedIndexFiles()).isNotEmpty();
        assertThat(r.damaged()).singleElement().satisfies(d -> {
            assertThat(d.path()).isEqualTo(TestRepos.restored(target, a).toString());
            assertThat(d.reason()).contains("no index");
        });
        assertThat(TestRepos.restored(target, a)).doesNotExist();
        assertThat(Files.mismatch(src.resolve("b.bin"), TestRepos.restored(target, src.resolve("b.bin")))).isEqualTo(-1);
    }

    @Test
    void anotherCopyIsReadWhenTheFirstIsDamaged() throws IOException {
        restoresFromTheSecondCopy(false);
    }

    @Test
    void anotherCopyIsReadWhenTheFirstCopysPackIsMissing() throws IOException {
        restoresFromTheSecondCopy(true);
    }

    private void restoresFromTheSecondCopy(boolean deletePack) throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Path file = Files.write(src.resolve("weights.bin"), random(200_000, 4));
        Path repoDir = tmp.resolve("repo");
        Snapshot s;
        try (Repository repo = TestRepos.create(repoDir)) {
            s = TestRepos.backup(repo, src);
            PackEntry only = entries(repo, node(repo, s, file)).get(0);
            storeSecondCopy(repo, repoDir, only);
        }
        Path target = tmp.resolve("target");
        RestoreResult r;
        try (Repository repo = TestRepos.reopen(repoDir)) {
            repo.loadIndexStrict();
            Id chunk = entries(repo, node(repo, s, file)).get(0).id();
            assertThat(repo.index().copiesOf(chunk)).hasSize(2);
            PackEntry first = repo.index().get(chunk);
            if (deletePack) {
                Files.delete(repoDir.resolve(Packs.name(first.pack())));
            } else {
                flipByte(repoDir, first.pack(), first.offset() + first.length() / 2);
            }
            r = TestRepos.restore(repo, s, target);
        }
        assertThat(r.damaged()).isEmpty();
        assertThat(Files.mismatch(file, TestRepos.restored(target, file))).isEqualTo(-1);
    }

    /**
     * Stores the pack holding {@code e} again under another name (16 bytes in front) and
     * indexes that copy, as two backups that raced would have.
     */
    private static void storeSecondCopy(Repository repo, Path repoDir, PackEntry e) throws IOException {
        byte[] pack = Files.readAllBytes(repoDir.resolve(Packs.name(e.pack())));
        byte[] copy = new byte[16 + pack.length];
        System.arraycopy(pack, 0, copy, 16, pack.length);
        Id copyId = Id.sha256(copy);
        repo.store().putIfAbsent(Packs.name(copyId), copy);
        PackEntry moved = new PackEntry(copyId, e.type(), e.id(), e.offset() + 16, e.length(), e.rawLength());
        repo.saveIndex(Map.of(copyId, List.of(moved)));
    }

    @Test
    void manyThreadsStayWithinTheByteBudgetAndRestoreExactly() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Random rnd = new Random(5);
        for (int i = 0; i < 400; i++) {
            byte[] b = new byte[1 + rnd.nextInt(8 * 1024)];
            rnd.nextBytes(b);
            Files.write(src.resolve("f" + i), b);
        }
        int budget = 64 * 1024;
        RestoreEngine engine;
        RestoreResult r;
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            Snapshot s = TestRepos.backup(repo, src);
            engine = new RestoreEngine(repo, new RestoreOptions(tmp.resolve("target"), List.of(), 64), budget);
            r = engine.run(s);
        }
        assertThat(r.damaged()).isEmpty();
        assertThat(TestRepos.describe(TestRepos.restored(tmp.resolve("target"), src))).isEqualTo(TestRepos.describe(src));
        assertThat(engine.peakBytesInFlight()).as("pack bytes held at once").isPositive().isLessThanOrEqualTo(budget);
        assertThat(engine.progress().files.get()).isEqualTo(400);
        assertThat(engine.progress().bytes.get()).isEqualTo(r.bytes()).isEqualTo(engine.progress().bytesTotal);
    }

    @Test
    void blobsLargerThanTheBudgetAreReadOneAtATime() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Path big = Files.write(src.resolve("big.bin"), random(6 << 20, 6));
        Files.write(src.resolve("small.bin"), random(3000, 7));
        int budget = 64 * 1024;
        RestoreEngine engine;
        long largestBlob = 0;
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            Snapshot s = TestRepos.backup(repo, src);
            for (PackEntry e : entries(repo, node(repo, s, big))) {
                largestBlob = Math.max(largestBlob, 2L * e.length() + e.rawLength());
            }
            engine = new RestoreEngine(repo, new RestoreOptions(tmp.resolve("target"), List.of(), 64), budget);
            assertThat(engine.run(s).damaged()).isEmpty();
        }
        assertThat(TestRepos.describe(TestRepos.restored(tmp.resolve("target"), src))).isEqualTo(TestRepos.describe(src));
        assertThat(engine.peakBytesInFlight()).as("a blob over the budget takes all of it: never two at once")
                .isGreaterThan(budget).isLessThanOrEqualTo(largestBlob);
    }

    // ---- helpers -------------------------------------------------------------------

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** The snapshot's node for the backed-up absolute path {@code p}. */
    private static Node node(Repository repo, Snapshot s, Path p) throws IOException {
        Id tree = s.tree();
        Node found = null;
        for (Path part : p.toAbsolutePath()) {
            String name = part.toString();
            found = repo.loadTree(tree).nodes().stream().filter(n -> n.name().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError(name + " not in the snapshot"));
            tree = found.subtree();
        }
        return found;
    }

    private static List<PackEntry> entries(Repository repo, Node file) {
        List<PackEntry> out = new ArrayList<>();
        for (Id c : file.chunks()) {
            out.add(repo.index().get(c));
        }
        return out;
    }

    private static void flipByte(Path repoDir, Id pack, long offset) throws IOException {
        flipByte(repoDir.resolve(Packs.name(pack)), offset);
    }

    private static void flipByte(Path file, long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 0x01);
        }
    }
}
