package io.lifeboat.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.azure.AzureSettings.CredentialKind;
import io.lifeboat.azure.AzureSettings.DataTier;
import io.lifeboat.azure.AzureSettings.Immutability;
import io.lifeboat.core.storage.StoreLocation;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading an azure:// location's settings, and the redactor: no server needed. */
class AzureSettingsTest {
    private static final String KEY = "c2VjcmV0LWtleS1ieXRlcy1mb3ItdGVzdGluZy1vbmx5LTEyMzQ1Njc4OTA+/w==";
    private static final Map<String, String> ACCOUNT_KEY = Map.of("AZURE_STORAGE_ACCOUNT", "prodbackups",
            "AZURE_STORAGE_KEY", KEY);

    private static AzureSettings settings(String url, Map<String, String> env, Map<String, String> options) {
        return AzureSettings.from(StoreLocation.parse(url, env, options));
    }

    private static AzureSettings settings(Map<String, String> env) {
        return settings("azure://backups/prod/eu", env, Map.of());
    }

    private static Map<String, String> with(Map<String, String> base, String... kv) {
        Map<String, String> m = new HashMap<>(base);
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void defaults() {
        AzureSettings s = settings(ACCOUNT_KEY);

        assertThat(s.container).isEqualTo("backups");
        assertThat(s.prefix).isEqualTo("prod/eu");
        assertThat(s.credentialKind).isEqualTo(CredentialKind.SHARED_KEY);
        assertThat(s.account).isEqualTo("prodbackups");
        assertThat(s.endpoint).isNull();
        assertThat(s.immutability).isEqualTo(Immutability.UNLOCKED);
        assertThat(s.dataTier).isNull();
        assertThat(s.blockSize).isEqualTo(4 << 20);
        assertThat(s.uploadThreads).isEqualTo(8);
        assertThat(s.retryTime).isEqualTo(Duration.ofSeconds(120));
    }

    @Test
    void aConnectionStringWinsOverKeyAndSas() {
        AzureSettings s = settings(with(ACCOUNT_KEY, "AZURE_STORAGE_CONNECTION_STRING", "AccountName=a;AccountKey=" + KEY,
                "AZURE_STORAGE_SAS_TOKEN", "sv=1&sig=abc"));

        assertThat(s.credentialKind).isEqualTo(CredentialKind.CONNECTION_STRING);
        assertThat(s.secrets()).contains("AccountName=a;AccountKey=" + KEY, KEY);
    }

    @Test
    void aKeyWinsOverSasAndNeedsTheAccount() {
        assertThat(settings(with(ACCOUNT_KEY, "AZURE_STORAGE_SAS_TOKEN", "sv=1&sig=abc")).credentialKind)
                .isEqualTo(CredentialKind.SHARED_KEY);
        assertThatThrownBy(() -> settings(Map.of("AZURE_STORAGE_KEY", KEY)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AZURE_STORAGE_ACCOUNT");
    }

    @Test
    void aSasTokenNeedsAnAccountOrAnEndpointAndLosesItsQuestionMark() {
        AzureSettings s = settings(Map.of("AZURE_STORAGE_SAS_TOKEN", "?sv=1&sig=abc",
                "AZURE_STORAGE_BLOB_ENDPOINT", "https://example.invalid"));
        assertThat(s.credentialKind).isEqualTo(CredentialKind.SAS);
        assertThat(s.secret).isEqualTo("sv=1&sig=abc");
        assertThat(settings(Map.of("AZURE_STORAGE_SAS_TOKEN", "sv=1&sig=abc", "AZURE_STORAGE_ACCOUNT", "acct1")).account)
                .isEqualTo("acct1");
        assertThatThrownBy(() -> settings(Map.of("AZURE_STORAGE_SAS_TOKEN", "sv=1&sig=abc")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AZURE_STORAGE_BLOB_ENDPOINT");
    }

    @Test
    void anEndpointWithAQueryIsRefusedWithoutQuotingTheQuery() {
        assertThatThrownBy(() -> settings(with(ACCOUNT_KEY, "AZURE_STORAGE_BLOB_ENDPOINT",
                "https://acct.blob.core.windows.net/?sv=1&sig=SECRETSIG")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("without a query")
                .hasMessageNotContaining("SECRETSIG");
    }

    @Test
    void namesAreChecked() {
        assertThatThrownBy(() -> settings("azure://Backups", ACCOUNT_KEY, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a valid Azure container name");
        for (String bad : new String[] {"ab", "a--b", "-ab", "ab-", "a_b", "a".repeat(64)}) {
            assertThatThrownBy(() -> settings("azure://" + bad, ACCOUNT_KEY, Map.of())).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(settings("azure://a-b-c", ACCOUNT_KEY, Map.of()).container).isEqualTo("a-b-c");
        assertThatThrownBy(() -> settings(Map.of("AZURE_STORAGE_ACCOUNT", "Bad_Name", "AZURE_STORAGE_KEY", KEY)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("storage account name");
    }

    @Test
    void noCredentialsAtAll() {
        assertThatThrownBy(() -> settings(Map.of("AZURE_STORAGE_ACCOUNT", "acct1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no Azure credentials");
    }

    @Test
    void optionsWinOverTheEnvironment() {
        AzureSettings s = settings("azure://backups", with(ACCOUNT_KEY, "LIFEBOAT_AZURE_DATA_TIER", "cool",
                "LIFEBOAT_AZURE_IMMUTABILITY", "off"), Map.of("azure-data-tier", "cold", "azure-immutability", "unlocked",
                "azure-block-size", "8", "azure-upload-threads", "2", "azure-retry-seconds", "600"));

        assertThat(s.dataTier).isEqualTo(DataTier.COLD);
        assertThat(s.immutability).isEqualTo(Immutability.UNLOCKED);
        assertThat(s.blockSize).isEqualTo(8 << 20);
        assertThat(s.uploadThreads).isEqualTo(2);
        assertThat(s.retryTime).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void tiersAndImmutabilityModes() {
        assertThat(settings(with(ACCOUNT_KEY, "LIFEBOAT_AZURE_DATA_TIER", "HOT")).dataTier).isEqualTo(DataTier.HOT);
        assertThatThrownBy(() -> settings(with(ACCOUNT_KEY, "LIFEBOAT_AZURE_DATA_TIER", "archive")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LIFEBOAT_AZURE_DATA_TIER=archive")
                .hasMessageContaining("rehydrated");
        assertThatThrownBy(() -> settings("azure://backups", ACCOUNT_KEY, Map.of("azure-data-tier", "archive")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("azure-data-tier=archive");
        assertThatThrownBy(() -> settings(with(ACCOUNT_KEY, "LIFEBOAT_AZURE_DATA_TIER", "premium")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hot, cool or cold");
        assertThat(settings(with(ACCOUNT_KEY, "LIFEBOAT_AZURE_IMMUTABILITY", "Emulated")).immutability)
                .isEqualTo(Immutability.EMULATED);
        assertThatThrownBy(() -> settings(with(ACCOUNT_KEY, "LIFEBOAT_AZURE_IMMUTABILITY", "worm")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("locked, unlocked, emulated or off");
    }

    @Test
    void numbersAreBounded() {
        for (String bad : new String[] {"0", "1025", "x", "-1", "4.5"}) {
            assertThatThrownBy(() -> settings(with(ACCOUNT_KEY, "LIFEBOAT_AZURE_BLOCK_SIZE_MIB", bad))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LIFEBOAT_AZURE_BLOCK_SIZE_MIB");
        }
        assertThat(settings(with(ACCOUNT_KEY, "LIFEBOAT_AZURE_RETRY_SECONDS", "0")).retryTime).isZero();
    }

    @Test
    void toStringShowsNoSecret() {
        assertThat(settings(ACCOUNT_KEY).toString()).doesNotContain(KEY).contains("SHARED_KEY");
    }

    // ---- the redactor

    @Test
    void theRedactorRemovesKnownSecretsAlsoUrlEncoded() {
        Redactor r = new Redactor(settings(ACCOUNT_KEY).secrets());

        assertThat(r.clean("key " + KEY + " and " + java.net.URLEncoder.encode(KEY, java.nio.charset.StandardCharsets.UTF_8)))
                .isEqualTo("key [REDACTED] and [REDACTED]");
    }

    @Test
    void theRedactorRemovesAnySignatureItSees() {
        Redactor r = new Redactor(java.util.List.of());

        assertThat(r.clean("GET https://a.blob.core.windows.net/c/b?sv=2024&sig=abc%2Fdef%3D&se=2030 failed"))
                .isEqualTo("GET https://a.blob.core.windows.net/c/b?sv=2024&sig=[REDACTED]&se=2030 failed");
        assertThat(r.clean("AccountName=a;AccountKey=abc/def==;EndpointSuffix=x"))
                .isEqualTo("AccountName=a;AccountKey=[REDACTED];EndpointSuffix=x");
        assertThat(r.clean("BlobEndpoint=x;SharedAccessSignature=sv=1&sig=zz"))
                .isEqualTo("BlobEndpoint=x;SharedAccessSignature=[REDACTED]");
        assertThat(r.clean("Authorization: SharedKey acct:c2lnbmF0dXJl")).isEqualTo("Authorization: SharedKey acct:[REDACTED]");
    }

    @Test
    void aRedactedCopyKeepsTheTraceButNotTheSecret() {
        Redactor r = new Redactor(java.util.List.of("topsecretvalue"));
        RuntimeException original = new RuntimeException("outer topsecretvalue",
                new IllegalStateException("inner sig=abcdef"));

        Exception copy = r.redacted(original);

        assertThat(copy).hasMessage("java.lang.RuntimeException: outer [REDACTED]");
        assertThat(copy.getStackTrace()).isEqualTo(original.getStackTrace());
        assertThat(copy.getCause()).hasMessage("java.lang.IllegalStateException: inner sig=[REDACTED]");
    }
}
