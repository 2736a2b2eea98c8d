package io.lifeboat.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.BackupListener;
import io.lifeboat.core.CheckOptions;
import io.lifeboat.core.Repository;
import io.lifeboat.core.RestoreResult;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.storage.fault.FaultInjectingBlobStore;
import io.lifeboat.core.storage.fault.FaultInjectingBlobStore.Faults;
import io.lifeboat.core.storage.local.LocalBlobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engines over a store that fails calls, loses acknowledgements and truncates reads:
 * a failed backup leaves a repository that checks clean and the next one completes;
 * truncated reads are caught by verification and never become wrong bytes.
 */
class FaultInjectionTest {
    @TempDir
    Path tmp;

    private Path source() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Random rnd = new Random(3);
        for (int i = 0; i < 6; i++) {
            byte[] b = new byte[400_000];
            rnd.nextBytes(b);
            Files.write(src.resolve("f" + i + ".bin"), b);
        }
        return src;
    }

    @Test
    void backupsThroughAFlakyStoreFailCleanlyAndTheNextOneCompletes() throws IOException {
        Path src = source();
        Path repoDir = tmp.resolve("repo");
        TestRepos.create(repoDir).close();
        Map<String, String> expected = TestRepos.describe(src);
        int failed = 0;
        Snapshot done = null;
        // Five runs through a bad network, then one through a good one.
        for (long seed = 1; seed <= 6 && done == null; seed++) {
            double rate = seed <= 5 ? 0.2 : 0;
            FaultInjectingBlobStore flaky = new FaultInjectingBlobStore(new LocalBlobStore(repoDir),
                    Faults.none().withErrors(rate).withLostAcks(rate).withSeed(seed));
            try (Repository viaFlaky = Repository.open(flaky, TestRepos.PASSPHRASE)) {
                done = new BackupEngine(viaFlaky, TestRepos.options(List.of(src)), BackupListener.NONE).run();
            } catch (IOException e) {
                failed++;
                assertThat(e).hasMessageContaining("injected fault");
                try (Repository repo = TestRepos.reopen(repoDir)) {
                    assertThat(new CheckEngine(repo, new CheckOptions(true, 100, 2)).run().errors())
                            .as("after a failed backup").isEmpty();
                }
            }
        }
        assertThat(failed).as("the faults did make backups fail").isGreaterThanOrEqualTo(3);
        assertThat(done).as("a backup got through in the end").isNotNull();
        try (Repository repo = TestRepos.reopen(repoDir)) {
            Path target = tmp.resolve("restored");
            assertThat(TestRepos.restore(repo, done, target).damaged()).isEmpty();
            assertThat(TestRepos.describe(TestRepos.restored(target, src))).isEqualTo(expected);
        }
    }

    @Test
    void truncatedReadsAreCaughtAndNeverRestoredAsData() throws IOException {
        Path src = source();
        Path repoDir = tmp.resolve("repo");
        Snapshot s;
        try (Repository repo = TestRepos.create(repoDir)) {
            s = TestRepos.backup(repo, src);
        }
        FaultInjectingBlobStore truncating = new FaultInjectingBlobStore(new LocalBlobStore(repoDir),
                Faults.none().withTruncated(0.3).withSeed(5));
        // Opening reads the config and key slots whole; a short read there fails the open,
        // so the faults start once the repository is open.
        truncating.faults(Faults.none());
        Repository viaTruncating = Repository.open(truncating, TestRepos.PASSPHRASE);
        truncating.faults(Faults.none().withTruncated(0.3).withSeed(5));
        Path target = tmp.resolve("restored");
        RestoreResult r;
        try {
            r = TestRepos.restore(viaTruncating, s, target);
        } catch (IOException e) {
            assertThat(truncating.injected()).isPositive();
            return; // the snapshot's own objects came back short: refused, nothing written as data
        }
        assertThat(truncating.injected()).isPositive();
        Path root = TestRepos.restored(target, src);
        if (!Files.exists(root)) {
            assertThat(r.damaged()).as("a tree came back short: reported, not invented").isNotEmpty();
            return;
        }
        Map<String, String> restored = TestRepos.describe(root);
        Map<String, String> expected = TestRepos.describe(src);
        for (Map.Entry<String, String> e : restored.entrySet()) {
            if (e.getKey().endsWith(".lifeboat-damaged") || !e.getValue().startsWith("file")) {
                continue;
            }
            boolean reported = r.damaged().stream().anyMatch(d -> d.toString().contains(e.getKey()));
            assertThat(reported || e.getValue().equals(expected.get(e.getKey())))
                    .as("%s is either exact or reported damaged", e.getKey()).isTrue();
        }
    }
}
