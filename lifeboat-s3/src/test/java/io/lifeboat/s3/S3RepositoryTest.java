package io.lifeboat.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.BackupListener;
import io.lifeboat.core.BackupOptions;
import io.lifeboat.core.Repository;
import io.lifeboat.core.RestoreOptions;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.internal.crypto.KdfParams;
import io.lifeboat.core.internal.engine.BackupEngine;
import io.lifeboat.core.internal.engine.RestoreEngine;
import io.lifeboat.core.retention.Within;
import io.lifeboat.core.storage.BlobInfo;
import io.lifeboat.core.storage.BlobStore;
import io.lifeboat.core.storage.BlobStores;
import io.lifeboat.core.storage.ObjectLockedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole repository on S3: init, backup (packs big enough for multipart), reopen, restore; and a locked one. */
class S3RepositoryTest {
    private static final char[] PASSPHRASE = "s3 repository test".toCharArray();

    @TempDir
    Path tmp;

    private static Repository.InitOptions init() {
        return Repository.InitOptions.defaults("test-host", "tester").withKdf(KdfParams.TESTING);
    }

    private Snapshot backup(Repository repo, Path source) throws Exception {
        return new BackupEngine(repo, new BackupOptions(List.of(source), null, null, List.of(), new TreeMap<>(), null, null,
                "test-host", "tester", null, 2, Clock.systemUTC()), BackupListener.NONE).run();
    }

    private Path source() throws Exception {
        Path source = Files.createDirectories(tmp.resolve("source"));
        byte[] model = new byte[24 << 20]; // incompressible: fills more than one 16 MiB pack
        new Random(11).nextBytes(model);
        Files.write(source.resolve("model.bin"), model);
        Files.writeString(source.resolve("config.yaml"), "learning_rate: 0.001\n");
        return source;
    }

    @Test
    void aRepositoryBacksUpAndRestoresOnS3() throws Exception {
        Path source = source();
        try (S3ProxyServer server = S3ProxyServer.start()) {
            String url = server.newRepositoryUrl();
            Snapshot snapshot;
            try (BlobStore store = BlobStores.open(url, server.env(), Map.of(), true, false);
                 Repository repo = Repository.init(store, PASSPHRASE, init())) {
                snapshot = backup(repo, source);
            }
            try (BlobStore store = BlobStores.open(url, server.env(), Map.of(), false, false);
                 Repository repo = Repository.open(store, PASSPHRASE)) {
                repo.loadIndex();
                assertThat(repo.snapshots()).extracting(Snapshot::id).containsExactly(snapshot.id());
                assertThat(store.list("data/")).anySatisfy(b -> assertThat(b.size()).isGreaterThan(8 << 20));
                new RestoreEngine(repo, new RestoreOptions(tmp.resolve("restored"), List.of(), 4)).run(snapshot);
            }
        }
        Path restored = tmp.resolve("restored").resolve(source.toAbsolutePath().toString().substring(1));
        assertThat(restored.resolve("model.bin")).hasSameBinaryContentAs(source.resolve("model.bin"));
        assertThat(restored.resolve("config.yaml")).hasSameTextualContentAs(source.resolve("config.yaml"));
    }

    @Test
    void aRetentionLockedRepositoryLocksItsObjectsInS3() throws Exception {
        S3MockServer server = S3MockServer.shared();
        String url = "s3://" + S3ProxyServer.newBucketName() + "/locked";
        Path source = Files.createDirectories(tmp.resolve("small"));
        Files.writeString(source.resolve("weights.txt"), "0.1 0.2 0.3\n");
        try (BlobStore store = BlobStores.open(url, server.env(), Map.of(), true, true);
             Repository repo = Repository.init(store, PASSPHRASE, init().withRetentionLock(Within.parse("30d")))) {
            backup(repo, source);

            Instant soon = Instant.now().plus(Duration.ofDays(29));
            assertThat(store.stat("config").retainUntil()).isAfter(Instant.now().plus(Duration.ofDays(365 * 99)));
            List<BlobInfo> all = store.list("");
            assertThat(all).filteredOn(b -> !b.name().startsWith("locks/") && !b.name().startsWith("sessions/"))
                    .isNotEmpty()
                    .allSatisfy(b -> assertThat(b.retainUntil()).as(b.name()).isAfter(soon));
            BlobInfo snapshot = store.list("snapshots/").get(0);
            assertThatThrownBy(() -> store.delete(snapshot.name())).isInstanceOf(ObjectLockedException.class);
            assertThatThrownBy(() -> store.delete("config")).isInstanceOf(ObjectLockedException.class);
        }
    }
}
