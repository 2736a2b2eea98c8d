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

    /**
     * A locked key slot left by an init that lost a race (same passphrase, another master
     * key) is never the one that opens the repository: each slot names its repository.
     */
    @Test
    void aSlotMadeForAnotherRepositoryNeverOpensThisOne() throws IOException {
        Path dir = tmp.resolve("raced");
        char[] pass = "same passphrase".toCharArray();
        Id saved;
        try (Repository r = Repository.init(LocalBlobStore.create(dir), pass,
                Repository.InitOptions.defaults("h", "u").withKdf(KdfParams.TESTING))) {
            saved = r.saveObject(Repository.INDEX, new byte[] {1, 2, 3});
        }
        LocalBlobStore store = new LocalBlobStore(dir);
        for (int i = 0; i < 8; i++) {
            io.lifeboat.core.internal.crypto.KeySlot loser = io.lifeboat.core.internal.crypto.KeySlot.create(pass,
                    io.lifeboat.core.internal.crypto.MasterKey.generate(new java.security.SecureRandom()), KdfParams.TESTING,
                    "h", "u", java.time.Clock.systemUTC()).forRepository("another repository " + i);
            byte[] json = loser.toJson();
            store.putIfAbsent(Repository.KEYS + "/" + Id.sha256(json).hex(), json);
        }
        try (Repository r = Repository.open(store, pass)) {
            assertThat(r.loadObject(Repository.INDEX, saved)).containsExactly(1, 2, 3);
        }
    }
}
