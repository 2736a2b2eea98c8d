package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.core.Id;
import io.lifeboat.core.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model registry and recovery points as a user drives them: aliases and --as-of,
 * point-in-time reads across a deletion, lineage, and all of it again on a plain file copy
 * of the repository (the registry travels with the data).
 */
class ModelRegistryCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    Cli cli;
    ManualClock clock = new ManualClock(Instant.parse("2026-11-01T08:00:00Z"));
    Path model;

    @BeforeEach
    void repository() throws Exception {
        cli = new Cli(tmp).init();
        cli.clock = clock;
        model = tmp.resolve("train-out");
    }

    private String register(String weights, String... extra) throws Exception {
        Files.createDirectories(model);
        Files.writeString(model.resolve("weights.safetensors"), weights);
        clock.advance(Duration.ofMinutes(1));
        String[] args = Stream.concat(Stream.of("model", "register", "fraud", "--path", model.toString(), "--json"),
                Stream.of(extra)).toArray(String[]::new);
        JsonNode v = JSON.readTree(cli.ok(args).out());
        return v.get("version").asText();
    }

    /** A moment between two steps, as an ISO-8601 instant. */
    private String between() {
        clock.advance(Duration.ofSeconds(30));
        String t = clock.instant().toString();
        clock.advance(Duration.ofSeconds(30));
        return t;
    }

    private static JsonNode json(Cli.Result r) throws Exception {
        return JSON.readTree(r.out());
    }

    private static String restoredWeights(Path target, Path source) throws Exception {
        return Files.readString(TestFiles.restored(target, source).resolve("weights.safetensors"));
    }

    /** A plain recursive file copy of the repository, and a driver pointed at it. */
    private Cli copyOfRepository() throws Exception {
        Path copy = Files.createTempDirectory(tmp, "copied-repo");
        try (Stream<Path> walk = Files.walk(cli.repo)) {
            for (Path p : walk.toList()) {
                Path to = copy.resolve(cli.repo.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        Cli other = new Cli(Files.createDirectories(tmp.resolve("elsewhere")));
        other.env.put("LIFEBOAT_REPO", copy.toString());
        other.clock = clock;
        return other;
    }

    @Test
    void productionMovesFrom2To3AndBackAndEachMomentReadsBackRight() throws Exception {
        assertThat(register("weights v1")).isEqualTo("1");
        assertThat(register("weights v2", "--metric", "auc=0.91", "--param", "lr=3e-4")).isEqualTo("2");
        assertThat(register("weights v3", "--metric", "auc=0.94")).isEqualTo("3");
        String beforeAlias = between();
        assertThat(cli.ok("model", "alias", "fraud", "production", "2").out()).contains("fraud@production -> 2 (new alias)");
        String at2 = between();
        assertThat(cli.ok("model", "alias", "fraud", "production", "3").out()).contains("-> 3 (was 2)");
        String at3 = between();
        assertThat(cli.ok("model", "alias", "fraud", "production", "2").out()).contains("-> 2 (was 3)");
        String back2 = between();

        for (Cli c : List.of(cli, copyOfRepository())) {
            Cli.Result none = c.run("model", "show", "fraud@production", "--as-of", beforeAlias);
            assertThat(none.code()).as(none.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(none.err()).contains("no alias production as of");
            assertThat(json(c.ok("model", "show", "fraud@production", "--json", "--as-of", at2)).get("version").asInt()).isEqualTo(2);
            assertThat(json(c.ok("model", "show", "fraud@production", "--json", "--as-of", at3)).get("version").asInt()).isEqualTo(3);
            assertThat(json(c.ok("model", "show", "fraud@production", "--json", "--as-of", back2)).get("version").asInt()).isEqualTo(2);
            JsonNode now = json(c.ok("model", "show", "fraud@production", "--json"));
            assertThat(now.get("version").asInt()).isEqualTo(2);
            assertThat(now.at("/metrics/auc").asDouble()).isEqualTo(0.91);
            assertThat(now.at("/params/lr").asText()).isEqualTo("3e-4");

            Path target = Files.createTempDirectory(tmp, "restore");
            c.ok("model", "restore", "fraud@production", "--target", target.toString());
            assertThat(restoredWeights(target, model)).isEqualTo("weights v2");
            Path asOf3 = Files.createTempDirectory(tmp, "restore");
            c.ok("model", "restore", "fraud@production", "--as-of", at3, "--target", asOf3.toString());
            assertThat(restoredWeights(asOf3, model)).isEqualTo("weights v3");
        }
        // The copy is a full registry: its claims came along, so it numbers on from them.
        Cli copy = copyOfRepository();
        Files.writeString(model.resolve("weights.safetensors"), "weights v4");
        assertThat(json(copy.ok("model", "register", "fraud", "--path", model.toString(), "--json")).get("version").asInt())
                .isEqualTo(4);
    }

    @Test
    void aVersionDeletedLaterIsThereAndRestorableAsOfBefore() throws Exception {
        register("weights v1");
        register("weights v2");
        String beforeDelete = between();
        assertThat(cli.ok("model", "delete", "fraud@2", "--reason", "leaked test data").out()).contains("deleted fraud@2");
        assertThat(register("weights v3")).isEqualTo("3");

        for (Cli c : List.of(cli, copyOfRepository())) {
            JsonNode now = json(c.ok("model", "show", "fraud", "--json"));
            assertThat(now.at("/versions/1/deleted/reason").asText()).isEqualTo("leaked test data");
            Cli.Result refused = c.run("model", "restore", "fraud@2", "--target", tmp.resolve("no").toString());
            assertThat(refused.code()).isEqualTo(ExitCodes.USAGE);
            assertThat(refused.err()).contains("was deleted").contains("--as-of");
            assertThat(Files.exists(tmp.resolve("no"))).isFalse();

            JsonNode then = json(c.ok("model", "show", "fraud", "--json", "--as-of", beforeDelete));
            assertThat(then.get("versions")).hasSize(2);
            assertThat(then.at("/versions/1/version").asInt()).isEqualTo(2);
            assertThat(then.at("/versions/1/deleted").isNull()).isTrue();
            Path target = Files.createTempDirectory(tmp, "restore");
            c.ok("model", "restore", "fraud@2", "--as-of", beforeDelete, "--target", target.toString());
            assertThat(restoredWeights(target, model)).isEqualTo("weights v2");
        }
        cli.ok("model", "undelete", "fraud@2");
        assertThat(json(cli.ok("model", "list", "--json")).at("/0/versions").asInt()).isEqualTo(3);
    }

    @Test
    void lineageNamesTheDatasetAndARecoveryPointBringsBothBack() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("datasets/train"));
        Files.writeString(data.resolve("part-0.jsonl"), "{\"text\": \"hello\"}\n");
        String dataset = json(cli.ok("backup", "--json", "--asset", "training-data", "--kind", "dataset", data.toString()))
                .get("snapshot").asText();
        Files.writeString(data.resolve("part-0.jsonl"), "{\"text\": \"changed after training\"}\n");
        register("weights v1", "--dataset", "training-data@latest", "--code-rev", "9f1c2e7", "--alias", "production");
        cli.ok("backup", "--asset", "training-data", "--kind", "dataset", data.toString()); // newer data, not the lineage
        clock.advance(Duration.ofMinutes(1));
        JsonNode created = json(cli.ok("recovery-point", "create", "nightly", "--asset", "fraud", "--json"));
        assertThat(created.get("members")).hasSize(2);
        assertThat(created.at("/members/1/role").asText()).isEqualTo("lineage");
        assertThat(created.at("/members/1/snapshot").asText()).isEqualTo(dataset);

        for (Cli c : List.of(cli, copyOfRepository())) {
            JsonNode v = json(c.ok("model", "show", "fraud@production", "--json"));
            assertThat(v.at("/lineage/datasetSnapshot").asText()).isEqualTo(dataset);
            assertThat(v.at("/lineage/datasetAsset").asText()).isEqualTo("training-data");
            assertThat(v.at("/lineage/datasetPresent").asBoolean()).isTrue();
            assertThat(v.get("codeRev").asText()).isEqualTo("9f1c2e7");
            assertThat(c.ok("model", "show", "fraud@1").out())
                    .contains("dataset   snapshot " + dataset.substring(0, 8) + " of asset training-data");

            Path target = Files.createTempDirectory(tmp, "rp");
            c.ok("recovery-point", "restore", "nightly", "--target", target.toString());
            assertThat(restoredWeights(target.resolve("fraud"), model)).isEqualTo("weights v1");
            Path restoredData = TestFiles.restored(target.resolve("training-data"), data).resolve("part-0.jsonl");
            assertThat(Files.readString(restoredData)).isEqualTo("{\"text\": \"hello\"}\n");

            JsonNode manifest = JSON.readTree(target.resolve("lifeboat-manifest.json").toFile());
            assertThat(manifest.at("/recoveryPoint/name").asText()).isEqualTo("nightly");
            assertThat(manifest.at("/registry/0/aliases/production").asInt()).isEqualTo(1);
            assertThat(manifest.at("/members/0/model").asText()).isEqualTo("fraud");
            assertThat(manifest.at("/members/0/version").asInt()).isEqualTo(1);
            for (JsonNode m : manifest.get("members")) {
                for (JsonNode f : m.get("files")) {
                    byte[] bytes = Files.readAllBytes(target.resolve(f.get("path").asText()));
                    assertThat(f.get("sha256").asText()).isEqualTo(HexFormat.of().formatHex(Id.sha256(bytes).bytes()));
                    assertThat(f.get("size").asLong()).isEqualTo(bytes.length);
                }
            }
            assertThat(manifest.at("/members/1/files")).hasSize(1);
        }
    }

    @Test
    void recoveryPointsAreReadAsOfAMoment() throws Exception {
        Path cfg = Files.createDirectories(tmp.resolve("config"));
        Files.writeString(cfg.resolve("serving.yaml"), "replicas: 2\n");
        cli.ok("backup", "--asset", "serving-config", "--kind", "config", cfg.toString());
        clock.advance(Duration.ofMinutes(1));
        String firstId = json(cli.ok("recovery-point", "create", "daily", "--all", "--json")).get("id").asText();
        String between = between();
        Files.writeString(cfg.resolve("serving.yaml"), "replicas: 5\n");
        cli.ok("backup", "--asset", "serving-config", "--kind", "config", cfg.toString());
        clock.advance(Duration.ofMinutes(1));
        String secondId = json(cli.ok("recovery-point", "create", "daily", "--all", "--json")).get("id").asText();

        assertThat(json(cli.ok("recovery-point", "list", "--json"))).hasSize(2);
        assertThat(json(cli.ok("recovery-point", "list", "--json", "--as-of", between))).hasSize(1);
        Path then = Files.createTempDirectory(tmp, "rp");
        JsonNode r = json(cli.ok("recovery-point", "restore", "daily", "--as-of", between, "--target", then.toString(), "--json"));
        assertThat(r.at("/recoveryPoint/id").asText()).isEqualTo(firstId);
        assertThat(Files.readString(TestFiles.restored(then.resolve("serving-config"), cfg).resolve("serving.yaml")))
                .isEqualTo("replicas: 2\n");
        Path now = Files.createTempDirectory(tmp, "rp");
        assertThat(json(cli.ok("recovery-point", "restore", "latest", "--target", now.toString(), "--json"))
                .at("/recoveryPoint/id").asText()).isEqualTo(secondId);
    }

    @Test
    void forgetLeavesRegisteredVersionsToModelDelete() throws Exception {
        register("weights v1");
        register("weights v2");
        JsonNode v1 = json(cli.ok("model", "show", "fraud@1", "--json"));
        Cli.Result byId = cli.run("forget", v1.get("snapshot").asText().substring(0, 8));
        assertThat(byId.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(byId.err()).contains("is kept for registered model version fraud@1").contains("model delete");
        JsonNode policy = json(cli.ok("forget", "--keep-last", "1", "--json"));
        assertThat(policy).allSatisfy(d -> assertThat(d.get("action").asText()).isEqualTo("keep"));
        assertThat(policy.toString()).contains("registered model version fraud@1");
        cli.ok("model", "delete", "fraud@1");
        assertThat(json(cli.ok("snapshots", "--json"))).hasSize(1);
    }

    @Test
    void checkVerifiesTheCatalogWithAndWithoutTheKey() throws Exception {
        register("weights v1", "--alias", "production");
        register("weights v2");
        Cli.Result keyless = cli.ok("check", "--without-key");
        assertThat(keyless.out() + keyless.err()).doesNotContain("unexpected object");
        cli.ok("check", "--read-data");

        Path claim;
        try (Stream<Path> s = Files.list(cli.repo.resolve("claims"))) {
            claim = s.findFirst().orElseThrow();
        }
        Path event;
        try (Stream<Path> s = Files.list(cli.repo.resolve("catalog"))) {
            event = s.findFirst().orElseThrow();
        }
        claim.toFile().setWritable(true);
        event.toFile().setWritable(true);
        byte[] bytes = Files.readAllBytes(event);
        bytes[bytes.length / 2] ^= 1;
        Files.write(event, bytes);
        Files.write(claim, new byte[32]);

        Cli.Result damaged = cli.run("check");
        assertThat(damaged.code()).as(damaged.toString()).isEqualTo(ExitCodes.INTEGRITY);
        assertThat(damaged.out() + damaged.err()).contains("catalog event").contains("version claim");
        Cli.Result damagedKeyless = cli.run("check", "--without-key");
        assertThat(damagedKeyless.code()).isEqualTo(ExitCodes.INTEGRITY);
        assertThat(damagedKeyless.out() + damagedKeyless.err()).contains("catalog/").contains("claims/");
        Cli.Result list = cli.run("model", "list");
        assertThat(list.err()).as("a damaged event is reported, the rest still reads").contains("warning: catalog/");
    }

    @Test
    void mistakesGetClearErrors() throws Exception {
        register("weights v1", "--alias", "production");
        expectUsage(cli.run("model", "show", "nope"), "no model nope");
        expectUsage(cli.run("model", "show", "fraud@7"), "no version 7");
        expectUsage(cli.run("model", "delete", "fraud@1"), "aliased as production");
        expectUsage(cli.run("model", "delete", "fraud"), "NAME@VERSION");
        expectUsage(cli.run("model", "alias", "fraud", "42", "1"), "version number");
        expectUsage(cli.run("model", "register", "fraud", "--path", model.toString(), "--metric", "auc=high"), "must be a number");
        expectUsage(cli.run("model", "register", "fraud", "--path", tmp.resolve("missing").toString()), "not found");
        expectUsage(cli.run("model", "register", "fraud", "--path", model.toString(), "--dataset", "nothing@latest"),
                "no live snapshot belongs to asset 'nothing'");
        expectUsage(cli.run("model", "list", "--as-of", "yesterday-ish"), "is not a time");
        expectUsage(cli.run("recovery-point", "create", "x"), "--asset");
        expectUsage(cli.run("recovery-point", "restore", "nope", "--target", tmp.resolve("t").toString()), "no recovery point");
        assertThat(json(cli.ok("model", "list", "--json")).at("/0/versions").asInt()).isEqualTo(1);
    }

    private static void expectUsage(Cli.Result r, String message) {
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).as(r.toString()).contains(message);
    }
}
