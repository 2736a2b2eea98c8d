package io.lifeboat.azure;

import static io.lifeboat.azure.FaultPolicy.method;
import static io.lifeboat.azure.FaultPolicy.putBlob;
import static io.lifeboat.azure.FaultPolicy.query;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.storage.BlobInfo;
import io.lifeboat.core.storage.NoSuchBlobException;
import io.lifeboat.core.storage.StoreLocation;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults at the HTTP level, between the SDK and Azurite: throttling and server errors
 * answered by a pipeline policy, connections reset by the policy or by a real loopback
 * proxy, answers lost after the service acted. Retries must get through them, and when
 * they do not stop, the time limit must end the operation with a clear error. Waits go
 * to a fake clock: nothing here sleeps.
 */
class AzureFaultTest {
    private static AzuriteServer azurite;
    private final FakeTime time = new FakeTime(Instant.parse("2030-01-01T00:00:00Z"));

    @BeforeAll
    static void startAzurite() throws Exception {
        azurite = AzuriteServer.shared();
    }

    private AzureBlobStore open(FaultPolicy faults, Map<String, String> env) throws IOException {
        StoreLocation location = AzureTests.location(azurite, AzureTests.freshContainer(), "f", env, Map.of());
        return AzureBlobStore.builder(location).create(true).addPolicy(faults).clock(time).sleeper(time).open();
    }

    private AzureBlobStore open(FaultPolicy faults) throws IOException {
        return open(faults, Map.of());
    }

    // ---- retries get through

    @Test
    void throttledWritesAreRetriedWithGrowingJitteredWaits() throws Exception {
        FaultPolicy faults = new FaultPolicy().respond(putBlob(), 4, 503, "ServerBusy");
        try (AzureBlobStore store = open(faults)) {
            assertThat(store.putIfAbsent("index/i1", bytes("index"))).isTrue();

            assertThat(faults.injected()).isEqualTo(4);
            assertThat(store.retries()).isEqualTo(4);
            assertThat(store.get("index/i1")).isEqualTo(bytes("index"));
            List<Duration> waits = time.sleeps();
            assertThat(waits).hasSize(4);
            for (int i = 0; i < waits.size(); i++) { // step 100 ms doubling; full jitter: each wait in [0, step]
                Duration step = AzureBlobStore.FIRST_DELAY.multipliedBy(1L << i);
                assertThat(waits.get(i)).isBetween(Duration.ZERO, step);
            }
        }
    }

    @Test
    void aThrottledAnswersRetryAfterIsHonoured() throws Exception {
        FaultPolicy faults = new FaultPolicy().respond(method("GET").and(query("restype=container").negate()), 1, 429,
                "TooManyRequests", Map.of("Retry-After", "3"));
        try (AzureBlobStore store = open(faults)) {
            store.putIfAbsent("config", bytes("cfg"));

            assertThat(store.get("config")).isEqualTo(bytes("cfg"));
            assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(3));
        }
    }

    @Test
    void serverErrorsOnRangedReadsListsAndDeletesAreRetried() throws Exception {
        FaultPolicy faults = new FaultPolicy()
                .respond(method("GET").and(query("restype=container").negate()), 2, 500, "InternalError")
                .respond(query("comp=list"), 2, 503, "ServerBusy")
                .respond(method("DELETE"), 1, 500, "OperationTimedOut");
        try (AzureBlobStore store = open(faults)) {
            store.putIfAbsent("data/ab/ab01", bytes("0123456789"));

            assertThat(store.get("data/ab/ab01", 3, 4)).isEqualTo(bytes("3456"));
            assertThat(store.list("data/")).containsExactly(new BlobInfo("data/ab/ab01", 10));
            assertThat(store.delete("data/ab/ab01")).isTrue();
            assertThat(faults.injected()).isEqualTo(5);
        }
    }

    @Test
    void aResetConnectionIsRetried() throws Exception {
        FaultPolicy faults = new FaultPolicy().reset(putBlob(), 2, false).reset(method("HEAD"), 1, false);
        try (AzureBlobStore store = open(faults)) {
            assertThat(store.putIfAbsent("snapshots/s1", bytes("snap"))).isTrue();
            assertThat(store.stat("snapshots/s1")).isEqualTo(new BlobInfo("snapshots/s1", 4));
            assertThat(store.retries()).isEqualTo(3);
        }
    }

    @Test
    void aFailedBlockIsStagedAgainAndTheBlobCommittedOnce() throws Exception {
        byte[] data = new byte[10 << 20];
        new Random(11).nextBytes(data);
        FaultPolicy faults = new FaultPolicy()
                .respond(query("comp=block"), 2, 503, "ServerBusy")
                .reset(query("comp=blocklist"), 1, false);
        try (AzureBlobStore store = open(faults)) {
            assertThat(store.putIfAbsent("data/cc/cc01", data)).isTrue();

            assertThat(store.get("data/cc/cc01")).isEqualTo(data);
            assertThat(store.retries()).isEqualTo(3);
        }
    }

    /** The service stored the blob but the answer was lost: the retry meets our own blob and still says "created". */
    @Test
    void aWriteWhoseAnswerWasLostStillReportsItCreatedTheBlob() throws Exception {
        byte[] large = new byte[9 << 20];
        new Random(3).nextBytes(large);
        FaultPolicy faults = new FaultPolicy().reset(putBlob(), 1, true).reset(query("comp=blocklist"), 1, true);
        try (AzureBlobStore store = open(faults)) {
            assertThat(store.putIfAbsent("keys/k1", bytes("key"))).isTrue();
            assertThat(store.putIfAbsent("data/dd/dd01", large)).isTrue();

            assertThat(faults.injected()).isEqualTo(2);
            assertThat(store.get("keys/k1")).isEqualTo(bytes("key"));
            assertThat(store.get("data/dd/dd01")).isEqualTo(large);
            // A later put of the same name, by anyone, still finds it existing.
            assertThat(store.putIfAbsent("keys/k1", bytes("key"))).isFalse();
        }
    }

    @Test
    void aDeleteWhoseAnswerWasLostReportsTheDelete() throws Exception {
        FaultPolicy faults = new FaultPolicy().reset(method("DELETE"), 1, true);
        try (AzureBlobStore store = open(faults)) {
            store.putIfAbsent("locks/l1", bytes("l"));

            assertThat(store.delete("locks/l1")).isTrue();
            assertThatThrownBy(() -> store.get("locks/l1")).isInstanceOf(NoSuchBlobException.class);
        }
    }

    @Test
    void realConnectionResetsFromALoopbackProxyAreRetried() throws Exception {
        try (ResettingProxy proxy = new ResettingProxy(azurite.port(), 3)) {
            String endpoint = "http://127.0.0.1:" + proxy.port() + "/" + AzuriteServer.ACCOUNT;
            Map<String, String> env = new HashMap<>();
            env.put(AzureSettings.CONNECTION_STRING, "DefaultEndpointsProtocol=http;AccountName=" + AzuriteServer.ACCOUNT
                    + ";AccountKey=" + azurite.accountKey() + ";BlobEndpoint=" + endpoint + ";");
            StoreLocation location = StoreLocation.parse("azure://" + AzureTests.freshContainer() + "/p", env, Map.of());
            try (AzureBlobStore store = AzureBlobStore.builder(location).create(true).clock(time).sleeper(time).open()) {
                assertThat(store.putIfAbsent("config", bytes("through the proxy"))).isTrue();
                assertThat(store.get("config")).isEqualTo(bytes("through the proxy"));

                assertThat(proxy.resets()).isEqualTo(3);
                // The JDK client itself tries an idempotent request (GET, HEAD) once more on a new connection.
                assertThat(time.sleeps()).hasSizeBetween(1, 3);
            }
        }
    }

    // ---- the time limit

    @Test
    void retriesStopAtTheTimeLimitWithAClearError() throws Exception {
        FaultPolicy faults = new FaultPolicy().respond(putBlob(), Integer.MAX_VALUE, 503, "ServerBusy");
        long realStart = System.nanoTime();
        try (AzureBlobStore store = open(faults, Map.of("LIFEBOAT_AZURE_RETRY_SECONDS", "30"))) {
            assertThatThrownBy(() -> store.putIfAbsent("data/ee/ee01", bytes("never stored")))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("azure://lifeboat/")
                    .hasMessageContaining("put data/ee/ee01 failed: gave up after")
                    .hasMessageContaining("(retry budget 30s); last error: ")
                    .hasMessageContaining("503 ServerBusy");

            assertThat(time.slept()).isLessThanOrEqualTo(Duration.ofSeconds(30)).isGreaterThan(Duration.ofSeconds(20));
            assertThat(time.sleeps()).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(
                    AzureBlobStore.MAX_DELAY));
            assertThatThrownBy(() -> store.stat("data/ee/ee01")).isInstanceOf(NoSuchBlobException.class);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - realStart)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void aLimitOfZeroMeansOneTry() throws Exception {
        FaultPolicy faults = new FaultPolicy().respond(method("HEAD"), 1, 503, "ServerBusy");
        try (AzureBlobStore store = open(faults, Map.of("LIFEBOAT_AZURE_RETRY_SECONDS", "0"))) {
            assertThatThrownBy(() -> store.stat("config")).isInstanceOf(IOException.class)
                    .hasMessageContaining("stat config failed: gave up after 1 attempt in 0s");
            assertThat(time.sleeps()).isEmpty();
        }
    }

    @Test
    void errorsARetryCannotHelpFailAtOnce() throws Exception {
        FaultPolicy faults = new FaultPolicy().respond(putBlob(), 1, 403, "AuthorizationPermissionMismatch");
        try (AzureBlobStore store = open(faults)) {
            assertThatThrownBy(() -> store.putIfAbsent("config", bytes("c")))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("put config failed: 403 AuthorizationPermissionMismatch");
            assertThat(time.sleeps()).isEmpty();
            assertThat(store.list("")).isEmpty();
        }
    }

    @Test
    void anArchivedBlobSaysItMustBeRehydrated() throws Exception {
        FaultPolicy faults = new FaultPolicy().respond(method("GET").and(query("restype=container").negate()), 1, 409,
                "BlobArchived");
        try (AzureBlobStore store = open(faults)) {
            store.putIfAbsent("data/ff/ff01", bytes("cold"));

            assertThatThrownBy(() -> store.get("data/ff/ff01")).isInstanceOf(IOException.class)
                    .hasMessageContaining("get data/ff/ff01 failed")
                    .hasMessageContaining("Archive tier")
                    .hasMessageContaining("rehydrated");
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }
}
