package io.lifeboat.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.internal.crypto.KdfParams;
import io.lifeboat.core.storage.BlobInfo;
import io.lifeboat.core.storage.HookedBlobStore;
import io.lifeboat.core.storage.local.LocalBlobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryInitTest {
    private static final char[] PASS = "init test".toCharArray();

    @TempDir
    Path tmp;

    private static Repository.InitOptions options() {
        return Repository.InitOptions.defaults("h", "u").withKdf(KdfParams.TESTING);
    }

    @Test
    void initRefusesALocationThatHoldsOtherObjects() throws IOException {
        LocalBlobStore store = LocalBlobStore.create(tmp);
        store.putIfAbsent("notes.txt", new byte[] {1});
        assertThatThrownBy(() -> Repository.init(store, PASS, options()))
                .isInstanceOf(RepositoryExistsException.class).hasMessageContaining("not empty");
        assertThat(store.list("")).extracting(BlobInfo::name).containsExactly("notes.txt");
    }

    @Test
    void aFailedConfigWriteLeavesNoKeySlotBehind() throws IOException {
        // Room for the key slot, not for the config after it.
        LocalBlobStore local = LocalBlobStore.create(tmp);
        HookedBlobStore store = new HookedBlobStore(local);
        store.quota(600);
        assertThatThrownBy(() -> Repository.init(store, PASS, options())).isInstanceOf(IOException.class);
        assertThat(local.list("")).isEmpty();
        assertThat(Files.exists(tmp.resolve("config"))).isFalse();
        // And the location can be initialised afterwards.
        try (Repository repo = Repository.init(LocalBlobStore.create(tmp), PASS, options())) {
            assertThat(repo.keys()).hasSize(1);
        }
    }

    @Test
    void aRetentionLockIsRefusedOnStorageThatCannotHoldOneAndNothingIsWritten() throws IOException {
        LocalBlobStore local = LocalBlobStore.create(tmp.resolve("nolock"));
        HookedBlobStore cannotLock = new HookedBlobStore(local) {
            @Override
            public boolean supportsRetention() {
                return false;
            }
        };
        Repository.InitOptions options = Repository.InitOptions.defaults("h", "u").withKdf(KdfParams.TESTING)
                .withRetentionLock(io.lifeboat.core.retention.Within.parse("30d"));

        assertThatThrownBy(() -> Repository.init(cannotLock, "pw".toCharArray(), options))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot hold retention locks");
        assertThat(local.list("")).isEmpty();
    }

    @Test
    void theLockIsRecordedInTheConfigAndReadBack() throws IOException {
        Path dir = tmp.resolve("locked");
        Repository.InitOptions options = Repository.InitOptions.defaults("h", "u").withKdf(KdfParams.TESTING)
                .withRetentionLock(io.lifeboat.core.retention.Within.parse("1y6m"));
        try (Repository r = Repository.init(LocalBlobStore.create(dir), "pw".toCharArray(), options)) {
            assertThat(r.retainUntil()).isAfter(java.time.Instant.now().plus(java.time.Duration.ofDays(500)));
        }
        try (Repository r = Repository.open(new LocalBlobStore(dir), "pw".toCharArray())) {
            assertThat(r.config().retentionLock()).hasToString("1y6m");
        }
    }
}
