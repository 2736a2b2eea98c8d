package io.lifeboat.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.catalog.internal.EventLog;
import io.lifeboat.core.Id;
import io.lifeboat.core.ManualClock;
import io.lifeboat.core.Repository;
import io.lifeboat.core.RestoreOptions;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.internal.engine.RestoreEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistryTest {
    @TempDir
    Path tmp;

    ManualClock clock = new ManualClock(Instant.parse("2026-11-01T08:00:00Z"));
    Repository repo;
    ModelRegistry registry;

    @BeforeEach
    void setUp() throws Exception {
        repo = TestRepos.create(tmp.resolve("repo"));
        registry = new ModelRegistry(repo, clock, "alice@host");
    }

    private ModelVersion register(String model, String weights) throws Exception {
        return register(model, weights, null, null);
    }

    private ModelVersion register(String model, String weights, String dataset, String alias) throws Exception {
        Path dir = tmp.resolve("work").resolve(model);
        TestRepos.write(dir.resolve("weights.bin"), weights);
        clock.advance(Duration.ofMinutes(1));
        ModelRegistry.Registration r = new ModelRegistry.Registration(model, new TreeMap<>(Map.of("accuracy", 0.9)),
                new TreeMap<>(Map.of("lr", "3e-4")), dataset, "abc123", alias);
        return registry.register(r, TestRepos.artifacts(dir, clock), new io.lifeboat.core.BackupListener() { }).version();
    }

    private String restoredWeights(ModelVersion v) throws Exception {
        Path into = Files.createTempDirectory(tmp, "restore");
        Snapshot s = repo.loadSnapshot(v.snapshot());
        new RestoreEngine(repo, new RestoreOptions(into, List.of(), 2)).run(s);
        Path dir = tmp.resolve("work").resolve(v.model());
        return Files.readString(into.resolve(dir.toString().substring(1)).resolve("weights.bin"));
    }

    private Instant tick() {
        clock.advance(Duration.ofSeconds(30));
        Instant t = clock.instant();
        clock.advance(Duration.ofSeconds(30));
        return t;
    }

    @Test
    void versionsAreNumberedFromOneAndRecordWhatWasGiven() throws Exception {
        ModelVersion v1 = register("fraud", "w1");
        ModelVersion v2 = register("fraud", "w2");
        assertThat(v1.version()).isEqualTo(1);
        assertThat(v2.version()).isEqualTo(2);
        assertThat(v2.metrics()).containsEntry("accuracy", 0.9);
        assertThat(v2.params()).containsEntry("lr", "3e-4");
        assertThat(v2.codeRev()).isEqualTo("abc123");
        assertThat(v2.registeredBy()).isEqualTo("alice@host");
        Snapshot s = repo.loadSnapshot(v2.snapshot());
        assertThat(s.asset()).isEqualTo("fraud");
        assertThat(s.kind()).isEqualTo("model");
        assertThat(restoredWeights(v1)).isEqualTo("w1");
        assertThat(restoredWeights(v2)).isEqualTo("w2");
    }

    @Test
    void anAliasReadAsOfEachMomentPointsWhereItPointedThen() throws Exception {
        register("fraud", "w1");
        register("fraud", "w2");
        register("fraud", "w3");
        Instant beforeAlias = tick();
        registry.alias("fraud", "production", 2);
        Instant at2 = tick();
        registry.alias("fraud", "production", 3);
        Instant at3 = tick();
        assertThat(registry.alias("fraud", "production", 2)).isEqualTo(3);
        Instant back2 = tick();

        assertThatThrownBy(() -> registry.view(beforeAlias).resolve("fraud@production"))
                .isInstanceOf(CatalogNotFoundException.class).hasMessageContaining("no alias production");
        assertThat(registry.view(at2).resolve("fraud@production").version()).isEqualTo(2);
        assertThat(registry.view(at3).resolve("fraud@production").version()).isEqualTo(3);
        assertThat(registry.view(back2).resolve("fraud@production").version()).isEqualTo(2);
        assertThat(registry.view().resolve("fraud@production").version()).isEqualTo(2);
        assertThat(restoredWeights(registry.view(at3).resolve("fraud@production"))).isEqualTo("w3");
        assertThat(restoredWeights(registry.view().resolve("fraud@production"))).isEqualTo("w2");
    }

    @Test
    void aDeletedVersionIsStillThereAndRestorableAsOfBeforeItsDeletion() throws Exception {
        register("fraud", "w1");
        ModelVersion v2 = register("fraud", "w2");
        Instant beforeDelete = tick();
        registry.delete("fraud", 2, "bad calibration");
        ModelVersion v3 = register("fraud", "w3");

        assertThat(v3.version()).isEqualTo(3);
        RegistryView now = registry.view();
        assertThat(now.resolve("fraud@2").live()).isFalse();
        assertThat(now.resolve("fraud@2").deleted().reason()).isEqualTo("bad calibration");
        assertThat(now.resolve("fraud").version()).isEqualTo(3);
        assertThat(repo.snapshots()).extracting(Snapshot::id).doesNotContain(v2.snapshot());

        RegistryView then = registry.view(beforeDelete);
        ModelVersion old = then.resolve("fraud@2");
        assertThat(old.live()).isTrue();
        assertThat(then.model("fraud").versions()).containsOnlyKeys(1, 2);
        assertThat(restoredWeights(old)).isEqualTo("w2");

        registry.undelete("fraud", 2);
        assertThat(registry.view().resolve("fraud@2").live()).isTrue();
        assertThat(repo.snapshots()).extracting(Snapshot::id).contains(v2.snapshot());
    }

    @Test
    void anAliasedVersionCannotBeDeletedAndADeletedOneCannotBeAliased() throws Exception {
        register("fraud", "w1", null, "production");
        register("fraud", "w2");
        assertThatThrownBy(() -> registry.delete("fraud", 1, null)).isInstanceOf(CatalogRefusedException.class)
                .hasMessageContaining("aliased as production");
        registry.delete("fraud", 2, null);
        assertThatThrownBy(() -> registry.alias("fraud", "staging", 2)).isInstanceOf(CatalogRefusedException.class)
                .hasMessageContaining("deleted");
        assertThatThrownBy(() -> registry.delete("fraud", 2, null)).isInstanceOf(CatalogRefusedException.class)
                .hasMessageContaining("already deleted");
        assertThatThrownBy(() -> registry.undelete("fraud", 1)).isInstanceOf(CatalogRefusedException.class);
        assertThat(registry.view().resolve("fraud@production").version()).isEqualTo(1);
    }

    @Test
    void aVersionWhoseDataWasPrunedCannotComeBack() throws Exception {
        register("fraud", "w1");
        ModelVersion v2 = register("fraud", "w2");
        registry.delete("fraud", 2, null);
        repo.store().delete(Repository.SNAPSHOTS + "/" + v2.snapshot().hex()); // what a prune after the grace period does
        assertThatThrownBy(() -> registry.undelete("fraud", 2)).isInstanceOf(CatalogRefusedException.class)
                .hasMessageContaining("prune removed");
    }

    @Test
    void lineageNamesTheDatasetSnapshot() throws Exception {
        Path data = tmp.resolve("data");
        TestRepos.write(data.resolve("train.csv"), "a,b\n1,2\n");
        Snapshot first = TestRepos.backup(repo, data, "training-data", "dataset", clock);
        clock.advance(Duration.ofMinutes(1));
        TestRepos.write(data.resolve("train.csv"), "a,b\n1,2\n3,4\n");
        Snapshot second = TestRepos.backup(repo, data, "training-data", "dataset", clock);

        ModelVersion byAsset = register("fraud", "w1", "training-data@latest", null);
        ModelVersion byId = register("fraud", "w2", first.id().hex().substring(0, 10), null);
        assertThat(byAsset.lineage().datasetSnapshot()).isEqualTo(second.id());
        assertThat(byAsset.lineage().datasetAsset()).isEqualTo("training-data");
        assertThat(byId.lineage().datasetSnapshot()).isEqualTo(first.id());
        assertThatThrownBy(() -> register("fraud", "w3", "nothing@latest", null))
                .isInstanceOf(io.lifeboat.core.SnapshotNotFoundException.class);
        assertThat(registry.view().model("fraud").versions()).hasSize(2); // a bad reference registers nothing
    }

    @Test
    void aNumberClaimedByAWriterThatDiedIsSkipped() throws Exception {
        register("fraud", "w1");
        assertThat(new EventLog(repo).claim("fraud", 2)).isTrue(); // claimed, then the writer died
        assertThat(new EventLog(repo).claim("fraud", 2)).isFalse();
        ModelVersion next = register("fraud", "w3");
        assertThat(next.version()).isEqualTo(3);
        assertThat(registry.view().model("fraud").versions()).containsOnlyKeys(1, 3);
        assertThat(registry.view().problems()).isEmpty();
    }

    @Test
    void writersRegisteringAtTheSameMomentGetDistinctVersions() throws Exception {
        Path dir = tmp.resolve("work/w");
        TestRepos.write(dir.resolve("weights.bin"), "w");
        Id snapshot = TestRepos.backup(repo, dir, "fraud", "model", clock).id();
        int writers = 4;
        int rounds = 8;
        CyclicBarrier barrier = new CyclicBarrier(writers);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<List<Integer>>> results = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            String who = "writer" + w + "@host";
            results.add(pool.submit(() -> {
                List<Integer> mine = new ArrayList<>();
                try (Repository own = TestRepos.open(tmp.resolve("repo"))) {
                    ModelRegistry r = new ModelRegistry(own, clock, who);
                    for (int i = 0; i < rounds; i++) {
                        barrier.await();
                        mine.add(r.registerSnapshot(new ModelRegistry.Registration("fraud", new TreeMap<>(),
                                new TreeMap<>(), null, null, null), snapshot, null).version());
                    }
                }
                return mine;
            }));
        }
        List<Integer> all = new ArrayList<>();
        for (Future<List<Integer>> f : results) {
            all.addAll(f.get());
        }
        pool.shutdown();
        assertThat(all).doesNotHaveDuplicates().hasSize(writers * rounds);
        RegistryView view = registry.view();
        assertThat(view.problems()).isEmpty();
        assertThat(view.model("fraud").versions().keySet()).containsExactlyInAnyOrderElementsOf(all);
        assertThat(all).allMatch(v -> v >= 1 && v <= writers * rounds);
    }

    @Test
    void aWriterWhoseClockIsBehindStillActsAfterWhatItRead() throws Exception {
        register("fraud", "w1");
        register("fraud", "w2");
        ManualClock behind = new ManualClock(clock.instant().minus(Duration.ofHours(1)));
        ModelRegistry late = new ModelRegistry(repo, behind, "bob@slow-host");
        late.delete("fraud", 2, "from a host an hour behind");
        late.alias("fraud", "production", 1);
        RegistryView v = registry.view();
        assertThat(v.resolve("fraud@2").live()).isFalse();
        assertThat(v.resolve("fraud@production").version()).isEqualTo(1);
        assertThat(v.resolve("fraud@2").deleted().time()).isAfter(v.resolve("fraud@2").registered());
    }

    @Test
    void namesAreChecked() {
        assertThatThrownBy(() -> Names.requireModel("../etc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Names.requireAlias("3")).hasMessageContaining("version number");
        assertThatThrownBy(() -> Names.requireAlias("latest")).hasMessageContaining("reserved");
        assertThat(Names.requireAlias("production")).isEqualTo("production");
    }
}
