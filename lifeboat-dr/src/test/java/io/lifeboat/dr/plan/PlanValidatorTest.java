package io.lifeboat.dr.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.Repository;
import io.lifeboat.core.internal.crypto.KdfParams;
import io.lifeboat.core.storage.local.LocalBlobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reachability: every site's storage is probed, and a failure is reported at its repository line. */
class PlanValidatorTest {
    @TempDir
    Path dir;

    private Plan plan(String primary, String secondary, String extra) {
        PlanReader.Result result = PlanReader.parse("""
                version: 1
                sites:
                  - name: eu-west
                    repository: %s
                    jurisdiction: eu
                    role: primary
                  - name: eu-north
                    repository: %s
                    jurisdiction: eu
                %s""".formatted(primary, secondary, extra), dir.resolve("lifeboat.yaml"));
        assertThat(result.errors()).isEmpty();
        return result.plan();
    }

    private static List<String> lines(List<Problem> problems) {
        return problems.stream().map(p -> p.line() + ":" + p.column() + ": " + p.severity() + ": " + p.message()).toList();
    }

    @Test
    void aLocalSiteWhoseParentDirectoryIsMissingIsReported() {
        Plan plan = plan("missing/eu-west", "file:" + dir.resolve("eu-north"), "");
        assertThat(lines(PlanValidator.probe(plan, RepositoryProbe.storage(Map.of())))).containsExactly(
                "4:17: error: site 'eu-west': cannot reach its repository file:" + dir.resolve("missing/eu-west")
                        + ": the directory " + dir.resolve("missing") + " does not exist, so "
                        + dir.resolve("missing/eu-west") + " cannot be created in it");
    }

    @Test
    void anExistingLocalRepositoryIsFine() throws IOException {
        Path site = dir.resolve("eu-west");
        try (Repository repo = Repository.init(LocalBlobStore.create(site.resolve("eu")), "pw".toCharArray(),
                Repository.InitOptions.defaults("h", "u").withKdf(KdfParams.TESTING))) {
            assertThat(repo.config().id()).isNotEmpty();
        }
        Plan plan = plan(site.toString(), "eu-north", "");
        assertThat(PlanValidator.probe(plan, RepositoryProbe.storage(Map.of()))).isEmpty();
    }

    @Test
    void aFileInTheWayIsReported() throws IOException {
        Files.writeString(dir.resolve("eu-north"), "not a directory");
        Plan plan = plan("eu-west", "eu-north", "");
        assertThat(lines(PlanValidator.probe(plan, RepositoryProbe.storage(Map.of())))).containsExactly(
                "8:17: error: site 'eu-north': cannot reach its repository file:" + dir.resolve("eu-north") + ": "
                        + dir.resolve("eu-north") + " exists and is not a directory");
    }

    @Test
    void everySiteIsProbedAndEachFailureCarriesTheBackendsReason() {
        Plan plan = plan("eu-west", "s3://bucket/prefix", """
                  - name: us-east
                    repository: azure://container/prefix
                    jurisdiction: us
                """);
        Set<String> probed = ConcurrentHashMap.newKeySet();
        List<Problem> problems = PlanValidator.probe(plan, site -> {
            probed.add(site.name());
            if (!site.repository().startsWith("file:")) {
                throw new IOException("no route to " + site.repository());
            }
        });
        assertThat(probed).containsExactlyInAnyOrder("eu-west", "eu-north", "us-east");
        assertThat(lines(problems)).containsExactly(
                "8:17: error: site 'eu-north': cannot reach its repository s3://bucket/prefix: no route to s3://bucket/prefix",
                "11:17: error: site 'us-east': cannot reach its repository azure://container/prefix: no route to"
                        + " azure://container/prefix");
    }

    @Test
    void anUnreadablePasswordFileIsReported() throws IOException {
        Files.writeString(dir.resolve("eu-north.pass"), "secret\n");
        Plan plan = PlanReader.parse("""
                version: 1
                sites:
                  - name: eu-west
                    repository: eu-west
                    jurisdiction: eu
                    role: primary
                    password-file: eu-west.pass
                  - name: eu-north
                    repository: eu-north
                    jurisdiction: eu
                    password-file: eu-north.pass
                """, dir.resolve("lifeboat.yaml")).plan();
        assertThat(lines(PlanValidator.probe(plan, site -> { }))).containsExactly(
                "7:20: error: site 'eu-west': password file " + dir.resolve("eu-west.pass")
                        + " does not exist or cannot be read");
    }
}
