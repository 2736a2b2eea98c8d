package io.lifeboat.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.RepositoryNotFoundException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreLocationTest {
    @TempDir
    Path tmp;

    @Test
    void aUrlSplitsIntoSchemeContainerAndPrefix() {
        StoreLocation l = StoreLocation.parse("S3://bucket/team/models/", Map.of("K", "v"), Map.of("s3-path-style", "true"));
        assertThat(l.scheme()).isEqualTo("s3");
        assertThat(l.container()).isEqualTo("bucket");
        assertThat(l.prefix()).isEqualTo("team/models");
        assertThat(l.url()).isEqualTo("s3://bucket/team/models");
        assertThat(l.env("K")).isEqualTo("v");
        assertThat(l.option("s3-path-style")).isEqualTo("true");
        assertThat(StoreLocation.parse("azure://c", Map.of(), Map.of()).prefix()).isEmpty();
    }

    @Test
    void credentialsInAUrlAreRefusedWithoutRepeatingThem() {
        assertThatThrownBy(() -> StoreLocation.parse("s3://AKIA:topsecret@bucket/p", Map.of(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no credentials")
                .hasMessageNotContaining("topsecret");
    }

    @Test
    void malformedUrlsAreRefused() {
        assertThatThrownBy(() -> StoreLocation.parse("s3:///prefix", Map.of(), Map.of())).hasMessageContaining("no bucket");
        assertThatThrownBy(() -> StoreLocation.parse("s3://b//p", Map.of(), Map.of())).hasMessageContaining("empty path");
    }

    @Test
    void localPathsAndFileUrlsOpenTheLocalBackend() throws Exception {
        assertThat(BlobStores.isLocal("/srv/repo")).isTrue();
        assertThat(BlobStores.isLocal("file:/srv/repo")).isTrue();
        assertThat(BlobStores.isLocal("relative/repo")).isTrue();
        assertThat(BlobStores.isLocal("s3://b/p")).isFalse();
        assertThat(BlobStores.localPath("file:///srv/repo")).isEqualTo(Path.of("/srv/repo"));
        Path dir = tmp.resolve("repo");
        try (BlobStore created = BlobStores.open("file:" + dir, Map.of(), Map.of(), true, false)) {
            created.putIfAbsent("config", new byte[] {1});
        }
        try (BlobStore opened = BlobStores.open(dir.toString(), Map.of(), Map.of(), false, false)) {
            assertThat(opened.get("config")).containsExactly(1);
        }
        assertThatThrownBy(() -> BlobStores.open(tmp.resolve("none").toString(), Map.of(), Map.of(), false, false))
                .isInstanceOf(RepositoryNotFoundException.class);
    }

    @Test
    void anUnknownSchemeNamesTheBackendsThereAre() {
        assertThatThrownBy(() -> BlobStores.open("gs://bucket/p", Map.of(), Map.of(), false, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no storage backend for gs://");
    }
}
