package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The everyday commands as a user runs them, with their human and JSON output. */
class CommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    Cli cli;
    Path data;

    @BeforeEach
    void setUp() throws Exception {
        cli = new Cli(tmp).init();
        data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("train.jsonl"), "{\"x\":1}\n{\"x\":2}\n");
        Files.createDirectories(data.resolve("sub"));
        Files.writeString(data.resolve("sub/labels.csv"), "id,label\n1,cat\n");
    }

    @Test
    void backupThenListThenRestore() throws Exception {
        Cli.Result b = cli.ok("backup", data.toString(), "--tag", "team=vision", "--asset", "train", "--kind", "dataset");
        assertThat(b.out()).containsPattern("snapshot [0-9a-f]{8} saved");

        Cli.Result table = cli.ok("snapshots");
        assertThat(table.out()).contains("train (dataset)").contains("team=vision").contains(data.toString())
                .contains("1 snapshot");

        Cli.Result ls = cli.ok("ls", "latest");
        assertThat(ls.out()).contains(data + "/train.jsonl").contains(data + "/sub/labels.csv");

        Path target = tmp.resolve("restore");
        Cli.Result r = cli.ok("restore", "latest", "--target", target.toString());
        assertThat(r.out()).contains("2 files");
        Path back = target.resolve(data.toString().substring(1));
        assertThat(back.resolve("sub/labels.csv")).hasSameTextualContentAs(data.resolve("sub/labels.csv"));
    }

    @Test
    void jsonOutputsParseAndCarryTheFacts() throws Exception {
        JsonNode backup = JSON.readTree(cli.ok("backup", "--json", data.toString()).out());
        String id = backup.get("snapshot").asText();
        assertThat(id).hasSize(64);
        assertThat(backup.at("/summary/files").asLong()).isEqualTo(2);
        assertThat(backup.at("/summary/filesNew").asLong()).isEqualTo(2);

        JsonNode list = JSON.readTree(cli.ok("snapshots", "--json").out());
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("id").asText()).isEqualTo(id);
        assertThat(list.get(0).get("paths").get(0).asText()).isEqualTo(data.toString());

        JsonNode ls = JSON.readTree(cli.ok("ls", "--json", id.substring(0, 6)).out());
        assertThat(ls.get("entries").findValuesAsText("path")).contains(data + "/train.jsonl");

        JsonNode stats = JSON.readTree(cli.ok("stats", "--json").out());
        assertThat(stats.get("snapshots").asInt()).isEqualTo(1);
        assertThat(stats.get("logicalBytes").asLong()).isEqualTo(Files.size(data.resolve("train.jsonl"))
                + Files.size(data.resolve("sub/labels.csv")));

        JsonNode check = JSON.readTree(cli.ok("check", "--json", "--read-data").out());
        assertThat(check.get("errors")).isEmpty();
    }

    @Test
    void snapshotsFilterByTagAssetHostAndPath() throws Exception {
        Path other = Files.createDirectories(tmp.resolve("other"));
        Files.writeString(other.resolve("f"), "f");
        cli.ok("backup", data.toString(), "--tag", "env=prod", "--asset", "a");
        cli.ok("backup", other.toString(), "--tag", "env=dev", "--host", "elsewhere");
        assertThat(ids("snapshots", "--json", "--tag", "env=prod")).hasSize(1);
        assertThat(ids("snapshots", "--json", "--asset", "a")).hasSize(1);
        assertThat(ids("snapshots", "--json", "--host", "elsewhere")).hasSize(1);
        assertThat(ids("snapshots", "--json", "--path", other.toString())).hasSize(1);
        assertThat(ids("snapshots", "--json", "--tag", "env=none")).isEmpty();
        assertThat(ids("snapshots", "--json")).hasSize(2);
    }

    private JsonNode ids(String... args) throws Exception {
        return JSON.readTree(cli.ok(args).out());
    }

    @Test
    void stdinIsStoredUnderItsFileName() throws Exception {
        byte[] payload = "checkpoint bytes from a pipe\n".repeat(1000).getBytes(StandardCharsets.UTF_8);
        Cli.Result r = cli.run(new ByteArrayInputStream(payload), "backup", "--stdin", "--stdin-filename", "ckpt.pt",
                "--kind", "checkpoint");
        assertThat(r.code()).as(r.toString()).isZero();
        cli.ok("restore", "latest", "--target", tmp.resolve("out").toString());
        assertThat(Files.readAllBytes(tmp.resolve("out/ckpt.pt"))).isEqualTo(payload);
    }

    @Test
    void badUsageExitsTwoWithAMessage() {
        assertThat(cli.run("backup").code()).isEqualTo(2);
        assertThat(cli.run("backup", data.toString(), "--kind", "spreadsheet").err()).contains("unknown asset kind");
        assertThat(cli.run("backup", data.toString(), "--kind", "spreadsheet").code()).isEqualTo(2);
        assertThat(cli.run("backup", "--stdin", data.toString()).code()).isEqualTo(2);
        assertThat(cli.run("backup", data.toString(), "--tag", "=v").code()).isEqualTo(2);
        assertThat(cli.run("restore", "latest").code()).as("--target is required").isEqualTo(2);
        assertThat(cli.run("frobnicate").code()).isEqualTo(2);
    }

    @Test
    void restoreOfAnEmptyRepositorySaysThereIsNothing() {
        Cli.Result r = cli.run("restore", "latest", "--target", tmp.resolve("out").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("no readable snapshots");
    }

    @Test
    void helpAndVersionWork() {
        assertThat(cli.ok("--help").out()).contains("backup").contains("Exit codes");
        assertThat(cli.ok("--version").out()).startsWith("lifeboat ");
    }

    /**
     * A command line builds the model of the one subcommand it names (building all twenty
     * took about 0.2 s of every start); help, no arguments and an unknown name get them all.
     */
    @Test
    void onlyTheNamedSubcommandIsRegistered() {
        assertThat(registered("backup", "--json", "/data")).containsExactly("backup");
        assertThat(registered("key", "list")).containsExactly("key");
        assertThat(registered("--version")).isEmpty();
        java.util.List<String> all = Main.SUBCOMMANDS.stream()
                .map(c -> c.getAnnotation(picocli.CommandLine.Command.class).name()).toList();
        assertThat(all).doesNotHaveDuplicates().hasSize(21).contains("backup", "help");
        assertThat(registered("--help")).containsExactlyElementsOf(all);
        assertThat(registered()).containsExactlyElementsOf(all);
        assertThat(registered("bakup")).containsExactlyElementsOf(all);
        assertThat(registered("help", "backup")).containsExactlyElementsOf(all);
        assertThat(registered("-h", "backup")).containsExactlyElementsOf(all);
        assertThat(cli.ok("help", "backup").out()).contains("Usage: lifeboat backup");
        assertThat(cli.ok("key", "list", "--help").out()).contains("Usage: lifeboat key list").contains("--version");
    }

    private static java.util.List<String> registered(String... args) {
        Context ctx = new Context(System.out, System.err, java.util.Map.of(), InputStream.nullInputStream(), false,
                java.time.Clock.systemUTC());
        return java.util.List.copyOf(Main.commandLine(ctx, args).getSubcommands().keySet());
    }

    @Test
    void everySubcommandHasHelpAndUsageErrorsPointToIt() {
        for (String[] command : new String[][] {{"init"}, {"backup"}, {"snapshots"}, {"ls"}, {"restore"}, {"check"},
                {"stats"}, {"key"}, {"key", "add"}, {"key", "list"}, {"key", "remove"}, {"key", "passwd"}, {"quickstart"}}) {
            String[] args = java.util.Arrays.copyOf(command, command.length + 1);
            args[command.length] = "--help";
            Cli.Result help = cli.run(args);
            assertThat(help.code()).as(String.join(" ", args) + ": " + help).isZero();
            assertThat(help.out()).contains("Usage: lifeboat " + String.join(" ", command));
        }
        Cli.Result wrong = cli.run("restore", "--no-such-option");
        assertThat(wrong.code()).isEqualTo(2);
        assertThat(wrong.err()).contains("lifeboat restore --help");
    }

    @Test
    void quickstartRecoversItsWorkspace() throws Exception {
        Path dir = tmp.resolve("qs");
        Cli.Result r = cli.run("quickstart", "--dir", dir.toString(), "--files", "200", "--tensor-mib", "2", "--json");
        assertThat(r.code()).as(r.toString()).isZero();
        JsonNode report = JSON.readTree(r.out());
        assertThat(report.get("ok").asBoolean()).isTrue();
        assertThat(report.get("files").asInt()).isEqualTo(203);
        assertThat(report.get("verifiedFiles").asInt()).isEqualTo(203);
        assertThat(report.get("mismatches")).isEmpty();
        assertThat(report.get("secondBackupUnmodifiedFiles").asLong()).isGreaterThan(150);
        assertThat(report.get("rtoSeconds").asDouble()).isPositive();
        assertThat(dir.resolve("workspace")).doesNotExist();
    }

    @Test
    void quickstartRefusesADirectoryWithFilesInIt() throws Exception {
        Files.writeString(tmp.resolve("occupied"), "x");
        Cli.Result r = cli.run("quickstart", "--dir", tmp.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("not empty");
    }
}
