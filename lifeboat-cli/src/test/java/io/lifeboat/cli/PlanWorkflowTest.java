package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.core.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** protect, replicate, plan status and plan drift from a lifeboat.yaml, as an operator runs them. */
class PlanWorkflowTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    Cli cli;
    ManualClock clock = new ManualClock(Instant.parse("2026-11-23T08:00:00Z"));
    Path plan;
    Path data;

    @BeforeEach
    void planAndWorkspace() throws Exception {
        cli = new Cli(tmp);
        cli.clock = clock;
        cli.env.remove("LIFEBOAT_REPO");
        data = Files.createDirectories(tmp.resolve("workspace/train"));
        Files.writeString(data.resolve("part-0.jsonl"), "{\"text\": \"hello\"}\n");
        Files.createDirectories(tmp.resolve("workspace/config"));
        Files.writeString(tmp.resolve("workspace/config/serving.yaml"), "replicas: 2\n");
        plan = tmp.resolve("lifeboat.yaml");
        writePlan("30m", "[eu-north]");
        cli.env.put("LIFEBOAT_PLAN", plan.toString());
    }

    private void writePlan(String rpo, String trainingTargets) throws Exception {
        Files.writeString(plan, """
                version: 1
                sites:
                  - name: eu-west
                    repository: sites/eu-west
                    jurisdiction: eu
                    role: primary
                  - name: eu-north
                    repository: sites/eu-north
                    jurisdiction: eu
                    role: secondary
                  - name: us-east
                    repository: sites/us-east
                    jurisdiction: us
                    role: secondary
                assets:
                  - name: training-data
                    kind: dataset
                    paths: [workspace/train]
                    policy: {schedule: 15m, rpo: %s, residency: [eu], replicate-to: %s}
                  - name: serving-config
                    kind: config
                    paths: [workspace/config]
                    policy: {schedule: 15m, rpo: 30m, replicate-to: [eu-north, us-east]}
                """.formatted(rpo, trainingTargets));
    }

    private Cli.Result run(String... args) {
        return cli.run(Stream.concat(Stream.of(args), Stream.of("--kdf-memory", "1", "--kdf-iterations", "1"))
                .toArray(String[]::new));
    }

    private Cli.Result ok(String... args) {
        Cli.Result r = run(args);
        assertThat(r.code()).as(r.toString()).isZero();
        return r;
    }

    private static JsonNode json(Cli.Result r) throws Exception {
        return JSON.readTree(r.out());
    }

    private static JsonNode row(JsonNode rows, String asset, String site) {
        for (JsonNode r : rows) {
            if (r.get("asset").asText().equals(asset) && r.get("site").asText().equals(site)) {
                return r;
            }
        }
        throw new AssertionError("no row " + asset + " at " + site + " in " + rows);
    }

    @Test
    void statusBreachesWhenReplicationStopsAndClearsWhenItResumes() throws Exception {
        assertThat(ok("protect").out()).contains("training-data").contains("backed up");
        assertThat(ok("replicate").out()).contains("eu-north").contains("us-east").contains("copied");
        clock.advance(Duration.ofMinutes(10));
        Cli.Result fine = ok("plan", "status");
        assertThat(fine.out()).doesNotContain("BREACHED");

        for (int i = 0; i < 3; i++) { // the primary keeps protecting; replication has stopped
            clock.advance(Duration.ofMinutes(15));
            Files.writeString(data.resolve("part-" + (i + 1) + ".jsonl"), "{\"round\": " + i + "}\n");
            ok("protect");
        }
        Cli.Result breached = run("plan", "status", "--json");
        assertThat(breached.code()).as(breached.toString()).isEqualTo(ExitCodes.FAILURE);
        JsonNode rows = json(breached);
        assertThat(row(rows, "training-data", "eu-west").get("breached").asBoolean()).isFalse();
        JsonNode behind = row(rows, "training-data", "eu-north");
        assertThat(behind.get("breached").asBoolean()).isTrue();
        assertThat(behind.get("ageSeconds").asLong()).isEqualTo(55 * 60);
        assertThat(behind.get("lagBytes").asLong()).isPositive();
        assertThat(run("plan", "status").out()).contains("BREACHED");

        ok("replicate");
        JsonNode resumed = json(ok("plan", "status", "--json"));
        assertThat(row(resumed, "training-data", "eu-north").get("breached").asBoolean()).isFalse();
        assertThat(row(resumed, "training-data", "eu-north").get("lagBytes").asLong()).isZero();
    }

    @Test
    void euOnlyDataNeverReachesTheUsSiteWhateverIsRun() throws Exception {
        ok("protect");
        ok("replicate");
        ok("replicate", "--site", "us-east");
        ok("protect", "--force");
        ok("replicate", "--site", "eu-north");
        assertThat(tmp.resolve("sites/us-east/global/config")).exists();
        assertThat(tmp.resolve("sites/us-east/eu")).doesNotExist();
        assertThat(tmp.resolve("sites/eu-north/eu/config")).exists();

        // A plan that asks for it is refused before anything is written, with the reason and its line.
        writePlan("30m", "[eu-north, us-east]");
        Cli.Result refused = run("replicate");
        assertThat(refused.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(refused.err()).contains("lifeboat.yaml:").contains("us-east").contains("residency");
        assertThat(Files.readString(tmp.resolve("lifeboat-audit.log"))).as("the refusal is audited")
                .contains("\"event\":\"plan-refused\"").contains("\"command\":\"replicate\"").contains("residency");
        Cli.Result validate = cli.run("plan", "validate", "--offline");
        assertThat(validate.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(tmp.resolve("sites/us-east/eu")).doesNotExist();
    }

    @Test
    void driftShowsWhatDiffersBetweenSitesAndHowThePlanChanged() throws Exception {
        ok("protect");
        ok("replicate");
        Cli.Result none = ok("plan", "drift");
        assertThat(none.err()).contains("no drift");

        clock.advance(Duration.ofMinutes(20));
        Files.writeString(data.resolve("part-9.jsonl"), "{\"late\": true}\n");
        ok("protect", "--asset", "training-data");
        writePlan("45m", "[eu-north]");
        Cli.Result drift = run("plan", "drift", "--json");
        assertThat(drift.code()).as(drift.toString()).isEqualTo(ExitCodes.FAILURE);
        JsonNode diffs = json(drift);
        assertThat(diffs.findValuesAsText("kind")).contains("snapshot", "plan");
        assertThat(diffs.toString()).contains("is at eu-west, not at eu-north").contains("rpo: 45m");
        ok("replicate");
        ok("protect"); // nothing is due, but it applies the changed plan to every domain
        ok("replicate");
        assertThat(ok("plan", "drift").err()).contains("no drift");
    }

    @Test
    void badInvocationsGetClearErrors() throws Exception {
        Cli.Result noSite = run("replicate", "--site", "mars");
        assertThat(noSite.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(noSite.err()).contains("no site mars");
        Cli.Result noAsset = run("protect", "--asset", "nothing");
        assertThat(noAsset.code()).isEqualTo(ExitCodes.USAGE);
        cli.env.put("LIFEBOAT_PLAN", tmp.resolve("missing.yaml").toString());
        Cli.Result noPlan = run("protect");
        assertThat(noPlan.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(noPlan.err()).contains("no plan file");
        Cli.Result beforeProtect = new Cli(Files.createDirectories(tmp.resolve("x"))).run("plan", "status", "--plan",
                plan.toString());
        assertThat(beforeProtect.code()).isEqualTo(ExitCodes.FAILURE);
    }
}
