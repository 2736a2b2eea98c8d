package io.lifeboat.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.Repository;
import io.lifeboat.core.RestoreOptions;
import io.lifeboat.core.RestoreResult;
import io.lifeboat.core.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restore never writes, deletes or changes anything outside its target, whatever the target already holds. */
class RestoreSafetyTest {
    @TempDir
    Path tmp;

    /** A source tree: src/d (mode 0751) holding f (mode 0600) and sub/g; src/top.txt. */
    private Path source() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Path d = Files.createDirectories(src.resolve("d/sub"));
        Files.writeString(d.resolve("g"), "g content\n");
        Path f = Files.writeString(src.resolve("d/f"), "f content\n");
        Files.setAttribute(f, "unix:mode", 0600);
        Files.setAttribute(src.resolve("d"), "unix:mode", 0751);
        Files.writeString(src.resolve("top.txt"), "top\n");
        return src;
    }

    /** A directory outside the target, with one file, mode 0700; returns its description. */
    private Path outside() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(out.resolve("precious"), "not yours\n");
        Files.setAttribute(out, "unix:mode", 0700);
        return out;
    }

    /**
     * As root, every entry gets its owner and group back, whether or not they are root's,
     * in a directory restore created and in the existing target itself (a set-group-id
     * directory of another group, where new files would inherit that group).
     */
    @Test
    void asRootOwnersAndGroupsComeBackWhateverTheyWere() throws IOException {
        Assumptions.assumeTrue(Attrs.currentUid() == 0, "needs root to give files away");
        Path src = Files.createDirectories(tmp.resolve("owned"));
        Path sub = Files.createDirectories(src.resolve("sub"));
        Map<String, int[]> owners = Map.of("mine", new int[] {0, 0}, "theirs", new int[] {1234, 5678},
                "group-only", new int[] {0, 5678}, "sub/mine", new int[] {0, 0}, "sub/theirs", new int[] {4321, 8765});
        for (var e : owners.entrySet()) {
            Path f = Files.writeString(src.resolve(e.getKey()), e.getKey());
            Files.setAttribute(f, "unix:uid", e.getValue()[0]);
            Files.setAttribute(f, "unix:gid", e.getValue()[1]);
        }
        Files.setAttribute(sub, "unix:gid", 5678);
        Path target = Files.createDirectories(tmp.resolve("target"));
        Files.setAttribute(target, "unix:gid", 999);
        Files.setAttribute(target, "unix:mode", 02775); // new entries here would get group 999

        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            RestoreResult r = TestRepos.restore(repo, TestRepos.backup(repo, src), target);
            assertThat(r.damaged()).isEmpty();
        }
        Path back = TestRepos.restored(target, src);
        for (var e : owners.entrySet()) {
            Path f = back.resolve(e.getKey());
            assertThat((int) Files.getAttribute(f, "unix:uid", LinkOption.NOFOLLOW_LINKS)).as(e.getKey()).isEqualTo(e.getValue()[0]);
            assertThat((int) Files.getAttribute(f, "unix:gid", LinkOption.NOFOLLOW_LINKS)).as(e.getKey()).isEqualTo(e.getValue()[1]);
        }
        assertThat((int) Files.getAttribute(back.resolve("sub"), "unix:gid")).isEqualTo(5678);
    }

    /**
     * Someone swaps a restored file for a link to a file outside the target between the
     * content and the metadata phase: restore must not change that file's mode (the JDK's
     * no-follow chmod follows links), and reports the swap.
     */
    @Test
    void aFileSwappedForALinkBeforeItsMetadataIsLeftAloneAndItsTargetUntouched() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("swap"));
        Path secret = Files.writeString(src.resolve("secret.key"), "private\n");
        Files.setAttribute(secret, "unix:mode", 0644); // restore will want 0644
        Path victim = Files.writeString(tmp.resolve("shadow"), "root:x:0\n");
        Files.setAttribute(victim, "unix:mode", 0600);
        Path target = tmp.resolve("target");
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            Snapshot s = TestRepos.backup(repo, src);
            Path restoredSecret = TestRepos.restored(target, src).resolve("secret.key");
            RestoreResult r = new RestoreEngine(repo, new RestoreOptions(target, List.of(), 2)).beforeMetadata(() -> {
                try {
                    Files.delete(restoredSecret);
                    Files.createSymbolicLink(restoredSecret, victim);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).run(s);
            assertThat(r.conflicts()).extracting(RestoreResult.Conflict::path).contains(restoredSecret.toString());
        }
        assertThat((int) Files.getAttribute(victim, "unix:mode") & 07777).as("the link's target keeps its mode").isEqualTo(0600);
        assertThat(victim).hasContent("root:x:0");
    }

    @Test
    void aSymlinkWhereTheSnapshotHasADirectoryIsReplacedNotFollowed() throws IOException {
        Path src = source();
        Path outside = outside();
        Map<String, String> outsideBefore = TestRepos.describe(outside);
        Path target = tmp.resolve("target");
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            Snapshot s = TestRepos.backup(repo, src);
            Path restoredSrc = TestRepos.restored(target, src);
            Files.createDirectories(restoredSrc);
            Files.createSymbolicLink(restoredSrc.resolve("d"), outside);

            RestoreResult r = TestRepos.restore(repo, s, target);

            assertThat(r.damaged()).isEmpty();
        }
        assertThat(TestRepos.describe(outside)).as("nothing outside the target changes").isEqualTo(outsideBefore);
        Path d = TestRepos.restored(target, src).resolve("d");
        assertThat(Files.isSymbolicLink(d)).isFalse();
        assertThat(d).isDirectory();
        assertThat(TestRepos.describe(d)).isEqualTo(TestRepos.describe(src.resolve("d")));
    }

    @Test
    void aSymlinkHigherUpThePathIsReplacedNotFollowed() throws IOException {
        Path src = source();
        Path outside = outside();
        Map<String, String> outsideBefore = TestRepos.describe(outside);
        Path target = Files.createDirectories(tmp.resolve("target"));
        // The snapshot's first path component (e.g. "tmp") is a link out of the target.
        String first = src.toAbsolutePath().getName(0).toString();
        Files.createSymbolicLink(target.resolve(first), outside);
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            Snapshot s = TestRepos.backup(repo, src);
            assertThat(TestRepos.restore(repo, s, target).damaged()).isEmpty();
        }
        assertThat(TestRepos.describe(outside)).isEqualTo(outsideBefore);
        assertThat(Files.isSymbolicLink(target.resolve(first))).isFalse();
        assertThat(TestRepos.describe(TestRepos.restored(target, src))).isEqualTo(TestRepos.describe(src));
    }

    @Test
    void aSymlinkWhereTheSnapshotHasAFileIsReplacedAndItsDestinationKept() throws IOException {
        Path src = source();
        Path outside = outside();
        Map<String, String> outsideBefore = TestRepos.describe(outside);
        Path target = tmp.resolve("target");
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            Snapshot s = TestRepos.backup(repo, src);
            Path f = TestRepos.restored(target, src).resolve("d/f");
            Files.createDirectories(f.getParent());
            Files.createSymbolicLink(f, outside.resolve("precious"));
            assertThat(TestRepos.restore(repo, s, target).damaged()).isEmpty();
        }
        assertThat(TestRepos.describe(outside)).isEqualTo(outsideBefore);
        Path f = TestRepos.restored(target, src).resolve("d/f");
        assertThat(Files.isSymbolicLink(f)).isFalse();
        assertThat(TestRepos.describe(f)).isEqualTo(TestRepos.describe(src.resolve("d/f")));
    }

    @Test
    void theTargetItselfMayBeASymlinkTheUserChose() throws IOException {
        Path src = source();
        Path real = Files.createDirectories(tmp.resolve("real-target"));
        Path target = Files.createSymbolicLink(tmp.resolve("target-link"), real);
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            Snapshot s = TestRepos.backup(repo, src);
            assertThat(TestRepos.restore(repo, s, target).damaged()).isEmpty();
        }
        assertThat(Files.isSymbolicLink(target)).isTrue();
        assertThat(TestRepos.describe(TestRepos.restored(real, src))).isEqualTo(TestRepos.describe(src));
    }

    @Test
    void anExistingRealDirectoryIsReusedAndItsOtherEntriesKept() throws IOException {
        Path src = source();
        Path target = tmp.resolve("target");
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            Snapshot s = TestRepos.backup(repo, src);
            Path d = Files.createDirectories(TestRepos.restored(target, src).resolve("d"));
            Files.writeString(d.resolve("unrelated"), "keep me\n");
            assertThat(TestRepos.restore(repo, s, target).damaged()).isEmpty();
            assertThat(d.resolve("unrelated")).hasContent("keep me");
            assertThat(d.resolve("f")).hasContent("f content");
            assertThat(Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)).isTrue();
            assertThat(Files.getAttribute(d, "unix:mode")).as("a directory restore did not create keeps its mode")
                    .isEqualTo(040755);
        }
    }

    /**
     * A file whose hidden partial cannot be created (a non-empty directory holds its name)
     * is a conflict, found by the write that would create it: nothing of it is written,
     * the directory is left alone, and every other file is restored with its metadata.
     */
    @Test
    void aFileThatCannotBeCreatedIsAConflictAndTheOthersAreRestored() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("blocked"), "blocked\n");
        Files.writeString(src.resolve("empty"), "");
        Path ok = Files.writeString(src.resolve("ok"), "ok\n");
        Files.setAttribute(ok, "unix:mode", 0640);
        Path target = tmp.resolve("target");
        Path out = TestRepos.restored(target, src);
        RestoreResult r;
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            Snapshot s = TestRepos.backup(repo, src);
            Path squatter = Files.createDirectories(out.resolve("." + "blocked" + RestoreEngine.PARTIAL_SUFFIX));
            Files.writeString(squatter.resolve("keep"), "someone's work\n");
            r = TestRepos.restore(repo, s, target);
        }
        assertThat(r.conflicts()).singleElement().satisfies(c -> {
            assertThat(c.path()).isEqualTo(out.resolve("blocked").toString());
            assertThat(c.reason()).startsWith("cannot restore here");
        });
        assertThat(r.damaged()).isEmpty();
        assertThat(r.files()).isEqualTo(3);
        assertThat(r.filesRestored()).isEqualTo(2);
        assertThat(out.resolve("blocked")).doesNotExist();
        assertThat(out.resolve("." + "blocked" + RestoreEngine.PARTIAL_SUFFIX + "/keep")).hasContent("someone's work");
        assertThat(out.resolve("ok")).hasContent("ok");
        assertThat(Files.getAttribute(out.resolve("ok"), "unix:mode")).isEqualTo(0100640);
        assertThat(out.resolve("empty")).isEmptyFile();
        try (var entries = Files.list(out)) {
            assertThat(entries.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("empty", "ok", "." + "blocked" + RestoreEngine.PARTIAL_SUFFIX);
        }
    }

    @Test
    void typeConflictsAreResolvedAndANonEmptyDirectoryInTheWayIsReportedAndLeftAlone() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.createDirectories(src.resolve("a"));
        Files.writeString(src.resolve("a/x"), "x\n");
        Files.writeString(src.resolve("b"), "b\n");
        Files.createSymbolicLink(src.resolve("c"), Path.of("b"));
        Files.writeString(src.resolve("e"), "e\n");
        Files.createSymbolicLink(src.resolve("h"), Path.of("a"));
        Path target = tmp.resolve("target");
        Path out = TestRepos.restored(target, src);
        RestoreResult r;
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            Snapshot s = TestRepos.backup(repo, src);
            Files.createDirectories(out);
            Files.writeString(out.resolve("a"), "a file where the snapshot has a directory\n");
            Files.createDirectories(out.resolve("b")); // empty directory where the snapshot has a file
            Files.createDirectories(out.resolve("c")); // empty directory where the snapshot has a symlink
            Files.createDirectories(out.resolve("e"));
            Files.writeString(out.resolve("e/keep"), "someone's work\n");
            Files.createDirectories(out.resolve("h"));
            Files.writeString(out.resolve("h/keep"), "more work\n");

            r = TestRepos.restore(repo, s, target);
        }
        assertThat(out.resolve("a")).isDirectory();
        assertThat(out.resolve("a/x")).hasContent("x");
        assertThat(out.resolve("b")).isRegularFile().hasContent("b");
        assertThat(Files.readSymbolicLink(out.resolve("c"))).isEqualTo(Path.of("b"));
        assertThat(out.resolve("e/keep")).hasContent("someone's work");
        assertThat(out.resolve("h/keep")).hasContent("more work");
        assertThat(Files.isSymbolicLink(out.resolve("h"))).isFalse();

        assertThat(r.damaged()).isEmpty();
        assertThat(r.conflicts()).extracting(RestoreResult.Conflict::path)
                .containsExactly(out.resolve("e").toString(), out.resolve("h").toString());
        assertThat(r.conflicts()).allSatisfy(c -> assertThat(c.reason()).contains("non-empty directory"));
        assertThat(r.files()).isEqualTo(3); // a/x, b, e
        assertThat(r.filesRestored()).isEqualTo(2);
        assertThat(r.symlinks()).isEqualTo(1); // c; h is in conflict
    }
}
