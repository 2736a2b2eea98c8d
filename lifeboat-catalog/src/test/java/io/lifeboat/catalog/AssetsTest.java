package io.lifeboat.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.BackupListener;
import io.lifeboat.core.BackupOptions;
import io.lifeboat.core.ManualClock;
import io.lifeboat.core.Repository;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.SnapshotNotFoundException;
import io.lifeboat.core.internal.crypto.KdfParams;
import io.lifeboat.core.internal.engine.BackupEngine;
import io.lifeboat.core.storage.local.LocalBlobStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AssetsTest {
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    @TempDir
    Path tmp;
    Repository repo;
    final ManualClock clock = new ManualClock(T0);

    @BeforeEach
    void emptyRepository() throws IOException {
        Repository.InitOptions options = Repository.InitOptions.defaults("h", "u").withKdf(KdfParams.TESTING);
        repo = Repository.init(LocalBlobStore.create(tmp.resolve("repo")), "pw".toCharArray(), options);
    }

    @AfterEach
    void close() throws IOException {
        repo.close();
    }

    /** Backs up {@code size} bytes as a one-file snapshot of {@code asset} at the clock's time, then moves it an hour on. */
    private Snapshot backup(String asset, String kind, int size) throws IOException {
        BackupOptions o = new BackupOptions(List.of(), new ByteArrayInputStream(new byte[size]), "data", List.of(),
                new TreeMap<>(), asset, kind, "h", "u", null, 1, clock);
        Snapshot s = new BackupEngine(repo, o, BackupListener.NONE).run();
        clock.advance(Duration.ofHours(1));
        return s;
    }

    @Test
    void eachAssetHasItsCountKindFirstTimeAndLatestSnapshotWithItsSize() throws IOException {
        Snapshot train1 = backup("train", "dataset", 100);
        backup(null, null, 5);
        Snapshot weights = backup("weights", "model", 2000);
        Snapshot train2 = backup("train", "dataset", 300);

        Assets assets = Assets.of(repo);

        assertThat(assets.all()).extracting(Assets.Asset::name).containsExactly("train", "weights");
        Assets.Asset train = assets.get("train").orElseThrow();
        assertThat(train.kind()).isEqualTo("dataset");
        assertThat(train.snapshots()).isEqualTo(2);
        assertThat(train.latestId()).isEqualTo(train2.id());
        assertThat(train.latestTime()).isEqualTo(T0.plus(Duration.ofHours(3)));
        assertThat(train.latestBytes()).isEqualTo(300);
        assertThat(train.first()).isEqualTo(train1.time());
        assertThat(train.age(T0.plus(Duration.ofHours(5)))).isEqualTo(Duration.ofHours(2));
        assertThat(assets.get("weights").orElseThrow().latestId()).isEqualTo(weights.id());
        assertThat(assets.snapshots("train")).extracting(Snapshot::id).containsExactly(train1.id(), train2.id());
        assertThat(assets.unassignedSnapshots()).isEqualTo(1);
        assertThat(assets.warnings()).isEmpty();
        assertThat(assets.ofKind("model")).extracting(Assets.Asset::name).containsExactly("weights");
        assertThat(assets.ofKind("secret")).isEmpty();
    }

    @Test
    void anEmptyRepositoryHasNoAssets() throws IOException {
        Assets assets = Assets.of(repo);
        assertThat(assets.all()).isEmpty();
        assertThat(assets.unassignedSnapshots()).isZero();
        assertThatThrownBy(() -> assets.latest("train")).isInstanceOf(SnapshotNotFoundException.class)
                .hasMessageContaining("asset 'train'");
    }

    @Test
    void forgottenSnapshotsAreNotPartOfAnAsset() throws IOException {
        Snapshot first = backup("train", "dataset", 100);
        Snapshot second = backup("train", "dataset", 200);
        repo.forget(second, clock.instant(), "h", "u", "test");

        assertThat(Assets.of(repo).latest("train").id()).isEqualTo(first.id());
        assertThat(Assets.of(repo).get("train").orElseThrow().snapshots()).isEqualTo(1);

        repo.forget(first, clock.instant(), "h", "u", "test");
        Assets none = Assets.of(repo);
        assertThat(none.all()).isEmpty();
        assertThatThrownBy(() -> none.latest("train")).isInstanceOf(SnapshotNotFoundException.class)
                .hasMessage("no live snapshot belongs to asset 'train' (it has none, or all were forgotten)");
    }

    @Test
    void snapshotsThatDisagreeOnTheKindGiveAWarningAndTheLatestKindWins() throws IOException {
        backup("app", "config", 10);
        backup("app", null, 10);
        backup("app", "secret", 10);

        Assets assets = Assets.of(repo);

        assertThat(assets.get("app").orElseThrow().kind()).isEqualTo("secret");
        assertThat(assets.warnings()).singleElement().asString()
                .contains("asset 'app'").contains("config, (none), secret").endsWith("its latest snapshot's: secret");
    }

    @Test
    void referencesNameTheLatestSnapshotOrOneOfTheAssetsOwn() throws IOException {
        Snapshot old = backup("team@corp", "model", 10);
        Snapshot latest = backup("team@corp", "model", 20);
        Snapshot other = backup("other", "model", 30);
        Assets assets = Assets.of(repo);

        assertThat(assets.resolve("team@corp@latest").id()).isEqualTo(latest.id());
        assertThat(assets.resolve("team@corp@" + old.id().hex().substring(0, 8)).id()).isEqualTo(old.id());
        assertThat(assets.resolve("other@" + other.id().hex()).id()).isEqualTo(other.id());

        assertThatThrownBy(() -> assets.resolve("other@" + old.id().hex())).isInstanceOf(SnapshotNotFoundException.class)
                .hasMessageContaining("asset 'other' has no live snapshot");
        assertThatThrownBy(() -> assets.resolve("missing@latest")).isInstanceOf(SnapshotNotFoundException.class)
                .hasMessageContaining("asset 'missing'");
        assertThatThrownBy(() -> assets.resolve("other@abc")).isInstanceOf(SnapshotNotFoundException.class)
                .hasMessageContaining("not a snapshot id");
        assertThatThrownBy(() -> assets.resolve("other@")).isInstanceOf(SnapshotNotFoundException.class)
                .hasMessageContaining("not an asset reference");
        assertThat(Assets.isAssetReference("other@latest")).isTrue();
        assertThat(Assets.isAssetReference("latest")).isFalse();
        assertThat(Assets.isAssetReference("@latest")).isFalse();
    }

    @Test
    void theKindsAreTheDocumentedOnes() {
        assertThat(Assets.KINDS).containsExactly("checkpoint", "config", "dataset", "environment", "model", "registry",
                "secret");
    }
}
