package io.lifeboat.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.storage.NoSuchBlobException;
import io.lifeboat.core.storage.StoreLocation;
import io.lifeboat.s3.FaultyHttpClient.Fault;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Faults at the HTTP level, under the real SDK and over a real S3 server: throttling,
 * server errors, resets, lost acknowledgements and cut bodies are retried until the call
 * succeeds, and a call that cannot succeed fails within its retry time, naming what it
 * did. Time is fake: no test here sleeps.
 */
class S3FaultsTest {
    private static final int PART = 5 << 20;
    static S3ProxyServer server;

    private final FakeTime time = new FakeTime();
    private final AtomicReference<FaultyHttpClient> faults = new AtomicReference<>();
    private S3BlobStore store;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3ProxyServer.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    private S3BlobStore open(Map<String, String> options) throws IOException {
        StoreLocation at = StoreLocation.parse(server.newRepositoryUrl(), server.env(), options);
        store = S3BlobStore.open(at, true, false, S3BlobStore.Hooks.none()
                .withTime(time, time::nanoTime)
                .withPartSize(PART)
                .withHttpClient(c -> {
                    FaultyHttpClient f = new FaultyHttpClient(c);
                    faults.set(f);
                    return f;
                }));
        return store;
    }

    private FaultyHttpClient faults() {
        return faults.get();
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void throttlingServerErrorsAndResetsAreRetriedUntilThePutSucceeds() throws Exception {
        open(Map.of());
        faults().inject(Fault.SLOW_DOWN, SdkHttpMethod.PUT, "data/ab/abcd", 2)
                .inject(Fault.INTERNAL_ERROR, SdkHttpMethod.PUT, "data/ab/abcd", 1)
                .inject(Fault.RESET, SdkHttpMethod.PUT, "data/ab/abcd", 1);

        assertThat(store.putIfAbsent("data/ab/abcd", "pack".getBytes(UTF_8))).isTrue();

        assertThat(faults().injected()).isEqualTo(4);
        assertThat(time.pauses()).hasSizeGreaterThanOrEqualTo(4); // and any real hiccup of the loopback connection
        assertThat(store.get("data/ab/abcd")).isEqualTo("pack".getBytes(UTF_8));
    }

    @Test
    void readsListsAndDeletesAreRetriedToo() throws Exception {
        open(Map.of());
        byte[] data = random(100_000, 1);
        store.putIfAbsent("index/0001", data);
        faults().inject(Fault.TRUNCATE, SdkHttpMethod.GET, "index/0001", 2)
                .inject(Fault.RESET, SdkHttpMethod.GET, "", "list-type", 1)
                .inject(Fault.SLOW_DOWN, SdkHttpMethod.HEAD, "index/0001", 1)
                .inject(Fault.LOST_ACK, SdkHttpMethod.DELETE, "index/0001", 1);

        assertThat(store.get("index/0001")).isEqualTo(data);
        assertThat(store.get("index/0001", 10, 1000)).isEqualTo(java.util.Arrays.copyOfRange(data, 10, 1010));
        assertThat(names(store)).containsExactly("index/0001");
        assertThat(store.delete("index/0001")).isTrue();
        assertThat(faults().injected()).isEqualTo(5);
        assertThat(store.delete("index/0001")).isFalse();
    }

    @Test
    void aPutWhoseAcknowledgementWasLostStillReportsThatItCreatedTheBlob() throws Exception {
        open(Map.of());
        faults().inject(Fault.LOST_ACK, SdkHttpMethod.PUT, "config", 1);

        // The first PUT stored the config; the retry meets 412 and finds our own bytes there.
        assertThat(store.putIfAbsent("config", "ours".getBytes(UTF_8))).isTrue();
        assertThat(faults().injected()).isEqualTo(1);
        assertThat(store.get("config")).isEqualTo("ours".getBytes(UTF_8));
    }

    @Test
    void aRetriedPutThatFindsTheNameTakenByAnotherWriterReportsThatItExisted() throws Exception {
        open(Map.of());
        store.putIfAbsent("data/ab/abcd", "same bytes".getBytes(UTF_8));
        store.putIfAbsent("config", "theirs".getBytes(UTF_8));
        faults().inject(Fault.RESET, SdkHttpMethod.PUT, "data/ab/abcd", 1)
                .inject(Fault.RESET, SdkHttpMethod.PUT, "config", 1);

        // Equal bytes or not, another put made them: only this call's own earlier attempt counts.
        assertThat(store.putIfAbsent("data/ab/abcd", "same bytes".getBytes(UTF_8))).isFalse();
        assertThat(store.putIfAbsent("config", "ours".getBytes(UTF_8))).isFalse();
        assertThat(faults().injected()).isEqualTo(2);
        assertThat(store.get("config")).isEqualTo("theirs".getBytes(UTF_8));
    }

    @Test
    void aLostAcknowledgementOfAMultipartCompletionStillCreatesTheBlobOnce() throws Exception {
        open(Map.of());
        byte[] data = random(2 * PART + 100, 2);
        faults().inject(Fault.LOST_ACK, SdkHttpMethod.POST, "data/mp/mp01", "uploadId", 1)
                .inject(Fault.SLOW_DOWN, SdkHttpMethod.PUT, "data/mp/mp01", "partNumber=2", 2);

        assertThat(store.putIfAbsent("data/mp/mp01", data)).isTrue();
        assertThat(faults().injected()).isEqualTo(3);

        assertThat(store.get("data/mp/mp01")).isEqualTo(data);
        assertThat(store.putIfAbsent("data/mp/mp01", data)).isFalse();
        assertThat(pendingUploads()).isZero();
    }

    @Test
    void aPartThatKeepsFailingAbortsTheUploadAndLeavesNoBlob() throws Exception {
        open(Map.of("s3-retry-time", "30s"));
        byte[] data = random(3 * PART, 3);
        faults().inject(Fault.SLOW_DOWN, SdkHttpMethod.PUT, "data/mp/mp02", "partNumber=2", Integer.MAX_VALUE);

        assertThatThrownBy(() -> store.putIfAbsent("data/mp/mp02", data))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("S3 PUT of part 2 of data/mp/mp02 in " + store.describe())
                .hasMessageContaining("gave up after")
                .hasMessageContaining("503 SlowDown");

        assertThatThrownBy(() -> store.stat("data/mp/mp02")).isInstanceOf(NoSuchBlobException.class);
        assertThat(names(store)).isEmpty();
        assertThat(pendingUploads()).isZero();
        assertThat(time.slept()).isLessThanOrEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aCallThatKeepsBeingThrottledFailsWithinItsRetryTimeNamingTheOperationAndTheBlob() throws Exception {
        open(Map.of("s3-retry-time", "2m"));
        store.putIfAbsent("snapshots/0001", "snap".getBytes(UTF_8));
        faults().inject(Fault.SLOW_DOWN, SdkHttpMethod.GET, "snapshots/0001", Integer.MAX_VALUE);
        long realStart = System.nanoTime();

        assertThatThrownBy(() -> store.get("snapshots/0001"))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("S3 GET of snapshots/0001 in " + store.describe() + " failed: gave up after ")
                .hasMessageContaining("(retry budget 2m0s); last error: 503 SlowDown: Please reduce your request rate.");

        assertThat(time.slept()).isLessThanOrEqualTo(Duration.ofMinutes(2)).isGreaterThan(Duration.ofSeconds(30));
        assertThat(Duration.ofNanos(System.nanoTime() - realStart)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void aServerThatIsDownFailsTheOpenWithinItsRetryTime() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        Map<String, String> env = new HashMap<>(server.env());
        env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:" + deadPort);
        StoreLocation at = StoreLocation.parse("s3://nowhere/repo", env, Map.of("s3-retry-time", "1m"));

        assertThatThrownBy(() -> S3BlobStore.open(at, false, false, S3BlobStore.Hooks.none().withTime(time, time::nanoTime)))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("S3 HEAD of the bucket of s3://nowhere/repo (endpoint http://127.0.0.1:" + deadPort
                        + ") failed: gave up after")
                .hasMessageContaining("Connection refused");
        assertThat(time.slept()).isLessThanOrEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void aBucketInAnotherRegionIsNamedWithTheRegionToSet() throws Exception {
        StoreLocation at = StoreLocation.parse(server.newRepositoryUrl(), server.env(), Map.of());
        S3BlobStore.Hooks hooks = S3BlobStore.Hooks.none().withTime(time, time::nanoTime).withHttpClient(c ->
                new FaultyHttpClient(c).inject(Fault.MOVED_TO_EU_WEST_2, SdkHttpMethod.HEAD, "", 1));

        assertThatThrownBy(() -> S3BlobStore.open(at, false, false, hooks))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("the bucket is in region eu-west-2, not us-east-1; set AWS_REGION=eu-west-2");
    }

    private static java.util.List<String> names(S3BlobStore s) throws IOException {
        return s.list("").stream().map(io.lifeboat.core.storage.BlobInfo::name).toList();
    }

    /** Multipart uploads begun and neither completed nor aborted in the store's bucket. */
    private int pendingUploads() {
        String bucket = store.describe().substring("s3://".length(), store.describe().indexOf('/', "s3://".length()));
        try (S3Client raw = S3Client.builder().endpointOverride(server.endpoint()).forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(server.accessKey(),
                        server.secretKey())))
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
                .build()) {
            return raw.listMultipartUploads(b -> b.bucket(bucket)).uploads().size();
        }
    }
}
