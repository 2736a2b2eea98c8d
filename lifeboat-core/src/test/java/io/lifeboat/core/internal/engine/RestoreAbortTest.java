package io.lifeboat.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.Repository;
import io.lifeboat.core.RestoreOptions;
import io.lifeboat.core.RestoreResult;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.storage.HookedBlobStore;
import io.lifeboat.core.storage.local.LocalBlobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A restore that cannot finish leaves nothing that looks restored, and never costs a good file. */
class RestoreAbortTest {
    @TempDir
    Path tmp;

    private Path source() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Random random = new Random(4);
        for (int i = 0; i < 20; i++) {
            byte[] b = new byte[200_000];
            random.nextBytes(b);
            Files.write(src.resolve("f" + i), b);
        }
        return src;
    }

    private static List<Path> files(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void aRestoreThatFailsMidwayLeavesNoPartialAndNoHalfWrittenFileUnderItsName() throws IOException {
        Path src = source();
        Snapshot s;
        Repository.InitOptions smallPacks = Repository.InitOptions.defaults("h", "u")
                .withKdf(io.lifeboat.core.internal.crypto.KdfParams.TESTING).withPackSize(1 << 20);
        try (Repository repo = Repository.init(LocalBlobStore.create(tmp.resolve("repo")), TestRepos.PASSPHRASE,
                smallPacks)) {
            s = TestRepos.backup(repo, src);
        }
        Path target = tmp.resolve("target");
        // The index and the trees are loaded (and cached) first; then the second pack read fails.
        HookedBlobStore store = new HookedBlobStore(new LocalBlobStore(tmp.resolve("repo")));
        try (Repository repo = Repository.open(store, TestRepos.PASSPHRASE)) {
            repo.loadIndexStrict();
            repo.loadTree(s.tree());
            store.failReadsAfter(1);
            assertThatThrownBy(() -> new RestoreEngine(repo, new RestoreOptions(target, List.of(), 2)).run(s))
                    .isInstanceOf(IOException.class).hasMessageContaining("injected");
        }
        for (Path f : files(target)) {
            assertThat(f.getFileName().toString()).doesNotEndWith(RestoreEngine.PARTIAL_SUFFIX);
            Path original = src.resolve(f.getFileName().toString());
            assertThat(Files.readAllBytes(f)).as("a file under its own name is complete: %s", f)
                    .isEqualTo(Files.readAllBytes(original));
        }
    }

    @Test
    void anIntactFileInTheTargetSurvivesWhenItsRestoredVersionIsDamaged() throws IOException {
        Path src = source();
        Path target = tmp.resolve("target");
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            Snapshot s = TestRepos.backup(repo, src);
            assertThat(TestRepos.restore(repo, s, target).damaged()).isEmpty();
            // Damage every pack: nothing can be restored this time.
            for (Path pack : files(tmp.resolve("repo/data"))) {
                byte[] b = Files.readAllBytes(pack);
                b[b.length / 3] ^= 1;
                Files.write(pack, b);
            }
            RestoreResult r = TestRepos.restore(repo, s, target);
            assertThat(r.damaged()).isNotEmpty();
        }
        Path restored = TestRepos.restored(target, src);
        for (int i = 0; i < 20; i++) {
            Path f = restored.resolve("f" + i);
            assertThat(Files.readAllBytes(f)).as("the good copy from the first restore is still there")
                    .isEqualTo(Files.readAllBytes(src.resolve("f" + i)));
        }
        try (Stream<Path> s = Files.list(restored)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(RestoreEngine.PARTIAL_SUFFIX));
        }
    }

    @Test
    void veryLongNamesGetAShortPartialName() {
        String longName = "x".repeat(250);
        assertThat(RestoreEngine.partialName(longName).getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(255);
        assertThat(RestoreEngine.partialName("model.bin")).isEqualTo(".model.bin" + RestoreEngine.PARTIAL_SUFFIX);
    }
}
