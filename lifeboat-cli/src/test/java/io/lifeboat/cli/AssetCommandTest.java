package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.core.ManualClock;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** asset list, as a user runs it: each asset's latest snapshot, its size and age, by the command's clock. */
class AssetCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2025-06-01T08:00:00Z");

    @TempDir
    Path tmp;
    Cli cli;
    ManualClock clock;

    @BeforeEach
    void repository() throws Exception {
        cli = new Cli(tmp).init();
        clock = new ManualClock(T0);
        cli.clock = clock;
    }

    /** Backs up {@code size} bytes from standard input; returns the snapshot's id. */
    private String backup(int size, String... options) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("backup", "--json", "--stdin"));
        args.addAll(List.of(options));
        Cli.Result r = cli.run(new ByteArrayInputStream(new byte[size]), args.toArray(String[]::new));
        assertThat(r.code()).as("%s", r).isZero();
        return JSON.readTree(r.out()).get("snapshot").asText();
    }

    @Test
    void theTableShowsEachAssetsLatestSnapshotSizeAndAge() throws Exception {
        backup(1000, "--asset", "train", "--kind", "dataset");
        clock.advance(Duration.ofHours(1));
        String weights = backup(5 * 1024 * 1024, "--asset", "weights", "--kind", "model");
        clock.advance(Duration.ofHours(1));
        String train = backup(2048, "--asset", "train", "--kind", "dataset");
        backup(10);
        clock.advance(Duration.ofMinutes(90));

        Cli.Result r = cli.ok("asset", "list");

        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).containsSubsequence("NAME", "KIND", "SNAPSHOTS", "LATEST", "SIZE", "AGE");
        assertThat(lines.get(1)).startsWith("train ").containsSubsequence("dataset", " 2 ", train.substring(0, 8),
                Format.time(T0.plus(Duration.ofHours(2))), "2.00 KiB", "1h 30m");
        assertThat(lines.get(2)).startsWith("weights ").containsSubsequence("model", " 1 ", weights.substring(0, 8),
                "5.00 MiB", "2h 30m");
        assertThat(lines.get(3)).isEqualTo("2 assets");
        assertThat(lines.get(4)).startsWith("1 snapshot belongs to no asset");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void jsonGivesEachAssetsLatestSnapshotAndItsAgeInSeconds() throws Exception {
        String first = backup(100, "--asset", "app-config", "--kind", "config");
        clock.advance(Duration.ofMinutes(10));
        String latest = backup(300, "--asset", "app-config", "--kind", "config");
        clock.advance(Duration.ofSeconds(42));

        JsonNode list = JSON.readTree(cli.ok("asset", "list", "--json").out());

        assertThat(list.isArray()).isTrue();
        assertThat(list).hasSize(1);
        JsonNode a = list.get(0);
        Iterator<String> fields = a.fieldNames();
        assertThat(fields).toIterable().containsExactly("name", "kind", "snapshots", "first", "latest", "ageSeconds");
        assertThat(a.get("name").asText()).isEqualTo("app-config");
        assertThat(a.get("kind").asText()).isEqualTo("config");
        assertThat(a.get("snapshots").asInt()).isEqualTo(2);
        assertThat(a.get("first").asText()).isEqualTo(T0.toString());
        assertThat(a.at("/latest/id").asText()).isEqualTo(latest).isNotEqualTo(first);
        assertThat(a.at("/latest/time").asText()).isEqualTo(T0.plus(Duration.ofMinutes(10)).toString());
        assertThat(a.at("/latest/bytes").asLong()).isEqualTo(300);
        assertThat(a.get("ageSeconds").asLong()).isEqualTo(42);
    }

    @Test
    void kindFiltersAndAnUnknownKindIsAUsageError() throws Exception {
        backup(10, "--asset", "train", "--kind", "dataset");
        backup(10, "--asset", "lock", "--kind", "environment");

        JsonNode env = JSON.readTree(cli.ok("asset", "list", "--json", "--kind", "environment").out());
        assertThat(env).extracting(n -> n.get("name").asText()).containsExactly("lock");
        assertThat(cli.ok("asset", "list", "--kind", "dataset").out()).contains("train").doesNotContain("lock")
                .contains("1 asset of kind dataset");

        Cli.Result bad = cli.run("asset", "list", "--kind", "weights");
        assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("unknown asset kind 'weights'").contains("dataset, environment");
    }

    @Test
    void forgottenSnapshotsAreLeftOutAndKindsThatDisagreeAreAWarning() throws Exception {
        String kept = backup(10, "--asset", "app", "--kind", "config");
        clock.advance(Duration.ofMinutes(1));
        String forgotten = backup(20, "--asset", "app", "--kind", "config");
        clock.advance(Duration.ofMinutes(1));
        backup(30, "--asset", "odd", "--kind", "config");
        clock.advance(Duration.ofMinutes(1));
        backup(30, "--asset", "odd", "--kind", "environment");
        cli.ok("forget", forgotten);

        Cli.Result r = cli.ok("asset", "list", "--json");
        JsonNode list = JSON.readTree(r.out());
        assertThat(list.get(0).at("/latest/id").asText()).isEqualTo(kept);
        assertThat(list.get(0).get("snapshots").asInt()).isEqualTo(1);
        assertThat(list.get(1).get("kind").asText()).isEqualTo("environment");
        assertThat(r.err()).contains("warning: asset 'odd' has snapshots of different kinds (config, environment)");
    }

    @Test
    void lsAndRestoreTakeAnAssetsLatestSnapshotOrOneOfItsIds() throws Exception {
        Path data = java.nio.file.Files.createDirectories(tmp.resolve("data"));
        java.nio.file.Files.writeString(data.resolve("app.yaml"), "replicas: 1\n");
        String first = JSON.readTree(cli.ok("backup", "--json", "--asset", "app", "--kind", "config", data.toString())
                .out()).get("snapshot").asText();
        clock.advance(Duration.ofMinutes(1));
        java.nio.file.Files.writeString(data.resolve("app.yaml"), "replicas: 3\n");
        cli.ok("backup", "--asset", "app", "--kind", "config", data.toString());
        clock.advance(Duration.ofMinutes(1));
        backup(10, "--asset", "other");

        assertThat(cli.ok("ls", "app@latest").out()).contains("/app.yaml");
        Path target = tmp.resolve("out");
        cli.ok("restore", "app@latest", "--target", target.toString());
        assertThat(TestFiles.restored(target, data).resolve("app.yaml")).hasContent("replicas: 3");
        cli.ok("restore", "app@" + first.substring(0, 8), "--target", tmp.resolve("old").toString());
        assertThat(TestFiles.restored(tmp.resolve("old"), data).resolve("app.yaml")).hasContent("replicas: 1");

        Cli.Result missing = cli.run("restore", "nope@latest", "--target", tmp.resolve("x").toString());
        assertThat(missing.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err()).contains("asset 'nope'");
        Cli.Result wrongAsset = cli.run("ls", "other@" + first.substring(0, 8));
        assertThat(wrongAsset.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(wrongAsset.err()).contains("asset 'other' has no live snapshot");
        assertThat(tmp.resolve("x")).doesNotExist();
    }

    @Test
    void anEmptyRepositoryListsNoAssets() {
        assertThat(cli.ok("asset", "list").out()).endsWith("0 assets\n");
        assertThat(cli.ok("asset", "list", "--json").out().trim()).isEqualTo("[ ]");
        assertThat(cli.run("asset").code()).isEqualTo(ExitCodes.USAGE);
    }
}
