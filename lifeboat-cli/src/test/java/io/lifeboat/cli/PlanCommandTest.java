package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.core.storage.BlobStore;
import io.lifeboat.core.storage.BlobStores;
import io.lifeboat.dr.plan.PlanSchema;
import io.lifeboat.s3.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lifeboat plan validate} and {@code plan schema}: output, exit codes, and
 * reachability of local and S3 (S3Proxy) sites.
 */
class PlanCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static S3ProxyServer s3;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3ProxyServer.start();
    }

    @AfterAll
    static void stopS3() {
        if (s3 != null) {
            s3.close();
        }
    }

    private Path write(String yaml) throws Exception {
        Path file = tmp.resolve("lifeboat.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    /** Two local sites below the test's directory, one asset. */
    private String localPlan(String policy) {
        return """
                version: 1
                sites:
                  - name: eu-west
                    repository: sites/eu-west
                    jurisdiction: eu
                    role: primary
                  - name: eu-north
                    repository: sites/eu-north
                    jurisdiction: eu
                assets:
                  - name: training-data
                    kind: dataset
                    paths: [data]
                    policy: %s
                """.formatted(policy);
    }

    @Test
    void aValidPlanSaysSoAndExitsZero() throws Exception {
        Files.createDirectories(tmp.resolve("sites"));
        Path file = write(localPlan("{schedule: 15m, rpo: 30m, replicate-to: [eu-north]}"));
        Cli.Result r = new Cli(tmp).run("plan", "validate", "--plan", file.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo(file + " is valid: 2 sites, 1 asset\n");
    }

    @Test
    void everyProblemIsPrintedWithItsLineThenASummaryAndExitCodeTwo() throws Exception {
        Path file = write(localPlan("{schedule: 1h, rpo: 30m, replicate-to: [eu-nrth], residency: [eu, fr]}")
                .replace("jurisdiction: eu\n    role", "jurisdicton: eu\n    role"));
        Cli.Result r = new Cli(tmp).run("plan", "validate", "--plan", file.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.out().lines()).containsExactly(
                file + ":5:5: error: unknown key 'jurisdicton' in a site (did you mean 'jurisdiction'?)",
                file + ":14:33: error: rpo 30m is shorter than the longest gap between scheduled backups (1h for"
                        + " schedule '1h'): it cannot be met",
                file + ": 2 errors");
    }

    @Test
    void warningsAloneLeaveTheExitCodeZero() throws Exception {
        Files.createDirectories(tmp.resolve("sites"));
        Path file = write(localPlan("{schedule: 1h, rpo: 1h, residency: [eu, fr]}"));
        Cli.Result r = new Cli(tmp).run("plan", "validate", "--plan", file.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out().lines()).hasSize(3).last().isEqualTo(file + " is valid: 2 sites, 1 asset, 2 warnings");
        assertThat(r.out()).contains(": warning: no site is in jurisdiction 'fr'");
    }

    @Test
    void unreachableStorageIsAnErrorUnlessOffline() throws Exception {
        Path file = write(localPlan("{schedule: 15m, rpo: 30m}")); // tmp/sites does not exist
        Cli cli = new Cli(tmp);
        Cli.Result r = cli.run("plan", "validate", "--plan", file.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.out().lines()).containsExactly(
                file + ":4:17: error: site 'eu-west': cannot reach its repository file:" + tmp.resolve("sites/eu-west")
                        + ": the directory " + tmp.resolve("sites") + " does not exist, so " + tmp.resolve("sites/eu-west")
                        + " cannot be created in it",
                file + ":8:17: error: site 'eu-north': cannot reach its repository file:" + tmp.resolve("sites/eu-north")
                        + ": the directory " + tmp.resolve("sites") + " does not exist, so "
                        + tmp.resolve("sites/eu-north") + " cannot be created in it",
                file + ": 2 errors");
        Cli.Result offline = cli.run("plan", "validate", "--offline", "--plan", file.toString());
        assertThat(offline.code()).as(offline.toString()).isZero();
        assertThat(offline.out()).isEqualTo(file + " is valid: 2 sites, 1 asset; storage not probed (--offline)\n");
    }

    @Test
    void theJsonReportListsEveryProblem() throws Exception {
        Path file = write(localPlan("{schedule: 1h, rpo: 30m}"));
        Cli.Result r = new Cli(tmp).run("plan", "validate", "--offline", "--json", "--plan", file.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        JsonNode report = JSON.readTree(r.out());
        assertThat(report.path("valid").asBoolean()).isFalse();
        assertThat(report.path("errors").asInt()).isEqualTo(1);
        assertThat(report.path("probed").asBoolean()).isFalse();
        JsonNode problem = report.path("problems").path(0);
        assertThat(problem.path("line").asInt()).isEqualTo(14);
        assertThat(problem.path("severity").asText()).isEqualTo("error");
        assertThat(problem.path("message").asText()).startsWith("rpo 30m is shorter");
    }

    @Test
    void thePlanFileComesFromLifeboatPlanAndAMissingOneIsAUsageError() throws Exception {
        Path file = write(localPlan("{schedule: 15m, rpo: 30m}"));
        Cli cli = new Cli(tmp);
        cli.env.put("LIFEBOAT_PLAN", file.toString());
        Cli.Result r = cli.run("plan", "validate", "--offline");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith(file + " is valid");
        cli.env.put("LIFEBOAT_PLAN", tmp.resolve("nope.yaml").toString());
        Cli.Result missing = cli.run("plan", "validate");
        assertThat(missing.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err()).contains("no plan file " + tmp.resolve("nope.yaml")
                + ": give one with --plan or LIFEBOAT_PLAN");
        Cli.Result bare = cli.run("plan");
        assertThat(bare.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(bare.err()).contains("missing subcommand: validate, schema");
    }

    @Test
    void anS3SiteWhoseBucketIsMissingIsReportedAtItsRepositoryLine() throws Exception {
        Files.createDirectories(tmp.resolve("sites"));
        String existing = s3.newRepositoryUrl();
        try (BlobStore store = BlobStores.open(existing, s3.env(), Map.of(), true, false)) {
            assertThat(store.list("")).isEmpty();
        }
        String missing = s3.newRepositoryUrl();
        Path file = write("""
                version: 1
                sites:
                  - name: eu-west
                    repository: sites/eu-west
                    jurisdiction: eu
                    role: primary
                  - name: eu-north
                    repository: %s
                    jurisdiction: eu
                    s3-endpoint: %s
                  - name: eu-south
                    repository: %s
                    jurisdiction: eu
                    s3-endpoint: %s
                    s3-path-style: true
                """.formatted(existing, s3.endpoint(), missing, s3.endpoint()));
        Cli cli = new Cli(tmp);
        cli.env.putAll(s3.env());
        cli.env.remove("AWS_ENDPOINT_URL"); // the plan's s3-endpoint says where
        Cli.Result r = cli.run("plan", "validate", "--plan", file.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        java.util.List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo(file + ":1:1: warning: the plan protects no assets");
        assertThat(lines.get(1))
                .startsWith(file + ":12:17: error: site 'eu-south': cannot reach its repository " + missing + ": ")
                .contains("the bucket does not exist");
        assertThat(lines.get(2)).isEqualTo(file + ": 1 error, 1 warning");
        assertThat(r.out()).doesNotContain(s3.secretKey());
    }

    @Test
    void schemaPrintsTheJsonSchema() throws Exception {
        Cli.Result r = new Cli(tmp).run("plan", "schema");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo(PlanSchema.jsonSchema());
        assertThat(JSON.readTree(r.out()).path("$schema").asText()).contains("2020-12");
    }
}
