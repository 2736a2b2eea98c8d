package io.lifeboat.dr.replicate;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.azure.AzuriteServer;
import io.lifeboat.catalog.ModelRegistry;
import io.lifeboat.catalog.RegistryView;
import io.lifeboat.core.Repository;
import io.lifeboat.core.storage.BlobStore;
import io.lifeboat.core.storage.BlobStores;
import io.lifeboat.s3.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replication between real backends: local disk to S3 (S3Proxy), S3 to Azure Blob
 * (Azurite), Azure back to local disk. At every hop the replica is an exact mirror that
 * opens with the source's passphrase, restores every snapshot exactly, carries the model
 * registry and hides the forgotten snapshot, and passes the keyless check of every byte.
 */
class CrossBackendReplicationTest {
    private static S3ProxyServer s3;
    private static AzuriteServer azure;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startServers() throws Exception {
        s3 = S3ProxyServer.start();
        azure = AzuriteServer.shared();
    }

    @AfterAll
    static void stopServers() {
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void fileToS3ToAzureAndBackGivesRepositoriesThatRestoreEverySnapshotExactly() throws Exception {
        try (BlobStore file = Stores.local(tmp.resolve("source"));
             BlobStore bucket = BlobStores.open(s3.newRepositoryUrl(), s3.env(), Map.of(), true, false);
             BlobStore container = BlobStores.open("azure://c" + UUID.randomUUID().toString().replace("-", "")
                     .substring(0, 20) + "/repo", azure.env(), Map.of(), true, false);
             BlobStore back = Stores.local(tmp.resolve("back"))) {
            Sample sample = Sample.create(file, Files.createDirectories(tmp.resolve("work")));
            List<BlobStore> chain = List.of(file, bucket, container, back);

            for (int hop = 1; hop < chain.size(); hop++) {
                Replicator.Result r = replicate(chain.get(hop - 1), chain.get(hop));
                assertThat(r.created()).isTrue();
                assertReplica(sample, file, chain.get(hop));
            }

            sample.addBackup();
            for (int hop = 1; hop < chain.size(); hop++) {
                Replicator.Lag lag = Replicator.lag(chain.get(hop - 1), chain.get(hop));
                Replicator.Result r = replicate(chain.get(hop - 1), chain.get(hop));
                assertThat(r.totalCopied()).as("hop %d copies what lag said it lacked", hop).isEqualTo(lag.total());
                assertThat(r.copied().get("snapshots").objects()).isEqualTo(1);
                assertThat(r.totalPresent().objects()).isPositive();
                assertReplica(sample, file, chain.get(hop));
                assertThat(Replicator.lag(chain.get(hop - 1), chain.get(hop)).upToDate()).isTrue();
            }
        }
    }

    private static Replicator.Result replicate(BlobStore from, BlobStore to) throws Exception {
        return new Replicator(from, to, Replicator.Options.defaults(), Replicator.Listener.NONE).run();
    }

    private void assertReplica(Sample sample, BlobStore original, BlobStore replica) throws Exception {
        String where = replica.describe();
        assertThat(Sample.replicated(replica)).as("%s mirrors the source", where).isEqualTo(Sample.replicated(original));
        assertThat(Sample.config(replica)).isEqualTo(Sample.config(original));
        assertThat(Sample.keylessCheck(replica).errors()).as("keyless check of %s", where).isEmpty();
        int snapshots = sample.assertRestoresExactly(replica, Files.createTempDirectory(tmp, "restore-"));
        assertThat(snapshots).as("%s lists every live snapshot", where).isEqualTo(sample.backups.size() - 1);
        try (Repository repo = Repository.open(replica, Sample.PASS)) {
            RegistryView view = new ModelRegistry(repo, Clock.systemUTC(), "reader@replica").view();
            assertThat(view.problems()).isEmpty();
            RegistryView.Model fraud = view.model("fraud");
            assertThat(new ArrayList<>(fraud.versions().keySet())).containsExactly(1);
            assertThat(fraud.aliases()).containsEntry("production", 1);
        }
    }
}
