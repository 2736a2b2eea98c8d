package io.lifeboat.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.CheckOptions;
import io.lifeboat.core.CheckReport;
import io.lifeboat.core.Repository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ByteBudgetTest {
    @TempDir
    Path tmp;

    @Test
    void aRequestLargerThanTheBudgetTakesItAllAndNoMore() throws Exception {
        ByteBudget budget = new ByteBudget(100);
        int big = budget.take(1_000);
        assertThat(big).isEqualTo(100);
        budget.give(big);
        int a = budget.take(60);
        int b = budget.take(40);
        assertThat(a + b).isEqualTo(100);
        budget.give(a);
        budget.give(b);
    }

    @Test
    void checkWithManyThreadsAndATinyBudgetReadsEverythingCorrectly() throws Exception {
        try (Repository repo = repoOfEightPacks()) {
            CheckReport report = new CheckEngine(repo, new CheckOptions(true, 100, 64), new ByteBudget(64 * 1024), 64).run();
            assertThat(report.errors()).isEmpty();
            assertThat(report.packsRead()).isGreaterThanOrEqualTo(8);
        }
    }

    /** Readers beyond the cores wait with their pack opened: no more packs are verified at once than there are cores. */
    @Test
    void checkVerifiesNoMorePacksAtOnceThanItHasCores() throws Exception {
        try (Repository repo = repoOfEightPacks()) {
            CheckEngine check = new CheckEngine(repo, new CheckOptions(true, 100, 8), new ByteBudget(64 << 20), 2);
            CheckReport report = check.run();
            assertThat(report.errors()).isEmpty();
            assertThat(report.packsRead()).isGreaterThanOrEqualTo(8);
            assertThat(check.peakVerifying()).isBetween(1, 2);
        }
    }

    private Repository repoOfEightPacks() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Random random = new Random(5);
        for (int i = 0; i < 8; i++) {
            byte[] b = new byte[1 << 20];
            random.nextBytes(b);
            Files.write(src.resolve("f" + i), b);
        }
        Repository.InitOptions small = Repository.InitOptions.defaults("h", "u")
                .withKdf(io.lifeboat.core.internal.crypto.KdfParams.TESTING).withPackSize(1 << 20);
        Repository repo = Repository.init(io.lifeboat.core.storage.local.LocalBlobStore.create(tmp.resolve("repo")),
                TestRepos.PASSPHRASE, small);
        TestRepos.backup(repo, src);
        return repo;
    }
}
