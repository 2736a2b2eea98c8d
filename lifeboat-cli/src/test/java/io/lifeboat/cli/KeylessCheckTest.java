package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

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

/** {@code check --without-key}: what a replica that holds no key can prove about its bytes. */
class KeylessCheckTest {
    @TempDir
    Path tmp;
    Cli cli;

    @BeforeEach
    void repositoryWithoutAPassphraseInSight() throws IOException {
        cli = new Cli(tmp).init("--pack-size", "1");
        Path src = Files.createDirectories(tmp.resolve("src"));
        Random random = new Random(11);
        for (int i = 0; i < 6; i++) {
            TestFiles.random(src.resolve("f" + i), random, 700_000);
        }
        cli.ok("backup", src.toString());
        cli.env.remove("LIFEBOAT_PASSWORD_FILE"); // the replica has no key
    }

    private List<Path> objects(String dir) throws IOException {
        try (Stream<Path> s = Files.walk(cli.repo.resolve(dir))) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @Test
    void aCleanRepositoryPassesWithoutAnyPassphrase() {
        Cli.Result r = cli.run("check", "--without-key");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("no errors were found").contains("without the key");
        assertThat(cli.run("check").code()).as("the normal check does need the passphrase").isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void aFlippedByteInAPackIsFoundAndThePackNamed() throws IOException {
        Path pack = objects("data").get(0);
        try (RandomAccessFile f = new RandomAccessFile(pack.toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 0x40);
        }
        Cli.Result r = cli.run("check", "--without-key");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.INTEGRITY);
        assertThat(r.err()).contains(pack.getFileName().toString()).contains("does not match its name");
    }

    @Test
    void aDamagedSnapshotOrIndexIsFound() throws IOException {
        Path snapshot = objects("snapshots").get(0);
        Path index = objects("index").get(0);
        Files.write(snapshot, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        Files.write(index, new byte[] {0});
        Cli.Result r = cli.run("check", "--without-key");
        assertThat(r.code()).isEqualTo(ExitCodes.INTEGRITY);
        assertThat(r.err()).contains(snapshot.getFileName().toString()).contains(index.getFileName().toString());
    }

    @Test
    void aTruncatedPackIsNamed() throws IOException {
        Path pack = objects("data").get(0);
        byte[] bytes = Files.readAllBytes(pack);
        Files.write(pack, java.util.Arrays.copyOf(bytes, bytes.length - 5));
        Cli.Result r = cli.run("check", "--without-key", "--json");
        assertThat(r.code()).isEqualTo(ExitCodes.INTEGRITY);
        assertThat(r.out()).contains(pack.getFileName().toString());
    }

    @Test
    void anObjectNamedByItsHashButWithoutAPackTrailerIsRefused() throws IOException {
        byte[] junk = "not a pack, though named like one".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String hex = io.lifeboat.core.Id.sha256(junk).hex();
        Path fake = Files.createDirectories(cli.repo.resolve("data").resolve(hex.substring(0, 2))).resolve(hex);
        Files.write(fake, junk);
        Cli.Result r = cli.run("check", "--without-key");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.INTEGRITY);
        assertThat(r.err()).contains(hex).contains("trailer");
    }
}
