package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.core.Id;
import io.lifeboat.core.Repository;
import io.lifeboat.core.internal.format.Node;
import io.lifeboat.core.internal.format.PackEntry;
import io.lifeboat.core.internal.format.Packs;
import io.lifeboat.core.storage.local.LocalBlobStore;
import io.lifeboat.core.internal.engine.RestoreEngine;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code lifeboat restore} reports and how it exits, beyond plain success and damage (see DamageTest). */
class RestoreCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Cli cli;
    private Path src;

    @BeforeEach
    void backUp() throws IOException {
        cli = new Cli(tmp).init();
        src = Files.createDirectories(tmp.resolve("src"));
        TestFiles.random(src.resolve("a.bin"), new Random(1), 50_000);
        Files.writeString(src.resolve("notes.txt"), "notes\n");
        cli.ok("backup", src.toString());
    }

    @Test
    void aTargetThatIsAFileIsAUsageErrorThatSaysSo() throws IOException {
        Path file = Files.writeString(tmp.resolve("afile"), "x\n");
        Cli.Result r = cli.run("restore", "latest", "--target", file.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).as(r.toString()).contains(file.toString()).contains("is not a directory");
        assertThat(file).hasContent("x");
    }

    @Test
    void aNonEmptyDirectoryWhereTheSnapshotHasAFileIsAConflictExitOne() throws IOException {
        Path target = tmp.resolve("target");
        Path blocked = TestFiles.restored(target, src.resolve("notes.txt"));
        Files.createDirectories(blocked);
        Files.writeString(blocked.resolve("mine"), "mine\n");

        Cli.Result r = cli.run("restore", "latest", "--target", target.toString());

        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.FAILURE);
        assertThat(r.err()).as(r.toString()).contains("conflict: " + blocked + ": a non-empty directory");
        assertThat(r.err()).doesNotContain("damaged");
        assertThat(r.out()).as(r.toString()).contains(": 1 files (1 more in conflict)");
        assertThat(blocked.resolve("mine")).hasContent("mine");
        TestFiles.assertSameBytes(src.resolve("a.bin"), TestFiles.restored(target, src.resolve("a.bin")));

        Cli.Result json = cli.run("restore", "latest", "--target", target.toString(), "--json");
        assertThat(json.code()).as(json.toString()).isEqualTo(ExitCodes.FAILURE);
        JsonNode report = JSON.readTree(json.out());
        assertThat(report.get("conflicts")).hasSize(1);
        assertThat(report.get("conflicts").get(0).get("path").asText()).isEqualTo(blocked.toString());
        assertThat(report.get("conflicts").get(0).get("reason").asText()).contains("non-empty directory");
        assertThat(report.get("files").asLong()).isEqualTo(2);
        assertThat(report.get("filesRestored").asLong()).isEqualTo(1);
        assertThat(report.get("damaged")).isEmpty();
    }

    @Test
    void damageWinsOverConflictsAndTheDamagedFileIsNamedWhereItWasKept() throws IOException {
        Path target = tmp.resolve("target");
        Path blocked = TestFiles.restored(target, src.resolve("notes.txt"));
        Files.createDirectories(blocked);
        Files.writeString(blocked.resolve("mine"), "mine\n");
        PackEntry chunk = onlyChunkOf(src.resolve("a.bin"));
        try (RandomAccessFile f = new RandomAccessFile(cli.repo.resolve(Packs.name(chunk.pack())).toFile(), "rw")) {
            long at = chunk.offset() + chunk.length() / 2;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 1);
        }

        Cli.Result r = cli.run("restore", "latest", "--target", target.toString());

        Path lost = TestFiles.restored(target, src.resolve("a.bin"));
        Path aside = lost.resolveSibling("a.bin" + RestoreEngine.DAMAGED_SUFFIX);
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.INTEGRITY);
        assertThat(r.err()).as(r.toString()).contains("damaged: " + lost + ": chunk " + chunk.id().shortHex())
                .contains("what could be read is in " + aside)
                .contains("conflict: " + blocked);
        assertThat(r.out()).as(r.toString()).contains(": 0 files (1 more damaged, 1 more in conflict)");
        assertThat(lost).doesNotExist();
        assertThat(aside).isRegularFile();
    }

    private PackEntry onlyChunkOf(Path file) throws IOException {
        char[] pass = Files.readString(cli.passwordFile).strip().toCharArray();
        try (Repository repo = Repository.open(new LocalBlobStore(cli.repo), pass)) {
            repo.loadIndexStrict();
            Id tree = repo.findSnapshot("latest").tree();
            Node node = null;
            for (Path part : file.toAbsolutePath()) {
                node = repo.loadTree(tree).nodes().stream().filter(n -> n.name().equals(part.toString())).findFirst()
                        .orElseThrow();
                tree = node.subtree();
            }
            assertThat(node.chunks()).hasSize(1);
            return repo.index().get(node.chunks().get(0));
        }
    }

    @Test
    void aDamagedIndexFileIsAWarningAndTheRestoreGoesOn() throws IOException {
        Path more = TestFiles.random(src.resolve("b.bin"), new Random(2), 50_000);
        String before;
        try (Stream<Path> s = Files.list(cli.repo.resolve("index"))) {
            before = s.findFirst().orElseThrow().getFileName().toString();
        }
        cli.ok("backup", src.toString());
        try (RandomAccessFile f = new RandomAccessFile(cli.repo.resolve("index").resolve(before).toFile(), "rw")) {
            f.seek(40);
            int b = f.read();
            f.seek(40);
            f.write(b ^ 1);
        }
        Path target = tmp.resolve("target");
        Cli.Result r = cli.run("restore", "latest", "--target", target.toString());

        Path lost = TestFiles.restored(target, src.resolve("a.bin"));
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.INTEGRITY);
        assertThat(r.err()).as(r.toString()).contains("warning: damaged index file skipped: index/" + before);
        assertThat(r.err()).as(r.toString()).contains("damaged: " + lost + ": chunk ");
        TestFiles.assertSameBytes(more, TestFiles.restored(target, more));
        assertThat(lost).doesNotExist();

        Cli.Result json = cli.run("restore", "latest", "--target", tmp.resolve("target2").toString(), "--json");
        assertThat(JSON.readTree(json.out()).get("damagedIndexFiles").get(0).asText()).contains(before);
    }

    @Test
    void latestPassingOverADamagedNewerSnapshotWarnsAndExitsTen() throws IOException {
        Files.writeString(src.resolve("notes.txt"), "newer notes\n");
        cli.ok("backup", src.toString());
        JsonNode list = JSON.readTree(cli.ok("snapshots", "--json").out());
        assertThat(list).hasSize(2);
        String newest = list.get(1).get("id").asText(); // oldest first
        try (RandomAccessFile f = new RandomAccessFile(cli.repo.resolve("snapshots").resolve(newest).toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 1);
        }
        String warning = "warning: damaged snapshot snapshots/" + newest + " skipped; 'latest' is the newest readable one";

        Path target = tmp.resolve("target");
        Cli.Result r = cli.run("restore", "latest", "--target", target.toString());

        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.INTEGRITY);
        assertThat(r.err()).as(r.toString()).contains(warning);
        assertThat(r.out()).as(r.toString()).contains("restored snapshot " + list.get(0).get("id").asText().substring(0, 8));
        assertThat(TestFiles.restored(target, src.resolve("notes.txt"))).as("the older snapshot's content")
                .hasContent("notes");
        TestFiles.assertSameBytes(src.resolve("a.bin"), TestFiles.restored(target, src.resolve("a.bin")));

        Cli.Result ls = cli.run("ls", "latest");
        assertThat(ls.err()).as(ls.toString()).contains(warning);
        assertThat(ls.out()).as(ls.toString()).contains("/notes.txt");

        // Named by id, the older snapshot is no surprise: no warning, exit 0.
        Cli.Result byId = cli.run("restore", list.get(0).get("id").asText(), "--target", tmp.resolve("t2").toString());
        assertThat(byId.code()).as(byId.toString()).isEqualTo(ExitCodes.OK);
        assertThat(byId.err()).as(byId.toString()).doesNotContain("damaged snapshot");
    }

    @Test
    void aDamagedSnapshotOutranksAConflictInTheExitCode() throws IOException {
        cli.ok("backup", src.toString());
        JsonNode list = JSON.readTree(cli.ok("snapshots", "--json").out());
        String newest = list.get(1).get("id").asText();
        Files.write(cli.repo.resolve("snapshots").resolve(newest), new byte[] {1, 2, 3});
        Path target = tmp.resolve("target");
        Path blocked = TestFiles.restored(target, src.resolve("notes.txt"));
        Files.createDirectories(blocked);
        Files.writeString(blocked.resolve("mine"), "mine\n");

        Cli.Result r = cli.run("restore", "latest", "--target", target.toString());

        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.INTEGRITY);
        assertThat(r.err()).as(r.toString()).contains("damaged snapshot snapshots/" + newest).contains("conflict: ");
    }

    @Test
    void theProgressLineShowsFilesBytesAndRate() {
        RestoreEngine.Progress p = new RestoreEngine.Progress();
        assertThat(RestoreCommand.progressLine(p, System.nanoTime())).contains("0 files").contains("restored");
        p.filesTotal = 10;
        p.bytesTotal = 4L << 20;
        p.files.set(3);
        p.bytes.set(1L << 20);
        String line = RestoreCommand.progressLine(p, System.nanoTime() - 1_000_000_000L);
        assertThat(line).contains("3/10 files").contains(Format.bytes(1L << 20) + " of " + Format.bytes(4L << 20))
                .contains("/s");
    }
}
