package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** forget as a soft delete, snapshots --deleted and undelete, as a user runs them. */
class ForgetTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    Cli cli;
    Path data;
    String first;
    String second;

    @BeforeEach
    void twoSnapshots() throws Exception {
        cli = new Cli(tmp).init();
        data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("model.txt"), "version 1\n");
        first = JSON.readTree(cli.ok("backup", "--json", data.toString()).out()).get("snapshot").asText();
        Files.writeString(data.resolve("model.txt"), "version 2, longer\n");
        second = JSON.readTree(cli.ok("backup", "--json", data.toString()).out()).get("snapshot").asText();
    }

    private JsonNode listed(String... extra) throws Exception {
        String[] args = Stream.concat(Stream.of("snapshots", "--json"), Stream.of(extra)).toArray(String[]::new);
        return JSON.readTree(cli.ok(args).out());
    }

    private long objects(String dir) throws Exception {
        Path d = cli.repo.resolve(dir);
        if (!Files.isDirectory(d)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(d)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void aForgottenSnapshotIsListedAsDeletedAndComesBackWithUndelete() throws Exception {
        Cli.Result f = cli.ok("forget", first.substring(0, 8));
        assertThat(f.out()).contains("forget").contains(first.substring(0, 8)).contains("forgot 1 snapshot");

        assertThat(listed()).hasSize(1);
        assertThat(listed().get(0).get("id").asText()).isEqualTo(second);
        JsonNode deleted = listed("--deleted");
        assertThat(deleted).hasSize(1);
        assertThat(deleted.get(0).get("id").asText()).isEqualTo(first);
        assertThat(deleted.get(0).at("/deleted/reason").asText()).contains("forget " + first.substring(0, 8));
        assertThat(cli.ok("snapshots", "--deleted").out()).contains(first.substring(0, 8)).contains("1 deleted snapshot");

        Cli.Result restore = cli.run("restore", first, "--target", tmp.resolve("r").toString());
        assertThat(restore.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(restore.err()).contains("forgotten").contains("lifeboat undelete " + first.substring(0, 8));
        assertThat(cli.run("check", "--read-data").code()).as("a soft delete is not damage").isZero();

        Cli.Result u = cli.ok("undelete", first);
        assertThat(u.out()).contains("is back");
        assertThat(listed()).hasSize(2);
        assertThat(listed("--deleted")).isEmpty();
        assertThat(objects("deleted")).isZero();
        Path target = tmp.resolve("back");
        cli.ok("restore", first, "--target", target.toString());
        assertThat(target.resolve(data.toString().substring(1)).resolve("model.txt")).hasContent("version 1");
    }

    @Test
    void forgettingTheNewestMakesLatestAndTheNextParentTheOneBefore() throws Exception {
        cli.ok("forget", second);
        assertThat(JSON.readTree(cli.ok("ls", "--json", "latest").out()).toString()).contains(first.substring(0, 8));
        JsonNode next = JSON.readTree(cli.ok("backup", "--json", data.toString()).out());
        assertThat(next.get("parent").asText()).isEqualTo(first);
    }

    @Test
    void aDryRunChangesNothing() throws Exception {
        Cli.Result f = cli.ok("forget", "--dry-run", first);
        assertThat(f.out()).contains("would forget").contains("would forget 1 snapshot");
        assertThat(listed()).hasSize(2);
        assertThat(objects("deleted")).isZero();
    }

    @Test
    void tombstonesAreOrdinaryObjectsToAKeylessCheck() throws Exception {
        cli.ok("forget", first);
        Cli.Result c = cli.run("check", "--without-key");
        assertThat(c.code()).as(c.toString()).isZero();
        assertThat(c.out() + c.err()).doesNotContain("unexpected object");
    }

    @Test
    void badRequestsAreUsageErrorsAndChangeNothing() throws Exception {
        assertThat(cli.run("forget").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.run("forget", "ffffffff").code()).isEqualTo(ExitCodes.USAGE);
        Cli.Result live = cli.run("undelete", first);
        assertThat(live.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(live.err()).contains("not deleted");
        cli.ok("forget", first);
        Cli.Result again = cli.run("forget", first);
        assertThat(again.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(again.err()).contains("forgotten");
        assertThat(objects("deleted")).isEqualTo(1);
    }

    @Test
    void aPolicyKeepsWhatItNamesAndSaysWhyForEachSnapshot() throws Exception {
        Path other = Files.createDirectories(tmp.resolve("other"));
        Files.writeString(other.resolve("notes.txt"), "another asset\n");
        String lone = JSON.readTree(cli.ok("backup", "--json", other.toString()).out()).get("snapshot").asText();

        JsonNode plan = JSON.readTree(cli.ok("forget", "--json", "--dry-run", "--keep-last", "1").out());
        assertThat(plan).hasSize(3);
        for (JsonNode d : plan) {
            String id = d.get("id").asText();
            assertThat(d.get("action").asText()).isEqualTo(id.equals(first) ? "would forget" : "keep");
            assertThat(d.get("reasons").toString()).contains(id.equals(first) ? "matched no keep rule" : "last 1");
        }
        assertThat(listed()).as("a dry run changes nothing").hasSize(3);

        Cli.Result f = cli.ok("forget", "--keep-last", "1");
        assertThat(f.out()).contains("forgot 1 snapshot, kept 2");
        assertThat(listed()).extracting(n -> n.get("id").asText()).containsExactlyInAnyOrder(second, lone);
        assertThat(listed("--deleted").get(0).at("/deleted/reason").asText()).contains("matched no keep rule");

        cli.ok("forget", "--keep-last", "1", "--group-by", "");
        assertThat(listed()).as("one group: only the newest of all stays").hasSize(1);
        assertThat(listed().get(0).get("id").asText()).isEqualTo(lone);
    }

    @Test
    void aPolicyLimitedToAnAssetLeavesTheOthersAlone() throws Exception {
        Path other = Files.createDirectories(tmp.resolve("weights"));
        Files.writeString(other.resolve("w.bin"), "w1");
        cli.ok("backup", "--asset", "weights", other.toString());
        Files.writeString(other.resolve("w.bin"), "w2");
        cli.ok("backup", "--asset", "weights", other.toString());

        cli.ok("forget", "--asset", "weights", "--keep-last", "1");
        assertThat(listed()).hasSize(3);
        assertThat(listed("--deleted")).hasSize(1);
        assertThat(listed("--deleted").get(0).get("asset").asText()).isEqualTo("weights");
    }

    @Test
    void badPoliciesAreUsageErrorsAndForgetNothing() throws Exception {
        Cli.Result negative = cli.run("forget", "--keep-last", "-1");
        assertThat(negative.code()).isEqualTo(ExitCodes.USAGE);
        Cli.Result minutes = cli.run("forget", "--keep-within", "90min");
        assertThat(minutes.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(minutes.err()).contains("90min");
        assertThat(cli.run("forget", "--keep-last", "1", "--group-by", "colour").code()).isEqualTo(ExitCodes.USAGE);
        Cli.Result both = cli.run("forget", "--keep-last", "1", first);
        assertThat(both.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(both.err()).contains("not both");
        assertThat(listed()).hasSize(2);
        assertThat(objects("deleted")).isZero();
    }
}
