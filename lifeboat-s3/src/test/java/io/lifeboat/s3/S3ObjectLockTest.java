package io.lifeboat.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.storage.BlobInfo;
import io.lifeboat.core.storage.ObjectLockedException;
import io.lifeboat.core.storage.StoreLocation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRetentionResponse;
import software.amazon.awssdk.services.s3.model.ObjectLockEnabled;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;

/**
 * Retention locks as S3 Object Lock, against Adobe S3Mock: the request shapes (bucket
 * made with Object Lock, puts carrying mode and date), and what S3 then reports
 * (GetObjectRetention, HEAD), read back with a plain SDK client.
 */
class S3ObjectLockTest {
    static S3MockServer server;
    static S3Client raw;

    private final RequestCapture capture = new RequestCapture();
    private S3BlobStore store;
    private String bucket;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3MockServer.shared();
        raw = S3Client.builder().endpointOverride(server.endpoint()).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @AfterAll
    static void stopServer() throws Exception {
        raw.close();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    private S3BlobStore open(boolean retentionLocks, Map<String, String> options, S3BlobStore.Hooks hooks)
            throws Exception {
        bucket = S3ProxyServer.newBucketName();
        StoreLocation at = StoreLocation.parse("s3://" + bucket + "/repo", server.env(), options);
        store = S3BlobStore.open(at, true, retentionLocks, hooks.withInterceptors(capture));
        return store;
    }

    private S3BlobStore open() throws Exception {
        return open(true, Map.of(), S3BlobStore.Hooks.none());
    }

    private GetObjectRetentionResponse retention(String name) {
        return raw.getObjectRetention(b -> b.bucket(bucket).key("repo/" + name));
    }

    @Test
    void initMakesTheBucketWithObjectLock() throws Exception {
        open();

        assertThat(capture.last(SdkHttpMethod.PUT, bucket, null).firstMatchingHeader("x-amz-bucket-object-lock-enabled"))
                .contains("true");
        assertThat(raw.getObjectLockConfiguration(b -> b.bucket(bucket)).objectLockConfiguration().objectLockEnabled())
                .isEqualTo(ObjectLockEnabled.ENABLED);
        assertThat(store.supportsRetention()).isTrue();
    }

    @Test
    void aLockedPutCarriesModeAndDateAndTheLockReadsBack() throws Exception {
        open();
        Instant until = Instant.now().plus(Duration.ofDays(30)).plusMillis(250);
        Instant second = until.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1); // rounded up, never shortened

        assertThat(store.putIfAbsent("snapshots/0001", "snap".getBytes(UTF_8), 0, 4, until)).isTrue();

        var put = capture.last(SdkHttpMethod.PUT, "snapshots/0001", null);
        assertThat(put.firstMatchingHeader("x-amz-object-lock-mode")).contains("GOVERNANCE");
        assertThat(put.firstMatchingHeader("x-amz-object-lock-retain-until-date").map(Instant::parse)).contains(second);
        assertThat(put.firstMatchingHeader("If-None-Match")).contains("*");
        assertThat(retention("snapshots/0001").retention().mode()).isEqualTo(ObjectLockRetentionMode.GOVERNANCE);
        assertThat(retention("snapshots/0001").retention().retainUntilDate()).isEqualTo(second);
        assertThat(store.stat("snapshots/0001")).isEqualTo(new BlobInfo("snapshots/0001", 4, second));
        assertThat(store.list("snapshots/")).containsExactly(new BlobInfo("snapshots/0001", 4, second));
    }

    @Test
    void aLockedBlobCannotBeDeletedAndStaysWhole() throws Exception {
        open();
        Instant until = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
        store.putIfAbsent("keys/k1", "slot".getBytes(UTF_8), 0, 4, until);

        assertThatThrownBy(() -> store.delete("keys/k1"))
                .isInstanceOf(ObjectLockedException.class)
                .satisfies(e -> assertThat(((ObjectLockedException) e).retainUntil()).isEqualTo(until))
                .hasMessageContaining("keys/k1");

        assertThat(capture.requests(SdkHttpMethod.DELETE, "keys/k1")).isEmpty(); // refused before asking S3
        assertThat(store.get("keys/k1")).isEqualTo("slot".getBytes(UTF_8));
        assertThat(store.putIfAbsent("keys/k1", "other".getBytes(UTF_8), 0, 5, until.plusSeconds(99))).isFalse();
        assertThat(store.stat("keys/k1").retainUntil()).isEqualTo(until);
    }

    @Test
    void complianceModeIsAnOption() throws Exception {
        open(true, Map.of("s3-lock-mode", "COMPLIANCE"), S3BlobStore.Hooks.none());
        Instant until = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);

        store.putIfAbsent("index/0001", new byte[10], 0, 10, until);

        assertThat(capture.header(SdkHttpMethod.PUT, "index/0001", "x-amz-object-lock-mode")).isEqualTo("COMPLIANCE");
        assertThat(retention("index/0001").retention().mode()).isEqualTo(ObjectLockRetentionMode.COMPLIANCE);
    }

    @Test
    void aLockedMultipartUploadCarriesTheLockFromItsStart() throws Exception {
        open(true, Map.of(), S3BlobStore.Hooks.none().withPartSize(5 << 20));
        byte[] data = new byte[(5 << 20) * 2 + 7];
        new Random(9).nextBytes(data);
        Instant until = Instant.now().plus(Duration.ofDays(7)).truncatedTo(ChronoUnit.SECONDS);

        assertThat(store.putIfAbsent("data/ab/abcd", data, 0, data.length, until)).isTrue();

        var start = capture.last(SdkHttpMethod.POST, "data/ab/abcd", "uploads");
        assertThat(start.firstMatchingHeader("x-amz-object-lock-mode")).contains("GOVERNANCE");
        assertThat(start.firstMatchingHeader("x-amz-object-lock-retain-until-date").map(Instant::parse)).contains(until);
        assertThat(capture.last(SdkHttpMethod.POST, "data/ab/abcd", "uploadId").firstMatchingHeader("If-None-Match"))
                .contains("*");
        assertThat(retention("data/ab/abcd").retention().retainUntilDate()).isEqualTo(until);
        assertThat(store.get("data/ab/abcd")).isEqualTo(data);
    }

    @Test
    void unlockedBlobsInALockedBucketReportNoLockAndDeleteForGood() throws Exception {
        open();
        store.putIfAbsent("locks/l1", "lock".getBytes(UTF_8));

        assertThat(store.stat("locks/l1").retainUntil()).isNull();
        assertThat(store.list("locks/")).containsExactly(new BlobInfo("locks/l1", 4));
        assertThat(store.delete("locks/l1")).isTrue();
        assertThat(store.delete("locks/l1")).isFalse();
        // The exact version was deleted: no older version hides behind a delete marker.
        assertThat(raw.listObjectVersions(b -> b.bucket(bucket).prefix("repo/locks/")).versions()).isEmpty();
    }

    @Test
    void aLockWhoseDateHasPassedNoLongerStopsDelete() throws Exception {
        Clock later = Clock.offset(Clock.systemUTC(), Duration.ofDays(2));
        open(true, Map.of(), S3BlobStore.Hooks.none().withClock(Clock.fixed(Instant.now(), ZoneOffset.UTC)));
        Instant until = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
        store.putIfAbsent("index/0002", new byte[3], 0, 3, until);
        store.close();

        StoreLocation at = StoreLocation.parse("s3://" + bucket + "/repo", server.env(), Map.of());
        store = S3BlobStore.open(at, false, true, S3BlobStore.Hooks.none().withClock(later));

        // Past the date, Lifeboat's own check lets the delete through (S3 would too; S3Mock enforces nothing).
        assertThat(store.delete("index/0002")).isTrue();
        assertThatThrownBy(() -> store.stat("index/0002")).isInstanceOf(io.lifeboat.core.storage.NoSuchBlobException.class);
    }

    @Test
    void openingABucketWithoutObjectLockForALockedRepositoryTellsHowToFixIt() throws Exception {
        open(false, Map.of(), S3BlobStore.Hooks.none());
        assertThat(store.supportsRetention()).isFalse();
        StoreLocation at = StoreLocation.parse("s3://" + bucket + "/repo", server.env(), Map.of());

        assertThatThrownBy(() -> S3BlobStore.open(at, true, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no S3 Object Lock")
                .hasMessageContaining("put-object-lock-configuration --bucket " + bucket);
    }

    @Test
    void onAServerThatIgnoresTheLockHeadersTheLockIsSetBySecondRequest() throws Exception {
        // S3Mock ignores x-amz-object-lock-* on PUT: the store reads the lock back once, then sets it itself.
        open();
        Instant until = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);

        store.putIfAbsent("snapshots/a", new byte[1], 0, 1, until);
        store.putIfAbsent("snapshots/b", new byte[1], 0, 1, until);

        assertThat(capture.last(SdkHttpMethod.PUT, "snapshots/a", "retention")).isNotNull();
        assertThat(capture.last(SdkHttpMethod.PUT, "snapshots/b", "retention")).isNotNull();
        assertThat(capture.requests(SdkHttpMethod.GET, "snapshots/b")).isEmpty(); // found out once, not per put
        assertThat(retention("snapshots/b").retention().retainUntilDate()).isEqualTo(until);
    }
}
