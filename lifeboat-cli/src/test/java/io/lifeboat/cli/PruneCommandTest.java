package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** prune as a user runs it: plan, wait, carry out, dry run, JSON and bad options. */
class PruneCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    Cli cli;
    Path data;
    String first;
    String second;

    @BeforeEach
    void twoSnapshotsTheFirstForgotten() throws Exception {
        cli = new Cli(tmp).init();
        data = Files.createDirectories(tmp.resolve("data"));
        Random rnd = new Random(5);
        byte[] b = new byte[3_000_000];
        rnd.nextBytes(b);
        Files.write(data.resolve("model.bin"), b);
        first = JSON.readTree(cli.ok("backup", "--json", data.toString()).out()).get("snapshot").asText();
        rnd.nextBytes(b);
        Files.write(data.resolve("model.bin"), b);
        second = JSON.readTree(cli.ok("backup", "--json", data.toString()).out()).get("snapshot").asText();
        cli.ok("forget", first);
    }

    private List<Path> files(String dir) throws Exception {
        Path d = cli.repo.resolve(dir);
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(d)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @Test
    void aForgottenSnapshotInsideTheGracePeriodKeepsItsData() throws Exception {
        Cli.Result r = cli.ok("prune");
        assertThat(r.out()).contains("nothing new to plan");
        assertThat(files("prune")).isEmpty();
        assertThat(cli.ok("undelete", first).out()).contains("is back");
    }

    @Test
    void onePrunePlansAndALaterOneFreesTheSpace() throws Exception {
        List<Path> packs = files("data");
        Cli.Result plan = cli.ok("prune", "--grace", "0d");
        assertThat(plan.out()).contains("planned").contains("1 forgotten snapshots past the grace period");
        assertThat(files("data")).as("the first run deletes nothing").isEqualTo(packs);

        Cli.Result early = cli.ok("prune", "--grace", "0d");
        assertThat(early.out()).contains("waits").contains("clock skew");

        Cli.Result done = cli.ok("prune", "--grace", "0d", "--max-clock-skew", "0s");
        assertThat(done.out()).contains("carried out 1 plan").contains("1 forgotten snapshots removed for good");
        assertThat(files("data").size()).isLessThan(packs.size());
        assertThat(files("prune")).isEmpty();
        assertThat(cli.ok("snapshots", "--deleted").out()).doesNotContain(first.substring(0, 8));
        assertThat(cli.run("undelete", first).code()).isEqualTo(ExitCodes.USAGE);

        Cli.Result check = cli.ok("check", "--read-data");
        assertThat(check.out()).contains("no errors");
        Path target = tmp.resolve("r");
        cli.ok("restore", second, "--target", target.toString());
        assertThat(target.resolve(data.toString().substring(1)).resolve("model.bin")).hasSameBinaryContentAs(
                data.resolve("model.bin"));
    }

    @Test
    void aDryRunReportsAndChangesNothing() throws Exception {
        List<Path> before;
        try (Stream<Path> s = Files.walk(cli.repo)) {
            before = s.sorted().toList();
        }
        JsonNode r = JSON.readTree(cli.ok("prune", "--dry-run", "--json", "--grace", "0d").out());
        assertThat(r.get("dry_run").asBoolean()).isTrue();
        assertThat(r.at("/planned/plan").isNull()).isTrue();
        assertThat(r.at("/planned/packs_to_delete").asInt()).isPositive();
        assertThat(r.at("/planned/bytes_to_free").asLong()).isGreaterThan(2_000_000);
        assertThat(r.at("/planned/snapshots_expired").asInt()).isEqualTo(1);
        try (Stream<Path> s = Files.walk(cli.repo)) {
            assertThat(s.sorted().toList()).isEqualTo(before);
        }
        assertThat(cli.ok("prune", "--dry-run", "--grace", "0d").out()).contains("would plan");
    }

    @Test
    void theJsonReportNamesThePlanAndWhatWasFreed() throws Exception {
        JsonNode plan = JSON.readTree(cli.ok("prune", "--json", "--grace", "0d").out());
        String id = plan.at("/planned/plan").asText();
        assertThat(files("prune")).singleElement().satisfies(p -> assertThat(p.getFileName().toString()).isEqualTo(id));
        JsonNode done = JSON.readTree(cli.ok("prune", "--json", "--grace", "0d", "--max-clock-skew", "0s").out());
        assertThat(done.at("/carried_out/plans/0").asText()).isEqualTo(id);
        assertThat(done.at("/carried_out/bytes_freed").asLong()).isGreaterThan(2_000_000);
        assertThat(done.at("/carried_out/snapshots_removed").asInt()).isEqualTo(1);
    }

    @Test
    void badOptionsAreUsageErrors() throws Exception {
        for (String[] args : List.of(new String[] {"prune", "--grace", "seven"},
                new String[] {"prune", "--max-waste", "120"}, new String[] {"prune", "--max-clock-skew", "10 minutes"})) {
            Cli.Result r = cli.run(args);
            assertThat(r.code()).as(String.join(" ", args)).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).contains(args[1]);
        }
        assertThat(files("prune")).isEmpty();
    }
}
