package io.lifeboat.dr;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.catalog.RecoveryPoint;
import io.lifeboat.catalog.RecoveryPoints;
import io.lifeboat.core.ManualClock;
import io.lifeboat.core.Repository;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.internal.crypto.KdfParams;
import io.lifeboat.core.retention.RetentionPolicy;
import io.lifeboat.dr.plan.AssetSpec;
import io.lifeboat.dr.plan.Plan;
import io.lifeboat.dr.plan.Policy;
import io.lifeboat.dr.plan.Schedule;
import io.lifeboat.dr.plan.Site;
import io.lifeboat.dr.replicate.Replicator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** protect, replicate and status over three local sites, with residency, as a plan drives them. */
class ProtectReplicateTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "s3cr3t-" + Long.toHexString(System.nanoTime());

    @TempDir
    Path tmp;
    ManualClock clock = new ManualClock(Instant.parse("2026-11-23T08:00:00Z"));
    Path data;
    Path config;
    Plan plan;
    SiteAccess sites;
    AuditLog audit;

    @BeforeEach
    void sitesAndWorkspace() throws Exception {
        data = Files.createDirectories(tmp.resolve("workspace/train"));
        Files.writeString(data.resolve("part-0.jsonl"), "{\"text\": \"eu only\"}\n");
        config = Files.createDirectories(tmp.resolve("workspace/config"));
        Files.writeString(config.resolve("serving.yaml"), "replicas: 2\n");
        sites = new SiteAccess(Map.of("DB_PASSWORD", SECRET), s -> "pass".toCharArray(), KdfParams.TESTING, "host", "ops");
        audit = new AuditLog(tmp.resolve("audit.log"), clock, "ops@host");
        plan = plan(List.of("eu-north"));
    }

    private Site site(String name, String jurisdiction, Site.Role role) {
        return new Site(name, "file:" + tmp.resolve("sites").resolve(name), jurisdiction, role,
                role == Site.Role.PRIMARY ? Site.Standby.HOT : Site.Standby.WARM, null, Map.of(), List.of(), List.of(), 1);
    }

    private static Policy policy(List<String> residency, List<String> replicateTo) {
        return new Policy(new Schedule.Interval(Duration.ofMinutes(15)), Duration.ofMinutes(30), Duration.ofMinutes(15),
                RetentionPolicy.builder().keepLast(3).build(), null, residency, replicateTo);
    }

    /** The training data may live in the EU only; {@code trainingTargets} is where it asks to be replicated. */
    private Plan plan(List<String> trainingTargets) {
        return new Plan(1, List.of(site("eu-west", "eu", Site.Role.PRIMARY), site("eu-north", "eu", Site.Role.SECONDARY),
                site("us-east", "us", Site.Role.SECONDARY)), List.of(
                new AssetSpec("training-data", "dataset", List.of(data.toString()), List.of(), null, null, null, null,
                        policy(List.of("eu"), trainingTargets), 1),
                new AssetSpec("serving-config", "config", List.of(config.toString()), List.of(), null, null, null, null,
                        policy(List.of(), List.of("eu-north", "us-east")), 1),
                new AssetSpec("db-password", "secret", List.of(), List.of(), null, null, "DB_PASSWORD", null,
                        policy(List.of("eu"), List.of("eu-north")), 1),
                new AssetSpec("eval-report", "config", List.of(), List.of(), "printf 'auc=0.94\\n'", "report.txt", null,
                        null, policy(List.of(), List.of("eu-north")), 1)), tmp.resolve("lifeboat.yaml"));
    }

    private Protector.Report protect() throws Exception {
        return new Protector(plan, sites, audit, clock, ZoneOffset.UTC, Map.of("DB_PASSWORD", SECRET), 2)
                .run(false, Set.of());
    }

    private List<ReplicationRunner.Copy> replicate(String only) throws Exception {
        return new ReplicationRunner(plan, sites, audit, Replicator.Options.defaults()).run(only, new Replicator.Listener() { });
    }

    private List<PlanStatus.Row> status() throws Exception {
        return new PlanStatus(plan, sites, clock).rows();
    }

    private static PlanStatus.Row row(List<PlanStatus.Row> rows, String asset, String site) {
        return rows.stream().filter(r -> r.asset().equals(asset) && r.site().equals(site)).findFirst().orElseThrow();
    }

    private List<JsonNode> auditLines() throws Exception {
        return Files.readAllLines(audit.file()).stream().map(l -> {
            try {
                return JSON.readTree(l);
            } catch (Exception e) {
                throw new AssertionError(l, e);
            }
        }).toList();
    }

    @Test
    void protectBacksUpWhatIsDueToThePrimaryDomainRepositoriesAndRecordsRecoveryPoints() throws Exception {
        Protector.Report first = protect();
        assertThat(first.outcomes()).extracting(Protector.Outcome::action).containsOnly(Protector.Action.BACKED_UP);
        assertThat(first.recoveryPoints()).containsOnlyKeys("eu", "global");
        assertThat(tmp.resolve("sites/eu-west/eu/config")).exists();
        assertThat(tmp.resolve("sites/eu-west/global/config")).exists();

        clock.advance(Duration.ofMinutes(5));
        assertThat(protect().outcomes()).extracting(Protector.Outcome::action).containsOnly(Protector.Action.NOT_DUE);
        clock.advance(Duration.ofMinutes(11));
        Files.writeString(data.resolve("part-1.jsonl"), "{\"text\": \"more\"}\n");
        Protector.Report third = protect();
        assertThat(third.outcomes()).extracting(Protector.Outcome::action).containsOnly(Protector.Action.BACKED_UP);

        try (Repository eu = sites.open(plan.primary(), "eu")) {
            RecoveryPoint rp = new RecoveryPoints(eu, clock, "t").find(Protector.RECOVERY_POINT, null);
            assertThat(rp.members()).extracting(RecoveryPoint.Member::asset)
                    .containsExactlyInAnyOrder("training-data", "db-password");
            Snapshot report;
            try (Repository global = sites.open(plan.primary(), "global")) {
                report = io.lifeboat.catalog.Assets.of(global).latest("eval-report");
            }
            assertThat(report.summary().totalBytes()).isEqualTo("auc=0.94\n".length());
        }
        assertThat(auditLines()).extracting(j -> j.get("event").asText()).contains("backup");
    }

    @Test
    void aFailingCommandKeepsNoSnapshot() throws Exception {
        plan = new Plan(1, plan.sites(), List.of(new AssetSpec("broken", "config", List.of(), List.of(),
                "printf partial; exit 3", "out", null, null, policy(List.of(), List.of()), 1)), plan.file());
        Protector.Report r = protect();
        assertThat(r.outcomes()).singleElement().satisfies(o -> {
            assertThat(o.action()).isEqualTo(Protector.Action.FAILED);
            assertThat(o.message()).contains("exited with status 3");
        });
        assertThat(r.failed()).isTrue();
    }

    @Test
    void replicationHonoursResidencyWhateverIsAsked() throws Exception {
        plan = plan(List.of("eu-north", "us-east")); // asks to send EU-only data to the US
        protect();
        List<ReplicationRunner.Copy> copies = replicate(null);
        ReplicationRunner.Copy refused = copies.stream().filter(c -> c.site().equals("us-east") && c.domain().equals("eu"))
                .findFirst().orElseThrow();
        assertThat(refused.refused()).contains("excludes site us-east").contains("training-data");
        assertThat(refused.result()).isNull();
        assertThat(copies.stream().filter(c -> c.site().equals("eu-north")).map(ReplicationRunner.Copy::domain))
                .containsExactlyInAnyOrder("eu", "global");
        assertThat(replicate("us-east")).noneMatch(c -> c.result() != null && c.domain().equals("eu"));

        Path us = tmp.resolve("sites/us-east");
        assertThat(us.resolve("eu")).doesNotExist();
        assertThat(us.resolve("global/config")).exists();
        Set<String> euObjects = objectNames(tmp.resolve("sites/eu-west/eu"));
        assertThat(objectNames(us)).doesNotContainAnyElementsOf(euObjects);
        assertThat(auditLines()).anySatisfy(j -> {
            assertThat(j.get("event").asText()).isEqualTo("residency-refused");
            assertThat(j.get("site").asText()).isEqualTo("us-east");
        });
        // The secret never reaches a site's bytes in the clear.
        for (Path f : regularFiles(tmp.resolve("sites"))) {
            assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).doesNotContain(SECRET);
        }
    }

    @Test
    void anAssetWhoseResidencyExcludesThePrimaryIsNeverWritten() throws Exception {
        plan = new Plan(1, plan.sites(), List.of(new AssetSpec("us-logs", "dataset", List.of(data.toString()), List.of(),
                null, null, null, null, policy(List.of("us"), List.of("us-east")), 1)), plan.file());
        Protector.Report r = protect();
        assertThat(r.outcomes()).singleElement().satisfies(o -> {
            assertThat(o.action()).isEqualTo(Protector.Action.REFUSED);
            assertThat(o.message()).contains("excludes the primary site eu-west");
        });
        assertThat(tmp.resolve("sites/eu-west/us")).doesNotExist();
        assertThat(auditLines()).singleElement().satisfies(j -> assertThat(j.get("event").asText()).isEqualTo("residency-refused"));
    }

    @Test
    void statusReportsABreachWhenReplicationStopsAndClearsWhenItResumes() throws Exception {
        protect();
        replicate(null);
        clock.advance(Duration.ofMinutes(10));
        List<PlanStatus.Row> fresh = status();
        assertThat(fresh).noneMatch(PlanStatus.Row::breached);
        PlanStatus.Row north = row(fresh, "training-data", "eu-north");
        assertThat(north.age()).isEqualTo(Duration.ofMinutes(10));
        assertThat(north.lagBytes()).isZero();

        // Protect keeps running at the primary; replication stops.
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofMinutes(15));
            Files.writeString(data.resolve("part-" + (i + 2) + ".jsonl"), "{\"round\": " + i + "}\n");
            protect();
        }
        List<PlanStatus.Row> stale = status();
        assertThat(row(stale, "training-data", "eu-west").breached()).isFalse();
        PlanStatus.Row behind = row(stale, "training-data", "eu-north");
        assertThat(behind.breached()).isTrue();
        assertThat(behind.age()).isGreaterThan(Duration.ofMinutes(30));
        assertThat(behind.lagBytes()).isPositive();
        assertThat(behind.lagTime()).isEqualTo(Duration.ofMinutes(55)); // the primary protected at +25, +40 and +55 minutes

        replicate(null);
        List<PlanStatus.Row> resumed = status();
        assertThat(resumed).noneMatch(PlanStatus.Row::breached);
        assertThat(row(resumed, "training-data", "eu-north").lagBytes()).isZero();
    }

    @Test
    void aRegisteredModelJoinsTheRecoveryPointAndDriftShowsRegistryDifferences() throws Exception {
        plan = new Plan(1, plan.sites(), List.of(
                new AssetSpec("serving-config", "config", List.of(config.toString()), List.of(), null, null, null, null,
                        policy(List.of(), List.of("eu-north")), 1),
                new AssetSpec("fraud-model", "model", List.of(), List.of(), null, null, null, "fraud",
                        policy(List.of(), List.of("eu-north")), 1)), plan.file());
        Files.writeString(plan.file(), "# the plan's text, as protect records it\n");
        protect(); // makes the global repository
        Path weights = Files.createDirectories(tmp.resolve("model"));
        Files.writeString(weights.resolve("w.bin"), "v1");
        try (Repository global = sites.open(plan.primary(), "global")) {
            io.lifeboat.catalog.ModelRegistry registry = new io.lifeboat.catalog.ModelRegistry(global, clock, "ml@host");
            registry.register(new io.lifeboat.catalog.ModelRegistry.Registration("fraud", new java.util.TreeMap<>(),
                    new java.util.TreeMap<>(), null, null, "production"), new io.lifeboat.core.BackupOptions(List.of(weights),
                    null, null, List.of(), new java.util.TreeMap<>(), null, null, "host", "ml", null, 2, clock),
                    new io.lifeboat.core.BackupListener() { });
        }
        clock.advance(Duration.ofMinutes(40)); // the model has not changed since: its recovery point is still fresh
        Protector.Report r = protect();
        assertThat(r.outcomes()).anySatisfy(o -> assertThat(o.action()).isEqualTo(Protector.Action.REGISTRY));
        assertThat(row(status(), "fraud-model", "eu-west").breached()).isFalse();
        assertThat(r.recoveryPoints().get("global").members()).anySatisfy(m -> {
            assertThat(m.model()).isEqualTo("fraud");
            assertThat(m.version()).isEqualTo(1);
        });
        replicate(null);
        PlanDrift drift = new PlanDrift(plan, sites, clock);
        assertThat(drift.run(Files.readString(plan.file()))).isEmpty();

        Files.writeString(weights.resolve("w.bin"), "v2");
        try (Repository global = sites.open(plan.primary(), "global")) {
            io.lifeboat.catalog.ModelRegistry registry = new io.lifeboat.catalog.ModelRegistry(global, clock, "ml@host");
            registry.register(new io.lifeboat.catalog.ModelRegistry.Registration("fraud", new java.util.TreeMap<>(),
                    new java.util.TreeMap<>(), null, null, null), new io.lifeboat.core.BackupOptions(List.of(weights),
                    null, null, List.of(), new java.util.TreeMap<>(), null, null, "host", "ml", null, 2, clock),
                    new io.lifeboat.core.BackupListener() { });
            registry.alias("fraud", "production", 2);
        }
        List<PlanDrift.Difference> diffs = drift.run(Files.readString(plan.file()) + "# edited\n");
        assertThat(diffs).extracting(PlanDrift.Difference::kind).contains("snapshot", "version", "alias", "plan");
        assertThat(diffs).anySatisfy(d -> assertThat(d.detail()).isEqualTo("fraud@production -> 2 at eu-west, 1 at eu-north"));
        assertThat(diffs).anySatisfy(d -> assertThat(d.detail()).isEqualTo("fraud@2 is live at eu-west, not at eu-north"));
        assertThat(diffs).anySatisfy(d -> assertThat(d.detail()).contains("+ # edited"));
        replicate(null);
        assertThat(drift.run(Files.readString(plan.file()))).isEmpty();
    }

    @Test
    void aSiteThatCannotBeReadIsABreachAndTheOthersAreStillReported() throws Exception {
        protect();
        replicate(null);
        sites = new SiteAccess(Map.of(), site -> {
            if (site.name().equals("eu-north")) {
                throw new java.io.IOException("eu-north's storage timed out"); // what a region outage looks like
            }
            return "pass".toCharArray();
        }, KdfParams.TESTING, "host", "ops");
        List<PlanStatus.Row> rows = status();
        PlanStatus.Row lost = row(rows, "training-data", "eu-north");
        assertThat(lost.breached()).isTrue();
        assertThat(lost.note()).isEqualTo("cannot read it: eu-north's storage timed out");
        assertThat(row(rows, "training-data", "eu-west").breached()).isFalse();
        assertThat(row(rows, "serving-config", "eu-north").breached()).isTrue();
        assertThat(row(rows, "serving-config", "us-east").breached()).isFalse();
    }

    @Test
    void snapshotsOfAnAssetWhoseResidencyNarrowedHoldItsOldDomainBack() throws Exception {
        AssetSpec pii = new AssetSpec("pii", "dataset", List.of(data.toString()), List.of(), null, null, null, null,
                policy(List.of(), List.of()), 1);
        AssetSpec open = new AssetSpec("serving-config", "config", List.of(config.toString()), List.of(), null, null, null,
                null, policy(List.of(), List.of("us-east")), 1);
        plan = new Plan(1, plan.sites(), List.of(pii, open), plan.file());
        protect(); // pii, allowed anywhere then, lands in global
        plan = new Plan(1, plan.sites(), List.of(new AssetSpec("pii", "dataset", List.of(data.toString()), List.of(), null,
                null, null, null, policy(List.of("eu"), List.of()), 1), open), plan.file());
        List<ReplicationRunner.Copy> copies = replicate("us-east");
        assertThat(copies).singleElement().satisfies(c -> {
            assertThat(c.result()).isNull();
            assertThat(c.refused()).contains("holds snapshot").contains("of pii, whose residency is now [eu]");
        });
        assertThat(tmp.resolve("sites/us-east/global")).doesNotExist();
        assertThat(auditLines()).anySatisfy(j -> assertThat(j.get("event").asText()).isEqualTo("residency-refused"));
    }

    @Test
    void anUndeleteAtThePrimaryReachesTheReplicas() throws Exception {
        protect();
        replicate(null);
        Snapshot s;
        try (Repository eu = sites.open(plan.primary(), "eu")) {
            s = io.lifeboat.catalog.Assets.of(eu).latest("training-data");
            eu.forget(s, clock.instant(), "host", "ops", "mistake");
        }
        replicate(null);
        Site north = plan.site("eu-north").orElseThrow();
        try (Repository replica = sites.open(north, "eu")) {
            assertThat(replica.snapshots()).extracting(Snapshot::id).doesNotContain(s.id());
        }
        try (Repository eu = sites.open(plan.primary(), "eu")) {
            eu.undelete(s.id());
        }
        List<ReplicationRunner.Copy> copies = replicate("eu-north");
        assertThat(copies).anySatisfy(c -> assertThat(c.undeleted()).isEqualTo(1));
        try (Repository replica = sites.open(north, "eu")) {
            assertThat(replica.snapshots()).extracting(Snapshot::id).contains(s.id());
        }
    }

    @Test
    void protectDoesNotStartANewHistoryWhereTheLostPrimaryWas() throws Exception {
        protect();
        replicate(null);
        deleteTree(tmp.resolve("sites/eu-west"));
        Protector.Report r = protect();
        assertThat(r.failed()).isTrue();
        assertThat(r.outcomes()).allSatisfy(o -> {
            assertThat(o.action()).isEqualTo(Protector.Action.FAILED);
            assertThat(o.message()).contains("was lost");
        });
        assertThat(tmp.resolve("sites/eu-west/eu")).doesNotExist();
        assertThat(status()).anySatisfy(row -> assertThat(row.note()).startsWith("no repository for eu at eu-west"));
    }

    @Test
    void retentionKeepsTheDatasetALiveModelVersionWasTrainedOn() throws Exception {
        AssetSpec train = new AssetSpec("training-data", "dataset", List.of(data.toString()), List.of(), null, null, null,
                null, new Policy(new Schedule.Interval(Duration.ofMinutes(15)), Duration.ofMinutes(30),
                Duration.ofMinutes(15), RetentionPolicy.builder().keepLast(1).build(), null, List.of(), List.of()), 1);
        plan = new Plan(1, plan.sites(), List.of(train), plan.file());
        protect();
        Path weights = Files.createDirectories(tmp.resolve("model"));
        Files.writeString(weights.resolve("w.bin"), "v1");
        Snapshot trainedOn;
        try (Repository global = sites.open(plan.primary(), "global")) {
            trainedOn = io.lifeboat.catalog.Assets.of(global).latest("training-data");
            new io.lifeboat.catalog.ModelRegistry(global, clock, "ml@host").register(
                    new io.lifeboat.catalog.ModelRegistry.Registration("fraud", new java.util.TreeMap<>(),
                            new java.util.TreeMap<>(), "training-data@latest", null, null),
                    new io.lifeboat.core.BackupOptions(List.of(weights), null, null, List.of(), new java.util.TreeMap<>(),
                            null, null, "host", "ml", null, 2, clock), new io.lifeboat.core.BackupListener() { });
        }
        for (int i = 0; i < 2; i++) {
            clock.advance(Duration.ofMinutes(16));
            Files.writeString(data.resolve("more-" + i + ".jsonl"), "{}\n");
            protect();
        }
        try (Repository global = sites.open(plan.primary(), "global")) {
            assertThat(io.lifeboat.catalog.Assets.of(global).snapshots("training-data")).extracting(Snapshot::id)
                    .contains(trainedOn.id()).hasSize(2); // the newest, and the lineage
        }
    }

    @Test
    void protectingOneAssetStillRecordsTheWholeGroup() throws Exception {
        protect();
        clock.advance(Duration.ofMinutes(20));
        Protector.Report r = new Protector(plan, sites, audit, clock, ZoneOffset.UTC, Map.of("DB_PASSWORD", SECRET), 2)
                .run(false, Set.of("db-password"));
        assertThat(r.outcomes()).singleElement().satisfies(o -> assertThat(o.asset()).isEqualTo("db-password"));
        assertThat(r.recoveryPoints().get("eu").members()).extracting(RecoveryPoint.Member::asset)
                .containsExactlyInAnyOrder("training-data", "db-password");
        RecoveryPoint withTraining = protect().recoveryPoints().get("eu"); // training-data was due: a new point
        assertThat(withTraining.id()).isNotEqualTo(r.recoveryPoints().get("eu").id());
        clock.advance(Duration.ofMinutes(1));
        RecoveryPoint again = protect().recoveryPoints().get("eu"); // nothing due, nothing changed: no new point
        assertThat(again.id()).isEqualTo(withTraining.id());
    }

    @Test
    void theDiffOfAPlanShowsWhereLinesChanged() {
        assertThat(PlanDrift.diff(List.of("a: 1", "rpo: 30m", "b: 2"), List.of("a: 1", "rpo: 45m", "b: 2")))
                .containsExactly("- rpo: 30m", "+ rpo: 45m");
        // Two values swapped: every line is still there, so a comparison of sets would show nothing.
        assertThat(PlanDrift.diff(List.of("a: 1", "rpo: 30m", "b: 2", "rpo: 45m"), List.of("a: 1", "rpo: 45m", "b: 2",
                "rpo: 30m"))).hasSize(4).contains("- rpo: 30m", "+ rpo: 30m");
        assertThat(PlanDrift.diff(List.of("x", "y"), List.of("x", "y"))).isEmpty();
    }

    private static void deleteTree(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                p.toFile().setWritable(true);
                Files.delete(p);
            }
        }
    }

    private static Set<String> objectNames(Path root) throws Exception {
        if (!Files.exists(root)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9a-f]{64}"))
                    .collect(java.util.stream.Collectors.toSet());
        }
    }

    private static List<Path> regularFiles(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }
}
