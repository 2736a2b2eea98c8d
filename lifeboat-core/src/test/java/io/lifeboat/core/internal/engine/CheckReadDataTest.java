package io.lifeboat.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.CheckOptions;
import io.lifeboat.core.CheckReport;
import io.lifeboat.core.Id;
import io.lifeboat.core.Repository;
import io.lifeboat.core.internal.format.BlobType;
import io.lifeboat.core.internal.format.PackEntry;
import io.lifeboat.core.internal.format.Packs;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code check --read-data} reports about one damaged pack, message by message and in
 * order: the pack's hash, its header, then each blob the index lists in it, in index order.
 * The pack is read front to back and each blob verified as its bytes arrive, so the header
 * (at the pack's end) is read last; what is reported must not depend on that.
 */
class CheckReadDataTest {
    @TempDir
    Path tmp;

    private Path repoDir;
    /** The data pack of the backup, and its blobs in index order and in pack order. */
    private Id pack;
    private List<PackEntry> blobs;
    private List<PackEntry> byOffset;

    @BeforeEach
    void backUpSixFilesIntoOnePack() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Random random = new Random(6);
        for (int i = 0; i < 6; i++) {
            byte[] b = new byte[20_000 + 10_000 * i];
            random.nextBytes(b);
            Files.write(src.resolve("f" + i), b);
        }
        repoDir = tmp.resolve("repo");
        try (Repository repo = TestRepos.create(repoDir)) {
            TestRepos.backup(repo, src);
        }
        try (Repository repo = TestRepos.reopen(repoDir)) {
            repo.loadIndexStrict();
            blobs = new ArrayList<>();
            for (PackEntry e : repo.index().allCopies()) {
                if (e.type() == BlobType.DATA) {
                    blobs.add(e);
                }
            }
        }
        pack = blobs.get(0).pack();
        assertThat(blobs).as("one data pack").allMatch(e -> e.pack().equals(pack)).hasSize(6);
        byOffset = blobs.stream().sorted(java.util.Comparator.comparingLong(PackEntry::offset)).toList();
    }

    private CheckReport check() throws IOException {
        try (Repository repo = TestRepos.reopen(repoDir)) {
            return new CheckEngine(repo, new CheckOptions(true, 100, 2)).run();
        }
    }

    private Path packFile() {
        return repoDir.resolve(Packs.name(pack));
    }

    private String name() {
        return Packs.name(pack);
    }

    @Test
    void anIntactRepositoryHasNothingToReport() throws IOException {
        CheckReport report = check();

        assertThat(report.errors()).isEmpty();
        assertThat(report.packsRead()).isEqualTo(report.packs());
    }

    @Test
    void aFlippedByteIsReportedAfterThePacksHashThoughFoundBeforeIt() throws IOException {
        PackEntry victim = blobs.get(2);
        try (RandomAccessFile f = new RandomAccessFile(packFile().toFile(), "rw")) {
            long at = victim.offset() + victim.length() / 2;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x40);
        }

        CheckReport report = check();

        assertThat(report.errors()).containsExactly(
                name() + ": content does not match its name (damaged)",
                name() + ": blob " + victim.id().shortHex() + " fails authentication (damaged)");
        assertThat(report.damagedFiles()).hasSize(1);
    }

    @Test
    void aTruncatedPackCostsTheBlobsPastTheCutAndTheOthersStillVerify() throws IOException {
        PackEntry cutInside = byOffset.get(3);
        long cut = cutInside.offset() + cutInside.length() / 2;
        try (RandomAccessFile f = new RandomAccessFile(packFile().toFile(), "rw")) {
            f.setLength(cut);
        }
        long end = blobs.stream().mapToLong(PackEntry::end).max().orElseThrow();

        CheckReport report = check();

        List<String> expected = new ArrayList<>(List.of(
                name() + ": truncated (" + cut + " bytes; its blobs alone need " + end + ")",
                name() + ": content does not match its name (damaged)",
                name() + ": pack trailer magic missing (truncated or not a pack)"));
        for (PackEntry e : blobs) {
            if (e.end() > cut) {
                expected.add(name() + ": blob " + e.id().shortHex() + " runs past the end of the pack (truncated)");
            }
        }
        assertThat(expected).hasSize(6);
        assertThat(report.errors()).containsExactlyElementsOf(expected);
        assertThat(report.damagedFiles()).hasSize(3);
    }

    /**
     * A blob that a readable header does not list is reported as such, whatever reading it
     * found; here it spans two real blobs, ends where the second does and is listed after
     * every real blob.
     */
    @Test
    void aBlobTheHeaderDoesNotListIsReportedAsSuchOnly() throws IOException {
        PackEntry first = byOffset.get(4);
        PackEntry second = byOffset.get(5);
        Id madeUp = Id.sha256(new byte[] {1, 2, 3});
        PackEntry listed = new PackEntry(pack, BlobType.DATA, madeUp, first.offset(), first.length() + second.length(),
                first.rawLength() + second.rawLength());
        try (Repository repo = TestRepos.reopen(repoDir)) {
            repo.saveIndex(Map.of(pack, List.of(listed)));
        }

        CheckReport report = check();

        assertThat(report.errors()).containsExactly(
                name() + ": blob " + madeUp.shortHex() + " is in the index but not in the pack's header");
        assertThat(report.damagedFiles()).isEmpty();
    }
}
