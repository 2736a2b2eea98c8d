package io.lifeboat.azure;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.AccessTier;
import io.lifeboat.core.RepositoryNotFoundException;
import io.lifeboat.core.storage.BlobInfo;
import io.lifeboat.core.storage.BlobStore;
import io.lifeboat.core.storage.BlobStoreContractTest;
import io.lifeboat.core.storage.BlobStores;
import io.lifeboat.core.storage.StoreLocation;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the Azure store adds to the contract: opening by URL, containers, prefixes, blocks and access tiers. */
class AzureBlobStoreTest {
    private static AzuriteServer azurite;
    private static BlobServiceClient admin;

    @BeforeAll
    static void startAzurite() throws Exception {
        azurite = AzuriteServer.shared();
        admin = new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient();
    }

    @Test
    void theProviderIsFoundByItsScheme() throws Exception {
        String container = AzureTests.freshContainer();
        try (BlobStore store = BlobStores.open("azure://" + container + "/team/models", azurite.env(), Map.of(), true,
                false)) {
            assertThat(store).isInstanceOf(AzureBlobStore.class);
            assertThat(store.describe()).isEqualTo("azure://lifeboat/" + container + "/team/models");
            store.putIfAbsent("config", bytes("c"));
        }
        assertThat(admin.getBlobContainerClient(container).getBlobClient("team/models/config").exists()).isTrue();
    }

    @Test
    void aMissingContainerIsNoRepositoryUnlessCreated() throws Exception {
        String container = AzureTests.freshContainer();
        StoreLocation location = AzureTests.location(azurite, container, "");

        assertThatThrownBy(() -> AzureBlobStore.builder(location).open())
                .isInstanceOf(RepositoryNotFoundException.class)
                .hasMessageContaining("azure://lifeboat/" + container)
                .hasMessageContaining("does not exist");
        assertThat(admin.getBlobContainerClient(container).exists()).isFalse();

        AzureBlobStore.builder(location).create(true).open().close();
        assertThat(admin.getBlobContainerClient(container).exists()).isTrue();
        AzureBlobStore.builder(location).create(true).open().close(); // an existing container is fine
        AzureBlobStore.builder(location).open().close();
    }

    @Test
    void repositoriesUnderDifferentPrefixesOfOneContainerDoNotSeeEachOther() throws Exception {
        String container = AzureTests.freshContainer();
        try (BlobStore a = AzureBlobStore.builder(AzureTests.location(azurite, container, "a")).create(true).open();
             BlobStore ab = AzureBlobStore.builder(AzureTests.location(azurite, container, "a/b")).open();
             BlobStore whole = AzureBlobStore.builder(AzureTests.location(azurite, container, "")).open()) {
            a.putIfAbsent("config", bytes("a"));
            ab.putIfAbsent("config", bytes("ab"));

            assertThat(ab.list("")).containsExactly(new BlobInfo("config", 2));
            assertThat(a.get("config")).isEqualTo(bytes("a"));
            assertThat(a.list("").stream().map(BlobInfo::name)).containsExactlyInAnyOrder("config", "b/config");
            assertThat(whole.list("").stream().map(BlobInfo::name)).containsExactlyInAnyOrder("a/config", "a/b/config");
        }
    }

    @Test
    void namesThatAreNotBlobNamesAreNotListed() throws Exception {
        String container = AzureTests.freshContainer();
        try (BlobStore store = AzureBlobStore.builder(AzureTests.location(azurite, container, "r")).create(true).open()) {
            store.putIfAbsent("config", bytes("c"));
            admin.getBlobContainerClient(container).getBlobClient("r/Foreign File.txt").upload(
                    com.azure.core.util.BinaryData.fromString("x"));

            assertThat(store.list("")).containsExactly(new BlobInfo("config", 1));
        }
    }

    @Test
    void racingPutsOfALargeBlobCommitItExactlyOnce() throws Exception {
        byte[] data = new byte[(9 << 20) + 123];
        new Random(9).nextBytes(data);
        StoreLocation location = AzureTests.location(azurite, AzureTests.freshContainer(), "",
                Map.of("LIFEBOAT_AZURE_BLOCK_SIZE_MIB", "2"), Map.of());
        try (BlobStore store = AzureBlobStore.builder(location).create(true).open()) {
            List<Boolean> created = BlobStoreContractTest.runConcurrently(4, i -> store.putIfAbsent("data/ra/race", data));

            assertThat(created).containsOnlyOnce(true);
            assertThat(store.get("data/ra/race")).isEqualTo(data);
            assertThat(store.get("data/ra/race", (4 << 20) - 5, 10))
                    .isEqualTo(java.util.Arrays.copyOfRange(data, (4 << 20) - 5, (4 << 20) + 5));
        }
    }

    @Test
    void blocksAreStagedInParallelAndCommittedWithIfNoneMatch() throws Exception {
        RecordingPolicy recorder = new RecordingPolicy();
        byte[] data = new byte[16 << 20];
        try (BlobStore store = AzureBlobStore.builder(AzureTests.location(azurite, AzureTests.freshContainer(), ""))
                .create(true).addPolicy(recorder).open()) {
            store.putIfAbsent("data/pk/pack", data);
            store.putIfAbsent("index/small", new byte[4 << 20]);
        }

        assertThat(recorder.requests(r -> r.hasQuery("comp=block"))).hasSize(4)
                .allSatisfy(r -> assertThat(r.header("content-md5")).isNotNull());
        assertThat(recorder.requests(r -> r.hasQuery("comp=blocklist"))).singleElement()
                .satisfies(r -> assertThat(r.header("if-none-match")).isEqualTo("*"));
        assertThat(recorder.requests(r -> r.isPut() && r.path().endsWith("/index/small"))).singleElement()
                .satisfies(r -> {
                    assertThat(r.query()).isNull(); // one Put Blob, no blocks
                    assertThat(r.header("if-none-match")).isEqualTo("*");
                    assertThat(r.header("content-md5")).isNotNull();
                });
    }

    // ---- access tiers

    @Test
    void dataPacksGoToTheConfiguredTierAndMetadataStaysHot() throws Exception {
        RecordingPolicy recorder = new RecordingPolicy();
        String container = AzureTests.freshContainer();
        StoreLocation location = AzureTests.location(azurite, container, "r", Map.of(),
                Map.of("azure-data-tier", "cool", "azure-block-size", "1"));
        try (BlobStore store = AzureBlobStore.builder(location).create(true).addPolicy(recorder).open()) {
            store.putIfAbsent("data/3f/3f01", bytes("pack"));
            store.putIfAbsent("data/3f/3f02", new byte[3 << 20]);
            store.putIfAbsent("index/0001", bytes("index"));
            store.putIfAbsent("snapshots/s1", bytes("snapshot"));

            assertThat(store.get("data/3f/3f01")).isEqualTo(bytes("pack"));
        }

        var blobs = admin.getBlobContainerClient(container);
        assertThat(blobs.getBlobClient("r/data/3f/3f01").getProperties().getAccessTier()).isEqualTo(AccessTier.COOL);
        assertThat(blobs.getBlobClient("r/data/3f/3f02").getProperties().getAccessTier()).isEqualTo(AccessTier.COOL);
        assertThat(blobs.getBlobClient("r/index/0001").getProperties().getAccessTier()).isEqualTo(AccessTier.HOT);
        assertThat(blobs.getBlobClient("r/snapshots/s1").getProperties().getAccessTier()).isEqualTo(AccessTier.HOT);
        assertThat(recorder.requests(r -> r.hasQuery("comp=blocklist"))).singleElement()
                .satisfies(r -> assertThat(r.header("x-ms-access-tier")).isEqualTo("Cool"));
    }

    @Test
    void theColdTierIsAskedFor() throws Exception {
        RecordingPolicy recorder = new RecordingPolicy();
        StoreLocation location = AzureTests.location(azurite, AzureTests.freshContainer(), "",
                Map.of("LIFEBOAT_AZURE_DATA_TIER", "cold"), Map.of());
        try (BlobStore store = AzureBlobStore.builder(location).create(true).addPolicy(recorder).open()) {
            store.putIfAbsent("data/00/0001", bytes("pack"));
            store.putIfAbsent("keys/k1", bytes("key"));
        }

        assertThat(recorder.requests(r -> r.isPut() && r.path().endsWith("/data/00/0001")).getFirst()
                .header("x-ms-access-tier")).isEqualTo("Cold");
        assertThat(recorder.requests(r -> r.isPut() && r.path().endsWith("/keys/k1")).getFirst()
                .header("x-ms-access-tier")).isEqualTo("Hot");
    }

    @Test
    void withoutADataTierNoTierIsSent() throws Exception {
        RecordingPolicy recorder = new RecordingPolicy();
        try (BlobStore store = AzureBlobStore.builder(AzureTests.location(azurite, AzureTests.freshContainer(), ""))
                .create(true).addPolicy(recorder).open()) {
            store.putIfAbsent("data/00/0001", bytes("pack"));
            store.putIfAbsent("config", bytes("config"));
        }

        assertThat(recorder.requests(RecordingPolicy.Request::isPut))
                .allSatisfy(r -> assertThat(r.headers()).doesNotContainKey("x-ms-access-tier"));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }
}
