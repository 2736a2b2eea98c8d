package io.lifeboat.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.storage.StoreLocation;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.StorageClass;

class S3SettingsTest {
    private static S3Settings settings(String url, Map<String, String> env, Map<String, String> options) {
        return S3Settings.from(StoreLocation.parse(url, env, options));
    }

    private static S3Settings settings(String url) {
        return settings(url, Map.of(), Map.of());
    }

    @Test
    void theDefaultsAreAmazonS3VirtualHostedGovernanceStandardAndFiveMinutes() {
        S3Settings s = settings("s3://backups/lifeboat/prod");

        assertThat(s.bucket()).isEqualTo("backups");
        assertThat(s.prefix()).isEqualTo("lifeboat/prod");
        assertThat(s.endpoint()).isNull();
        assertThat(s.pathStyle()).isFalse();
        assertThat(s.region()).isNull();
        assertThat(s.lockMode()).isEqualTo(ObjectLockMode.GOVERNANCE);
        assertThat(s.dataStorageClass()).isNull();
        assertThat(s.retryTime()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.describe()).isEqualTo("s3://backups/lifeboat/prod");
        assertThat(s.key("data/ab/abcd")).isEqualTo("lifeboat/prod/data/ab/abcd");
        assertThat(settings("s3://backups").key("config")).isEqualTo("config");
        assertThat(settings("s3://backups").keyPrefix()).isEmpty();
    }

    @Test
    void theEndpointComesFromTheOptionThenTheS3VariableThenTheGeneralOne() {
        Map<String, String> env = Map.of("AWS_ENDPOINT_URL", "http://general:1", "AWS_ENDPOINT_URL_S3", "http://s3only:2");

        assertThat(settings("s3://bkt", env, Map.of("s3-endpoint", "https://option:3")).endpoint())
                .isEqualTo(URI.create("https://option:3"));
        assertThat(settings("s3://bkt", env, Map.of()).endpoint()).isEqualTo(URI.create("http://s3only:2"));
        assertThat(settings("s3://bkt", Map.of("AWS_ENDPOINT_URL", "http://general:1"), Map.of()).endpoint())
                .isEqualTo(URI.create("http://general:1"));
    }

    @Test
    void pathStyleIsAutomaticForAddressesAndLocalhostAndCanBeForcedEitherWay() {
        assertThat(settings("s3://bkt", Map.of(), Map.of("s3-endpoint", "http://127.0.0.1:9000")).pathStyle()).isTrue();
        assertThat(settings("s3://bkt", Map.of(), Map.of("s3-endpoint", "http://localhost:9000")).pathStyle()).isTrue();
        assertThat(settings("s3://bkt", Map.of(), Map.of("s3-endpoint", "http://[::1]:9000")).pathStyle()).isTrue();
        assertThat(settings("s3://bkt", Map.of(), Map.of("s3-endpoint", "https://minio.example.com")).pathStyle()).isFalse();
        assertThat(settings("s3://bkt", Map.of(), Map.of("s3-endpoint", "https://minio.example.com", "s3-path-style",
                "true")).pathStyle()).isTrue();
        assertThat(settings("s3://bkt", Map.of(), Map.of("s3-endpoint", "http://127.0.0.1:9000", "s3-path-style",
                "false")).pathStyle()).isFalse();
        assertThatThrownBy(() -> settings("s3://bkt", Map.of(), Map.of("s3-path-style", "maybe")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("s3-path-style");
    }

    @Test
    void describeShowsACustomEndpointButNeverAnyCredential() {
        S3Settings s = settings("s3://bkt/p", Map.of("AWS_SECRET_ACCESS_KEY", "sekrit"),
                Map.of("s3-endpoint", "https://minio.example.com:9000/"));

        assertThat(s.describe()).isEqualTo("s3://bkt/p (endpoint https://minio.example.com:9000)");
    }

    @Test
    void anEndpointWithCredentialsIsRefusedWithoutRepeatingThem() {
        assertThatThrownBy(() -> settings("s3://bkt", Map.of(), Map.of("s3-endpoint", "http://AKIA:sekrit@host:9000")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("carries credentials")
                .hasMessageNotContaining("sekrit")
                .hasMessageNotContaining("AKIA");
    }

    @Test
    void malformedEndpointsAreRefused() {
        for (String bad : new String[] {"minio:9000", "ftp://host", "http://", "http://host/?x=1"}) {
            assertThatThrownBy(() -> settings("s3://bkt", Map.of(), Map.of("s3-endpoint", bad)))
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("endpoint");
        }
    }

    @Test
    void bucketNamesFollowS3Rules() {
        for (String bad : new String[] {"B", "ab", "Upper", "under_score", "-start", "end-", "a..b"}) {
            assertThatThrownBy(() -> settings("s3://" + bad + "/p"))
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bucket name");
        }
        assertThat(settings("s3://my.bucket-01").bucket()).isEqualTo("my.bucket-01");
    }

    @Test
    void theRegionComesFromTheOptionOrTheEnvironment() {
        assertThat(settings("s3://bkt", Map.of("AWS_REGION", "eu-west-1", "AWS_DEFAULT_REGION", "us-west-2"), Map.of())
                .region()).isEqualTo("eu-west-1");
        assertThat(settings("s3://bkt", Map.of("AWS_DEFAULT_REGION", "us-west-2"), Map.of()).region()).isEqualTo("us-west-2");
        assertThat(settings("s3://bkt", Map.of("AWS_REGION", "eu-west-1"), Map.of("s3-region", "ap-south-1")).region())
                .isEqualTo("ap-south-1");
    }

    @Test
    void theLockModeIsGovernanceOrCompliance() {
        assertThat(settings("s3://bkt", Map.of("LIFEBOAT_S3_LOCK_MODE", "compliance"), Map.of()).lockMode())
                .isEqualTo(ObjectLockMode.COMPLIANCE);
        assertThat(settings("s3://bkt", Map.of("LIFEBOAT_S3_LOCK_MODE", "compliance"), Map.of("s3-lock-mode", "GOVERNANCE"))
                .lockMode()).isEqualTo(ObjectLockMode.GOVERNANCE);
        assertThatThrownBy(() -> settings("s3://bkt", Map.of(), Map.of("s3-lock-mode", "legal-hold")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("GOVERNANCE or COMPLIANCE");
    }

    @Test
    void onlyPacksGoToTheDataStorageClass() {
        S3Settings s = settings("s3://bkt", Map.of(), Map.of("s3-data-storage-class", "glacier_ir"));

        assertThat(s.storageClass("data/ab/abcd")).isEqualTo(StorageClass.GLACIER_IR);
        for (String metadata : new String[] {"config", "index/01", "snapshots/01", "keys/01", "locks/01", "database"}) {
            assertThat(s.storageClass(metadata)).as(metadata).isNull();
        }
        assertThat(settings("s3://bkt", Map.of(), Map.of("s3-data-storage-class", "STANDARD")).storageClass("data/x"))
                .isNull();
    }

    @Test
    void archiveClassesThatNeedARestoreAreRefused() {
        for (String archive : new String[] {"GLACIER", "DEEP_ARCHIVE"}) {
            assertThatThrownBy(() -> settings("s3://bkt", Map.of(), Map.of("s3-data-storage-class", archive)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("restored before they can be read");
        }
        assertThatThrownBy(() -> settings("s3://bkt", Map.of("LIFEBOAT_S3_DATA_STORAGE_CLASS", "COLDEST"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown storage class");
    }

    @Test
    void theRetryTimeReadsLikeADuration() {
        assertThat(settings("s3://bkt", Map.of(), Map.of("s3-retry-time", "90s")).retryTime()).isEqualTo(Duration.ofSeconds(90));
        assertThat(settings("s3://bkt", Map.of("LIFEBOAT_S3_RETRY_TIME", "1h"), Map.of()).retryTime())
                .isEqualTo(Duration.ofHours(1));
        assertThat(settings("s3://bkt", Map.of(), Map.of("s3-retry-time", "PT2M")).retryTime()).isEqualTo(Duration.ofMinutes(2));
        assertThat(settings("s3://bkt", Map.of(), Map.of("s3-retry-time", "500ms")).retryTime()).isEqualTo(Duration.ofMillis(500));
        assertThatThrownBy(() -> settings("s3://bkt", Map.of(), Map.of("s3-retry-time", "soon")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("s3-retry-time");
    }
}
