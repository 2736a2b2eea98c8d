package io.lifeboat.azure;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.sas.BlobContainerSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.sas.AccountSasPermission;
import com.azure.storage.common.sas.AccountSasResourceType;
import com.azure.storage.common.sas.AccountSasService;
import com.azure.storage.common.sas.AccountSasSignatureValues;
import io.lifeboat.core.storage.BlobStore;
import io.lifeboat.core.storage.StoreLocation;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each way to give credentials works, and no credential (account key, SAS signature,
 * connection string) ever shows: not in describe() or toString(), not in an exception's
 * message or stack trace, not in the SDK's logs at their most verbose.
 */
class AzureCredentialsTest {
    private static AzuriteServer azurite;
    private static String readWriteSas;
    private static String readOnlySas;

    @BeforeAll
    static void startAzurite() throws Exception {
        azurite = AzuriteServer.shared();
        BlobServiceClient admin = new BlobServiceClientBuilder().endpoint(azurite.blobEndpoint())
                .credential(new StorageSharedKeyCredential(AzuriteServer.ACCOUNT, azurite.accountKey())).buildClient();
        OffsetDateTime expiry = OffsetDateTime.now().plusHours(2);
        AccountSasService blob = AccountSasService.parse("b");
        AccountSasResourceType all = AccountSasResourceType.parse("sco");
        readWriteSas = admin.generateAccountSas(new AccountSasSignatureValues(expiry,
                AccountSasPermission.parse("rwdlac"), blob, all));
        readOnlySas = admin.generateAccountSas(new AccountSasSignatureValues(expiry,
                AccountSasPermission.parse("rl"), blob, all));
    }

    // ---- each kind of credential works

    @Test
    void aConnectionStringWorks() throws Exception {
        roundTrip(Map.of(AzureSettings.CONNECTION_STRING, azurite.connectionString()));
    }

    @Test
    void anAccountAndKeyWork() throws Exception {
        roundTrip(Map.of(AzureSettings.ACCOUNT, AzuriteServer.ACCOUNT, AzureSettings.KEY, azurite.accountKey(),
                AzureSettings.ENDPOINT, azurite.blobEndpoint()));
    }

    @Test
    void aSasTokenWorksWithOrWithoutItsQuestionMark() throws Exception {
        roundTrip(Map.of(AzureSettings.SAS_TOKEN, readWriteSas, AzureSettings.ENDPOINT, azurite.blobEndpoint()));
        roundTrip(Map.of(AzureSettings.SAS_TOKEN, "?" + readWriteSas, AzureSettings.ENDPOINT, azurite.blobEndpoint()));
    }

    /** A SAS for one container (least privilege): the container exists already, as it cannot create it. */
    @Test
    void aContainerSasWorks() throws Exception {
        String container = AzureTests.freshContainer();
        BlobContainerClient client = new BlobServiceClientBuilder().connectionString(azurite.connectionString())
                .buildClient().createBlobContainer(container);
        String sas = client.generateSas(new BlobServiceSasSignatureValues(OffsetDateTime.now().plusHours(1),
                BlobContainerSasPermission.parse("racwdl")));

        roundTrip(container, false, Map.of(AzureSettings.SAS_TOKEN, sas, AzureSettings.ENDPOINT, azurite.blobEndpoint()));
    }

    /** Such a SAS cannot read the container's properties, so whether it holds locks must be said, not checked. */
    @Test
    void withAContainerSasImmutabilityMustBeDeclared() throws Exception {
        String container = AzureTests.freshContainer();
        BlobContainerClient client = new BlobServiceClientBuilder().connectionString(azurite.connectionString())
                .buildClient().createBlobContainer(container);
        String sas = client.generateSas(new BlobServiceSasSignatureValues(OffsetDateTime.now().plusHours(1),
                BlobContainerSasPermission.parse("racwdl")));
        Map<String, String> env = Map.of(AzureSettings.SAS_TOKEN, sas, AzureSettings.ENDPOINT, azurite.blobEndpoint());

        assertThatThrownBy(() -> AzureBlobStore.builder(StoreLocation.parse("azure://" + container, env, Map.of()))
                .retentionLocks(true).open())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot read the container's properties")
                .hasMessageContaining("LIFEBOAT_AZURE_IMMUTABILITY=unlocked");
        try (BlobStore store = AzureBlobStore.builder(StoreLocation.parse("azure://" + container, env,
                Map.of("azure-immutability", "locked"))).retentionLocks(true).open()) {
            assertThat(store.supportsRetention()).isTrue();
        }
        assertThatThrownBy(() -> AzureBlobStore.builder(StoreLocation.parse("azure://" + AzureTests.freshContainer(),
                env, Map.of())).open()).isInstanceOf(IOException.class);
    }

    private static void roundTrip(Map<String, String> env) throws Exception {
        roundTrip(AzureTests.freshContainer(), true, env);
    }

    private static void roundTrip(String container, boolean create, Map<String, String> env) throws Exception {
        StoreLocation location = StoreLocation.parse("azure://" + container + "/c", env, Map.of());
        try (BlobStore store = AzureBlobStore.builder(location).create(create).open()) {
            assertThat(store.putIfAbsent("config", bytes("creds"))).isTrue();
            assertThat(store.get("config")).isEqualTo(bytes("creds"));
            assertThat(store.describe()).isEqualTo("azure://lifeboat/" + location.container() + "/c");
        }
    }

    @Test
    void missingCredentialsNameTheVariablesToSet() {
        StoreLocation location = StoreLocation.parse("azure://backups/prod", Map.of(), Map.of());

        assertThatThrownBy(() -> AzureBlobStore.builder(location).open())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AZURE_STORAGE_CONNECTION_STRING")
                .hasMessageContaining("AZURE_STORAGE_ACCOUNT")
                .hasMessageContaining("AZURE_STORAGE_KEY")
                .hasMessageContaining("AZURE_STORAGE_SAS_TOKEN");
    }

    // ---- no credential shows

    @Test
    void aWrongKeyFailsWithoutShowingEitherKey() {
        String wrongKey = randomKey();
        StoreLocation location = StoreLocation.parse("azure://" + AzureTests.freshContainer(), Map.of(
                AzureSettings.ACCOUNT, AzuriteServer.ACCOUNT, AzureSettings.KEY, wrongKey,
                AzureSettings.ENDPOINT, azurite.blobEndpoint()), Map.of());

        String text = failureText(() -> AzureBlobStore.builder(location).create(true).open());

        assertThat(text).contains("403").contains("azure://lifeboat/");
        assertNoSecret(text, wrongKey, azurite.accountKey());
    }

    @Test
    void aSasWithoutWriteFailsWithoutShowingItsSignature() throws Exception {
        String container = AzureTests.freshContainer();
        try (BlobStore admin = AzureBlobStore.builder(AzureTests.location(azurite, container, "")).create(true).open()) {
            admin.putIfAbsent("config", bytes("x"));
        }
        StoreLocation location = StoreLocation.parse("azure://" + container, Map.of(AzureSettings.SAS_TOKEN,
                readOnlySas, AzureSettings.ENDPOINT, azurite.blobEndpoint()), Map.of());
        try (BlobStore store = AzureBlobStore.builder(location).open()) {
            assertThat(store.get("config")).isEqualTo(bytes("x"));

            String text = failureText(() -> store.putIfAbsent("index/i1", bytes("y")));

            assertThat(text).contains("put index/i1 failed: 403");
            assertNoSecret(text, readOnlySas, signature(readOnlySas));
            assertNoSecret(store.describe() + store, readOnlySas, signature(readOnlySas));
        }
    }

    @Test
    void anUnreachableEndpointFailsWithoutShowingTheSas() {
        FakeTime time = new FakeTime(Instant.parse("2030-01-01T00:00:00Z"));
        StoreLocation location = StoreLocation.parse("azure://" + AzureTests.freshContainer(), Map.of(
                AzureSettings.SAS_TOKEN, readWriteSas, AzureSettings.ENDPOINT, "http://127.0.0.1:9/" + AzuriteServer.ACCOUNT,
                "LIFEBOAT_AZURE_RETRY_SECONDS", "5"), Map.of());

        String text = failureText(() -> AzureBlobStore.builder(location).clock(time).sleeper(time).open());

        assertThat(text).contains("open container failed: gave up after").contains("ConnectException");
        assertNoSecret(text, readWriteSas, signature(readWriteSas));
    }

    /** HTTP clients and proxies often put the request URL, with its SAS query, into their exceptions' messages. */
    @Test
    void errorsThatQuoteTheRequestUrlLoseItsSignature() throws Exception {
        FakeTime time = new FakeTime(Instant.parse("2030-01-01T00:00:00Z"));
        FaultPolicy faults = new FaultPolicy()
                .fail(FaultPolicy.method("PUT").and(r -> r.getUrl().getPath().endsWith("retried")), Integer.MAX_VALUE,
                        r -> new java.io.UncheckedIOException(new java.io.IOException("Connection reset sending " + r.getUrl())))
                .fail(FaultPolicy.method("PUT").and(r -> r.getUrl().getPath().endsWith("refused")), 1,
                        r -> new IllegalStateException("proxy refused " + r.getUrl(), new RuntimeException(r.getUrl()
                                + " (cause)")));
        StoreLocation location = StoreLocation.parse("azure://" + AzureTests.freshContainer(), Map.of(
                AzureSettings.SAS_TOKEN, readWriteSas, AzureSettings.ENDPOINT, azurite.blobEndpoint(),
                "LIFEBOAT_AZURE_RETRY_SECONDS", "2"), Map.of());
        try (BlobStore store = AzureBlobStore.builder(location).create(true).addPolicy(faults).clock(time).sleeper(time)
                .open()) {
            for (String name : List.of("retried", "refused")) {
                String text = failureText(() -> store.putIfAbsent(name, bytes("x")));

                assertThat(text).contains("put " + name + " failed").contains(azurite.blobEndpoint())
                        .contains(Redactor.MASK);
                assertNoSecret(text, readWriteSas, signature(readWriteSas));
            }
        }
    }

    @Test
    void aMalformedConnectionStringIsNotQuoted() {
        String key = randomKey();
        StoreLocation location = StoreLocation.parse("azure://backups", Map.of(AzureSettings.CONNECTION_STRING,
                "AccountName=lifeboat;AccountKey=" + key + ";NoSuchSetting"), Map.of());

        String text = failureText(() -> AzureBlobStore.builder(location).open());

        assertThat(text).contains("AZURE_STORAGE_CONNECTION_STRING").doesNotContain(key);
    }

    @Test
    void describeAndToStringShowNoCredential() throws Exception {
        try (BlobStore store = AzureBlobStore.builder(AzureTests.location(azurite, AzureTests.freshContainer(), "a/b"))
                .create(true).open()) {
            assertThat(store.describe()).matches("azure://lifeboat/t[0-9a-f-]+/a/b");
            assertNoSecret(store.describe() + " " + store, azurite.accountKey(), azurite.connectionString());
        }
        AzureSettings settings = AzureSettings.from(AzureTests.location(azurite, "c1x", ""));
        assertNoSecret(settings.toString(), azurite.accountKey());
    }

    /** The SDK's logging at its most verbose, in a JVM of its own, while credentials work and fail. */
    @Test
    void theSdksMostVerboseLogsShowNoCredential() throws Exception {
        String wrongKey = randomKey();
        Path out = Files.createTempFile("lifeboat-log-probe", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), LogProbe.class.getName(), AzureTests.freshContainer())
                    .redirectErrorStream(true).redirectOutput(out.toFile());
            Map<String, String> env = pb.environment();
            env.put("AZURE_LOG_LEVEL", "verbose");
            env.put("AZURE_HTTP_LOG_DETAIL_LEVEL", "body_and_headers");
            env.put("PROBE_CONNECTION_STRING", azurite.connectionString());
            env.put("PROBE_SAS_READ_ONLY", readOnlySas);
            env.put("PROBE_ENDPOINT", azurite.blobEndpoint());
            env.put("PROBE_WRONG_KEY", wrongKey);
            Process p = pb.start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the probe finishes").isTrue();
            String log = Files.readString(out);

            assertThat(p.exitValue()).as(log).isZero();
            assertThat(log).contains("probe done").contains("opened azure://lifeboat/")
                    .contains("403") // the read-only SAS and the wrong key failed
                    .contains("NoSuchBlobException")
                    .containsIgnoringCase("x-ms-version"); // the SDK did log requests with their headers
            assertNoSecret(log, azurite.accountKey(), wrongKey, readOnlySas, signature(readOnlySas));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    // ---- helpers

    /** The message and whole stack trace (with causes) of what {@code call} throws. */
    private static String failureText(ThrowingCallable call) {
        List<Throwable> thrown = new ArrayList<>();
        try {
            call.call();
        } catch (Throwable t) {
            thrown.add(t);
        }
        assertThat(thrown).as("an exception").hasSize(1);
        StringWriter w = new StringWriter();
        thrown.getFirst().printStackTrace(new PrintWriter(w));
        return thrown.getFirst().getMessage() + "\n" + w;
    }

    /** Each secret, raw and URL-encoded, is absent from {@code text}. */
    private static void assertNoSecret(String text, String... secrets) {
        for (String secret : secrets) {
            assertThat(text).doesNotContain(secret);
            assertThat(text).doesNotContain(java.net.URLEncoder.encode(secret, StandardCharsets.UTF_8));
        }
    }

    /** The {@code sig} value of a SAS token, decoded. */
    private static String signature(String sas) {
        for (String part : sas.split("&")) {
            if (part.startsWith("sig=")) {
                return URLDecoder.decode(part.substring(4), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no sig in the SAS");
    }

    private static String randomKey() {
        byte[] key = new byte[64];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }
}
