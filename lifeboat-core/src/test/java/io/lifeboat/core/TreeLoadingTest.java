package io.lifeboat.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.internal.crypto.KdfParams;
import io.lifeboat.core.internal.engine.BackupEngine;
import io.lifeboat.core.internal.format.Tree;
import io.lifeboat.core.storage.local.LocalBlobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Walks that read each tree once do not fill the tree cache; other reads do. */
class TreeLoadingTest {
    private static final char[] PASS = "tree loading test".toCharArray();

    @TempDir
    Path tmp;

    @Test
    void loadTreeOnceReadsThroughTheCacheWithoutFillingIt() throws IOException {
        Path src = tmp.resolve("src");
        for (String dir : List.of("a", "b", "c")) {
            Files.createDirectories(src.resolve(dir));
            Files.writeString(src.resolve(dir).resolve("f.txt"), "content of " + dir);
        }
        Snapshot first;
        try (Repository repo = Repository.init(LocalBlobStore.create(tmp.resolve("repo")), PASS,
                Repository.InitOptions.defaults("h", "u").withKdf(KdfParams.TESTING))) {
            first = backup(repo, src);
        }
        try (Repository repo = Repository.open(new LocalBlobStore(tmp.resolve("repo")), PASS)) {
            repo.loadIndexStrict();

            Tree once = repo.loadTreeOnce(first.tree());
            assertThat(repo.cachedTrees()).isZero();

            Tree kept = repo.loadTree(first.tree());
            assertThat(kept.nodes()).isEqualTo(once.nodes());
            assertThat(repo.cachedTrees()).isEqualTo(1);
            assertThat(repo.loadTreeOnce(first.tree())).isSameAs(kept); // a cached copy is used
        }
        try (Repository repo = Repository.open(new LocalBlobStore(tmp.resolve("repo")), PASS)) {
            // An incremental backup compares every directory of src with the parent's once:
            // only the trees it looks src up through are kept (the root's, then one per
            // component of the path, src's own last), not those of a, b and c.
            backup(repo, src);
            assertThat(repo.cachedTrees()).isEqualTo(src.getNameCount() + 1);
        }
    }

    private static Snapshot backup(Repository repo, Path path) throws IOException {
        BackupOptions options = new BackupOptions(List.of(path), null, null, List.of(), new TreeMap<>(), null, null, "h",
                "u", null, 2, Clock.systemUTC());
        return new BackupEngine(repo, options, BackupListener.NONE).run();
    }
}
