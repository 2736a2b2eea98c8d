package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** repair index: lost and damaged index files are rebuilt from the packs. */
class RepairIndexTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    Cli cli;
    Path data;

    @BeforeEach
    void backedUp() throws Exception {
        cli = new Cli(tmp).init("--pack-size", "1");
        data = Files.createDirectories(tmp.resolve("data"));
        Random rnd = new Random(7);
        for (int i = 0; i < 6; i++) {
            TestFiles.random(data.resolve("file-" + i), rnd, 700_000); // several 1 MiB packs
        }
        cli.ok("backup", data.toString());
        Files.writeString(data.resolve("file-0"), "changed");
        cli.ok("backup", data.toString());
    }

    private List<Path> files(String dir) throws IOException {
        try (Stream<Path> s = Files.walk(cli.repo.resolve(dir))) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private void assertRestoresExactly() throws IOException {
        Path target = tmp.resolve("restore-" + System.nanoTime());
        cli.ok("restore", "latest", "--target", target.toString());
        for (Path f : TestFiles.regularFiles(data)) {
            TestFiles.assertSameBytes(f, TestFiles.restored(target, f));
        }
    }

    @Test
    void lostIndexFilesAreRebuiltFromThePacks() throws Exception {
        for (Path f : files("index")) {
            Files.delete(f);
        }
        assertThat(cli.run("check").code()).as("without an index the snapshots name unknown chunks").isEqualTo(ExitCodes.INTEGRITY);

        JsonNode r = JSON.readTree(cli.ok("repair", "index", "--json").out());
        assertThat(r.get("packs_already_indexed").asInt()).isZero();
        assertThat(r.get("packs_reindexed").size()).isEqualTo(r.get("packs").asInt()).isGreaterThan(3);
        assertThat(r.get("index_files_written").size()).isPositive();

        Cli.Result check = cli.run("check", "--read-data");
        assertThat(check.code()).as(check.toString()).isZero();
        assertRestoresExactly();
        assertThat(cli.ok("repair", "index").out()).contains("nothing to repair");
    }

    @Test
    void aDamagedIndexFileIsReplacedAndRemoved() throws Exception {
        List<Path> before = files("index");
        Path damaged = before.get(0);
        try (RandomAccessFile f = new RandomAccessFile(damaged.toFile(), "rw")) {
            f.seek(40);
            int b = f.read();
            f.seek(40);
            f.write(b ^ 0x10);
        }
        assertThat(cli.run("check").code()).isEqualTo(ExitCodes.INTEGRITY);

        Cli.Result dry = cli.ok("repair", "index", "--dry-run");
        assertThat(dry.out()).contains("damaged index file index/" + damaged.getFileName()).contains("would be removed");
        assertThat(files("index")).as("a dry run writes nothing").isEqualTo(before);

        Cli.Result r = cli.ok("repair", "index");
        assertThat(r.out()).contains("remove 1 damaged index file");
        assertThat(damaged).doesNotExist();
        Cli.Result check = cli.run("check", "--read-data");
        assertThat(check.code()).as(check.toString()).isZero();
        assertRestoresExactly();
    }

    @Test
    void aPackWithAnUnreadableHeaderIsReportedAndTheRestIndexed() throws Exception {
        for (Path f : files("index")) {
            Files.delete(f);
        }
        List<Path> packs = files("data");
        Path broken = packs.get(0);
        long size = Files.size(broken);
        try (RandomAccessFile f = new RandomAccessFile(broken.toFile(), "rw")) {
            f.seek(size - 20); // inside the sealed header, just before the trailer
            int b = f.read();
            f.seek(size - 20);
            f.write(b ^ 0x01);
        }

        Cli.Result r = cli.run("repair", "index", "--json");
        assertThat(r.code()).isEqualTo(ExitCodes.INTEGRITY);
        JsonNode report = JSON.readTree(r.out());
        assertThat(report.get("unreadable_packs").size()).isEqualTo(1);
        assertThat(report.get("unreadable_packs").get(0).asText()).contains(broken.getFileName().toString());
        assertThat(report.get("packs_reindexed").size()).isEqualTo(packs.size() - 1);
        assertThat(broken).as("repair deletes no pack").exists();
    }
}
