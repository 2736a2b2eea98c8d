package io.lifeboat.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class BackupOptionsTest {
    @Test
    void theDefaultThreadCountFollowsTheCoresButIsCapped() {
        assertThat(BackupOptions.defaultThreads(1)).isEqualTo(2);
        assertThat(BackupOptions.defaultThreads(6)).isEqualTo(6);
        assertThat(BackupOptions.defaultThreads(8)).isEqualTo(8);
        assertThat(BackupOptions.defaultThreads(64)).as("a 64-core machine").isEqualTo(BackupOptions.MAX_DEFAULT_THREADS);
        assertThat(BackupOptions.defaultThreads()).isBetween(2, BackupOptions.MAX_DEFAULT_THREADS);
    }

    @Test
    void anExplicitThreadCountMayExceedTheDefaultCapButNotGoBelowOne() {
        assertThat(options(32).threads()).isEqualTo(32);
        assertThatThrownBy(() -> options(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threads");
    }

    private static BackupOptions options(int threads) {
        return new BackupOptions(List.of(Path.of("/tmp")), null, null, List.of(), new TreeMap<>(), null, null, "h", "u",
                null, threads, Clock.systemUTC());
    }
}
