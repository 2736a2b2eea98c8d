package io.lifeboat.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.RepositoryNotFoundException;
import io.lifeboat.core.storage.BlobStore;
import io.lifeboat.core.storage.BlobStoreContractTest;
import io.lifeboat.core.storage.BlobStores;
import io.lifeboat.core.storage.StoreLocation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.services.s3.model.StorageClass;

/** The storage contract, and what is particular to S3, against S3Proxy on loopback. */
class S3BlobStoreTest extends BlobStoreContractTest {
    static S3ProxyServer server;

    private final List<BlobStore> opened = new ArrayList<>();
    private StoreLocation location;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3ProxyServer.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @AfterEach
    void closeOthers() throws Exception {
        for (BlobStore s : opened) {
            s.close();
        }
    }

    @Override
    protected BlobStore newStore() throws Exception {
        location = StoreLocation.parse(server.newRepositoryUrl(), server.env(), Map.of());
        return S3BlobStore.open(location, true, false);
    }

    @Override
    protected BlobStore secondClient() throws Exception {
        return open(location, false);
    }

    private BlobStore open(StoreLocation at, boolean create) throws Exception {
        BlobStore s = S3BlobStore.open(at, create, false);
        opened.add(s);
        return s;
    }

    // ---- opening

    @Test
    void theProviderIsFoundByScheme() throws Exception {
        String url = server.newRepositoryUrl();
        try (BlobStore s = BlobStores.open(url, server.env(), Map.of(), true, false)) {
            assertThat(s).isInstanceOf(S3BlobStore.class);
            assertThat(s.describe()).isEqualTo(url + " (endpoint " + server.endpoint() + ")");
        }
    }

    @Test
    void openingAMissingBucketWithoutCreateIsRepositoryNotFound() {
        String url = server.newRepositoryUrl();

        assertThatThrownBy(() -> BlobStores.open(url, server.env(), Map.of(), false, false))
                .isInstanceOf(RepositoryNotFoundException.class)
                .hasMessageContaining(url)
                .hasMessageContaining("bucket does not exist");
    }

    @Test
    void createOpensAnExistingBucketAsItIs() throws Exception {
        store.putIfAbsent("config", bytes("c"));

        BlobStore again = open(location, true);

        assertThat(again.get("config")).isEqualTo(bytes("c"));
    }

    @Test
    void repositoriesUnderDifferentPrefixesOfOneBucketAreApart() throws Exception {
        String bucket = S3ProxyServer.newBucketName();
        BlobStore a = open(StoreLocation.parse("s3://" + bucket + "/a", server.env(), Map.of()), true);
        BlobStore ab = open(StoreLocation.parse("s3://" + bucket + "/a/b", server.env(), Map.of()), true);
        BlobStore root = open(StoreLocation.parse("s3://" + bucket, server.env(), Map.of()), true);
        a.putIfAbsent("config", bytes("a"));
        ab.putIfAbsent("config", bytes("ab"));

        assertThat(names(a.list(""))).containsExactlyInAnyOrder("config", "b/config");
        assertThat(names(ab.list(""))).containsExactly("config");
        assertThat(names(root.list(""))).containsExactlyInAnyOrder("a/config", "a/b/config");
        assertThat(ab.get("config")).isEqualTo(bytes("ab"));
    }

    @Test
    void anEndpointOptionWinsOverTheEnvironment() throws Exception {
        Map<String, String> env = new HashMap<>(server.env());
        env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:1"); // nothing listens there
        StoreLocation at = StoreLocation.parse(server.newRepositoryUrl(), env,
                Map.of("s3-endpoint", server.endpoint().toString()));

        assertThat(open(at, true).putIfAbsent("x", bytes("x"))).isTrue();
    }

    @Test
    void retentionLocksAreRefusedClearlyWhereTheServerHasNoObjectLock() {
        String url = server.newRepositoryUrl();

        assertThatThrownBy(() -> BlobStores.open(url, server.env(), Map.of(), true, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Object Lock");
        assertThat(store.supportsRetention()).isFalse();
        assertThatThrownBy(() -> store.putIfAbsent("k", new byte[1], 0, 1, Instant.now().plusSeconds(60)))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(names(listQuietly())).isEmpty();
    }

    private List<io.lifeboat.core.storage.BlobInfo> listQuietly() {
        try {
            return store.list("");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ---- large objects

    @Test
    void aBlobJustOverThePartSizeGoesInPartsAndRoundTrips() throws Exception {
        byte[] data = new byte[S3BlobStore.DEFAULT_PART_SIZE + 1];
        new Random(5).nextBytes(data);

        assertThat(store.putIfAbsent("data/mp/one", data)).isTrue();
        assertThat(store.putIfAbsent("data/mp/one", data)).isFalse();
        assertThat(store.get("data/mp/one")).isEqualTo(data);
        assertThat(store.stat("data/mp/one").size()).isEqualTo(data.length);
    }

    @Test
    void dataPacksTakeTheConfiguredStorageClassAndMetadataStaysStandard() throws Exception {
        StoreLocation at = StoreLocation.parse(server.newRepositoryUrl(), server.env(),
                Map.of("s3-data-storage-class", "standard_ia"));
        RequestCapture capture = new RequestCapture();
        try (S3BlobStore s = S3BlobStore.open(at, true, false, S3BlobStore.Hooks.none().withInterceptors(capture))) {
            s.putIfAbsent("data/ab/abcd", bytes("pack"));
            s.putIfAbsent("index/0001", bytes("index"));
            s.putIfAbsent("snapshots/0001", bytes("snapshot"));
        }

        assertThat(capture.header(SdkHttpMethod.PUT, "data/ab/abcd", "x-amz-storage-class")).isEqualTo(StorageClass.STANDARD_IA.toString());
        assertThat(capture.header(SdkHttpMethod.PUT, "index/0001", "x-amz-storage-class")).isNull();
        assertThat(capture.header(SdkHttpMethod.PUT, "snapshots/0001", "x-amz-storage-class")).isNull();
    }

    @Test
    void everyCreationIsConditionalAndCarriesItsMd5() throws Exception {
        RequestCapture capture = new RequestCapture();
        try (S3BlobStore s = S3BlobStore.open(location, false, false, S3BlobStore.Hooks.none().withInterceptors(capture)
                .withPartSize(5 << 20))) {
            s.putIfAbsent("small", bytes("s"));
            s.putIfAbsent("data/la/large", new byte[11 << 20]);
        }

        assertThat(capture.header(SdkHttpMethod.PUT, "small", "If-None-Match")).isEqualTo("*");
        assertThat(capture.header(SdkHttpMethod.PUT, "small", "Content-MD5")).isNotBlank();
        assertThat(capture.requests(SdkHttpMethod.PUT, "data/la/large")).hasSize(3); // parts
        assertThat(capture.requests(SdkHttpMethod.PUT, "data/la/large")).allSatisfy(r -> assertThat(r.firstMatchingHeader("Content-MD5")).isPresent());
        assertThat(capture.last(SdkHttpMethod.POST, "data/la/large", "uploadId").firstMatchingHeader("If-None-Match"))
                .contains("*"); // the completion
    }
}
