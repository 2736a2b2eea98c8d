package io.lifeboat.azure;

import static io.lifeboat.azure.FaultPolicy.containerProperties;
import static io.lifeboat.azure.FaultPolicy.method;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.storage.BlobInfo;
import io.lifeboat.core.storage.ObjectLockedException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Retention locks: the immutability policy Lifeboat asks Azure for (checked at the SDK
 * boundary, as Azurite has no immutability), and Lifeboat's own refusal to delete a blob
 * before its date, which works on Azurite too.
 */
class AzureRetentionTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final Instant LATER = NOW.plus(Duration.ofDays(30));
    /** The headers Azure's version-level immutability reads on Put Blob and Put Block List. */
    private static final String UNTIL = "x-ms-immutability-policy-until-date";
    private static final String MODE = "x-ms-immutability-policy-mode";

    private static AzuriteServer azurite;
    private final FakeTime time = new FakeTime(NOW);

    @BeforeAll
    static void startAzurite() throws Exception {
        azurite = AzuriteServer.shared();
    }

    private AzureBlobStore.Builder builder(String immutability) {
        Map<String, String> env = immutability == null ? Map.of() : Map.of("LIFEBOAT_AZURE_IMMUTABILITY", immutability);
        return AzureBlobStore.builder(AzureTests.location(azurite, AzureTests.freshContainer(), "r", env, Map.of()))
                .create(true).clock(time).sleeper(time);
    }

    // ---- Lifeboat's own enforcement (emulated mode, as on Azurite)

    @Test
    void aLockedBlobCannotBeDeletedBeforeItsDate() throws Exception {
        try (AzureBlobStore store = builder("emulated").retentionLocks(true).open()) {
            assertThat(store.supportsRetention()).isTrue();
            assertThat(store.putIfAbsent("snapshots/s1", bytes("snapshot"), 0, 8, LATER)).isTrue();

            assertThat(store.stat("snapshots/s1")).isEqualTo(new BlobInfo("snapshots/s1", 8, LATER));
            assertThat(store.list("snapshots/")).containsExactly(new BlobInfo("snapshots/s1", 8, LATER));
            assertThatThrownBy(() -> store.delete("snapshots/s1"))
                    .isInstanceOfSatisfying(ObjectLockedException.class, e -> {
                        assertThat(e.name()).isEqualTo("snapshots/s1");
                        assertThat(e.retainUntil()).isEqualTo(LATER);
                    });
            assertThat(store.get("snapshots/s1")).isEqualTo(bytes("snapshot"));

            time.advance(Duration.ofDays(31));
            assertThat(store.delete("snapshots/s1")).isTrue();
            assertThat(store.list("")).isEmpty();
        }
    }

    @Test
    void aLargeBlobStagedInBlocksIsLockedToo() throws Exception {
        byte[] data = new byte[9 << 20];
        new Random(5).nextBytes(data);
        try (AzureBlobStore store = builder("emulated").open()) {
            assertThat(store.putIfAbsent("data/aa/aa01", data, 0, data.length, LATER)).isTrue();

            assertThat(store.stat("data/aa/aa01")).isEqualTo(new BlobInfo("data/aa/aa01", data.length, LATER));
            assertThatThrownBy(() -> store.delete("data/aa/aa01")).isInstanceOf(ObjectLockedException.class);
            assertThat(store.get("data/aa/aa01")).isEqualTo(data);
        }
    }

    @Test
    void aPutOfAnExistingNameChangesNothingItsLockIncluded() throws Exception {
        try (AzureBlobStore store = builder("emulated").open()) {
            store.putIfAbsent("index/i1", bytes("first"));

            assertThat(store.putIfAbsent("index/i1", bytes("second"), 0, 6, LATER)).isFalse();
            assertThat(store.stat("index/i1").retainUntil()).isNull();
            assertThat(store.delete("index/i1")).isTrue();
        }
    }

    // ---- which stores can hold locks

    @Test
    void withoutImmutabilitySupportTheStoreSaysSoAndRefusesDatedPuts() throws Exception {
        for (String mode : new String[] {null, "locked", "unlocked", "off"}) {
            try (AzureBlobStore store = builder(mode).open()) {
                assertThat(store.supportsRetention()).as(String.valueOf(mode)).isFalse();
                assertThatThrownBy(() -> store.putIfAbsent("keys/k", bytes("k"), 0, 1, LATER))
                        .isInstanceOf(UnsupportedOperationException.class)
                        .hasMessageContaining("cannot hold retention locks");
                assertThat(store.list("")).isEmpty();
                assertThat(store.putIfAbsent("keys/k", bytes("k"), 0, 1, null)).isTrue();
            }
        }
    }

    @Test
    void openingForLocksFailsClearlyOnAContainerThatCannotHoldThem() {
        assertThatThrownBy(() -> builder(null).retentionLocks(true).open())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot hold retention locks")
                .hasMessageContaining("version-level immutability")
                .hasMessageContaining("LIFEBOAT_AZURE_IMMUTABILITY=emulated");
        assertThatThrownBy(() -> builder("off").retentionLocks(true).open())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("LIFEBOAT_AZURE_IMMUTABILITY=off");
    }

    @Test
    void aContainerWithVersionLevelImmutabilityCanHoldLocks() throws Exception {
        try (AzureBlobStore store = builder("locked").addPolicy(immutableContainer()).retentionLocks(true).open()) {
            assertThat(store.supportsRetention()).isTrue();
        }
    }

    // ---- the request shape at the SDK boundary

    @Test
    void aLockedPutAsksAzureForALockedImmutabilityPolicyUntilTheDate() throws Exception {
        RecordingPolicy recorder = new RecordingPolicy(UNTIL, MODE); // Azurite has no immutability: strip them
        try (AzureBlobStore store = builder("locked").addPolicy(immutableContainer()).addPolicy(recorder).open()) {
            store.putIfAbsent("snapshots/s1", bytes("snap"), 0, 4, LATER);
            store.putIfAbsent("snapshots/s2", bytes("snap"), 0, 4, null);

            RecordingPolicy.Request locked = recorder.requests(r -> r.isPut() && r.path().endsWith("/s1")).getFirst();
            assertThat(locked.header(UNTIL)).isEqualTo(DateTimeFormatter.RFC_1123_DATE_TIME.format(LATER.atOffset(ZoneOffset.UTC)));
            assertThat(locked.header(MODE)).isEqualTo("Locked");
            assertThat(locked.header("x-ms-meta-lifeboat_retain_until")).isEqualTo(LATER.toString());
            assertThat(locked.header("if-none-match")).isEqualTo("*");

            RecordingPolicy.Request unlocked = recorder.requests(r -> r.isPut() && r.path().endsWith("/s2")).getFirst();
            assertThat(unlocked.headers()).doesNotContainKeys(UNTIL, MODE, "x-ms-meta-lifeboat_retain_until");
            assertThat(store.stat("snapshots/s1").retainUntil()).isEqualTo(LATER);
        }
    }

    @Test
    void anUnlockedPolicyIsAskedForInModeUnlocked() throws Exception {
        RecordingPolicy recorder = new RecordingPolicy(UNTIL, MODE);
        try (AzureBlobStore store = builder("unlocked").addPolicy(immutableContainer()).addPolicy(recorder).open()) {
            store.putIfAbsent("keys/k1", bytes("key"), 0, 3, LATER);

            assertThat(recorder.requests(RecordingPolicy.Request::isPut).getFirst().header(MODE)).isEqualTo("Unlocked");
        }
    }

    @Test
    void aBlockUploadPutsThePolicyOnTheCommitOnly() throws Exception {
        RecordingPolicy recorder = new RecordingPolicy(UNTIL, MODE);
        byte[] data = new byte[9 << 20];
        try (AzureBlobStore store = builder("locked").addPolicy(immutableContainer()).addPolicy(recorder).open()) {
            store.putIfAbsent("data/bb/bb01", data, 0, data.length, LATER);

            assertThat(recorder.requests(r -> r.hasQuery("comp=block"))).hasSize(3)
                    .allSatisfy(r -> assertThat(r.headers()).doesNotContainKeys(UNTIL, MODE, "if-none-match"));
            RecordingPolicy.Request commit = recorder.requests(r -> r.hasQuery("comp=blocklist")).getFirst();
            assertThat(commit.header(MODE)).isEqualTo("Locked");
            assertThat(commit.header(UNTIL)).isNotNull();
            assertThat(commit.header("if-none-match")).isEqualTo("*");
        }
    }

    @Test
    void emulatedLocksSendNoPolicy() throws Exception {
        RecordingPolicy recorder = new RecordingPolicy();
        try (AzureBlobStore store = builder("emulated").addPolicy(recorder).open()) {
            store.putIfAbsent("keys/k1", bytes("key"), 0, 3, LATER);

            RecordingPolicy.Request put = recorder.requests(RecordingPolicy.Request::isPut).getFirst();
            assertThat(put.headers()).doesNotContainKeys(UNTIL, MODE);
            assertThat(put.header("x-ms-meta-lifeboat_retain_until")).isEqualTo(LATER.toString());
        }
    }

    // ---- reading Azure's own locks

    @Test
    void statAndDeleteHonourThePolicyAzureReports() throws Exception {
        Instant azureDate = LATER.plus(Duration.ofDays(10));
        FaultPolicy azure = immutableContainer().addHeaders(method("HEAD"), Map.of(UNTIL,
                DateTimeFormatter.RFC_1123_DATE_TIME.format(azureDate.atOffset(ZoneOffset.UTC)), MODE, "locked"));
        try (AzureBlobStore store = builder("locked").addPolicy(azure).open()) {
            store.putIfAbsent("keys/k1", bytes("key"));

            assertThat(store.stat("keys/k1").retainUntil()).isEqualTo(azureDate);
            assertThatThrownBy(() -> store.delete("keys/k1")).isInstanceOf(ObjectLockedException.class);
        }
    }

    @Test
    void azureRefusingADeleteForItsPolicyIsObjectLocked() throws Exception {
        FaultPolicy azure = new FaultPolicy().respond(method("DELETE"), 1, 409, "BlobImmutableDueToPolicy");
        try (AzureBlobStore store = builder("emulated").addPolicy(azure).open()) {
            store.putIfAbsent("keys/k1", bytes("key"));

            assertThatThrownBy(() -> store.delete("keys/k1")).isInstanceOf(ObjectLockedException.class)
                    .hasMessageContaining("keys/k1");
            assertThat(store.get("keys/k1")).isEqualTo(bytes("key"));
        }
    }

    /** Plays a container with version-level immutability enabled (Azurite has none). */
    private static FaultPolicy immutableContainer() {
        return new FaultPolicy().addHeaders(containerProperties(),
                Map.of("x-ms-immutable-storage-with-versioning-enabled", "true"));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }
}
