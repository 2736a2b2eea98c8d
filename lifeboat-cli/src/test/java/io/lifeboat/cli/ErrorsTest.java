package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input fails loudly and safely: the documented exit code, one clear message that
 * names what is wrong, nothing stored changed, and never the passphrase in any output.
 */
class ErrorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WRONG = "Tr0ub4dor&3-not-the-passphrase";

    @TempDir
    Path tmp;

    private Cli cli;
    private String passphrase;

    @BeforeEach
    void setUp() throws IOException {
        cli = new Cli(tmp);
        passphrase = Files.readString(cli.passwordFile).strip();
    }

    @Test
    void aWrongPassphraseExitsTwelveWithOneLineOnStderr() throws IOException {
        cli.init();
        cli.env.put("LIFEBOAT_PASSWORD_FILE", Files.writeString(tmp.resolve("wrong"), WRONG + "\n").toString());

        Cli.Result r = run("snapshots");

        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.WRONG_PASSPHRASE);
        assertThat(r.err().lines().toList()).as(r.toString()).hasSize(1);
        assertThat(r.err()).contains("passphrase");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aRepositoryPathThatDoesNotExistIsAUsageErrorNamingThePath() {
        Path missing = tmp.resolve("no-such-repo");
        cli.env.put("LIFEBOAT_REPO", missing.toString());

        Cli.Result r = run("snapshots");

        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains(missing.toString());
        assertThat(missing).doesNotExist();
    }

    @Test
    void aDirectoryThatIsNotARepositoryIsAUsageError() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("just-a-directory"));
        Files.writeString(dir.resolve("notes.txt"), "hello");
        cli.env.put("LIFEBOAT_REPO", dir.toString());

        Cli.Result r = run("snapshots");

        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains(dir.toString()).contains("no Lifeboat repository");
        try (var entries = Files.list(dir)) {
            assertThat(entries.toList()).containsExactly(dir.resolve("notes.txt"));
        }
    }

    @Test
    void noRepositoryGivenIsAUsageError() {
        cli.env.remove("LIFEBOAT_REPO");

        Cli.Result r = run("snapshots");

        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--repo").contains("LIFEBOAT_REPO");
    }

    @Test
    void noPassphraseSourceIsAUsageError() {
        cli.init();
        cli.env.remove("LIFEBOAT_PASSWORD_FILE");

        Cli.Result r = run("snapshots");

        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("passphrase");
    }

    @Test
    void anEmptyPasswordFileIsAUsageError() throws IOException {
        cli.init();
        Path empty = Files.writeString(tmp.resolve("empty"), "");
        cli.env.put("LIFEBOAT_PASSWORD_FILE", empty.toString());

        Cli.Result r = run("snapshots");

        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains(empty.toString()).contains("empty");
    }

    @Test
    void aNewerFormatVersionIsRefusedWithAnUpgradeHint() throws IOException {
        cli.init();
        Path config = cli.repo.resolve("config");
        ObjectNode o = (ObjectNode) JSON.readTree(config.toFile());
        assertThat(o.get("version").asInt()).isEqualTo(1);
        o.put("version", 2);
        Files.write(config, JSON.writeValueAsBytes(o));

        Cli.Result r = run("snapshots");

        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.FAILURE);
        assertThat(r.err()).contains("version 2").containsIgnoringCase("upgrade");
    }

    @Test
    void initTwiceFailsAndLeavesTheRepositoryAsItWas() throws IOException {
        cli.init();
        Path src = TestFiles.random(tmp.resolve("src/a.bin"), new Random(1), 100_000).getParent();
        cli.ok("backup", src.toString());
        String snapshotsBefore = cli.ok("snapshots", "--json").out();
        List<Path> before = TestFiles.regularFiles(cli.repo);
        byte[] configBefore = Files.readAllBytes(cli.repo.resolve("config"));
        cli.env.put("LIFEBOAT_PASSWORD_FILE", Files.writeString(tmp.resolve("other"), WRONG + "\n").toString());

        Cli.Result again = run("init", "--kdf-memory", "1", "--kdf-iterations", "1");

        assertThat(again.code()).as(again.toString()).isNotZero();
        assertThat(again.err()).contains(cli.repo.toString());
        assertThat(TestFiles.regularFiles(cli.repo)).isEqualTo(before);
        assertThat(cli.repo.resolve("config")).hasBinaryContent(configBefore);
        assertThat(run("snapshots").code()).as("the second init's passphrase opens nothing")
                .isEqualTo(ExitCodes.WRONG_PASSPHRASE);
        cli.env.remove("LIFEBOAT_PASSWORD_FILE");
        Cli.Result noPassphrase = run("init");
        assertThat(noPassphrase.code()).as("an existing repository is found before a passphrase is asked for")
                .isEqualTo(ExitCodes.FAILURE);
        assertThat(noPassphrase.err()).contains("already exists");
        cli.env.put("LIFEBOAT_PASSWORD_FILE", cli.passwordFile.toString());
        assertThat(run("snapshots", "--json").out()).isEqualTo(snapshotsBefore);
        assertThat(run("check", "--read-data").code()).isEqualTo(ExitCodes.OK);
    }

    @Test
    void restoringANonexistentSnapshotIsAUsageErrorAndCreatesNothing() {
        cli.init();
        Path target = tmp.resolve("target");

        for (String ref : List.of("nosuchid", "abcd1234", "latest")) {
            Cli.Result r = run("restore", ref, "--target", target.toString());

            assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).contains("snapshot");
            assertThat(target).doesNotExist();
        }
    }

    @Test
    void backingUpAPathThatDoesNotExistIsAUsageErrorAndStoresNothing() throws IOException {
        cli.init();
        List<Path> before = TestFiles.regularFiles(cli.repo);
        Path missing = tmp.resolve("no-such-dir");

        Cli.Result r = run("backup", missing.toString());

        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains(missing.toString());
        assertThat(TestFiles.regularFiles(cli.repo)).as("nothing stored").isEqualTo(before);
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        cli.init();

        Cli.Result r = run("snapshots", "--no-such-option");

        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--no-such-option");
    }

    @Test
    void aUrlOfAnUnknownSchemeIsAUsageErrorSayingTheBackendIsMissing() {
        Cli.Result r = run("snapshots", "--repo", "gs://bucket/prefix");

        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("no storage backend for gs://");
        assertThat(r.err().lines().count()).isEqualTo(1);

        Cli.Result withCredentials = run("snapshots", "--repo", "s3://AKIAEXAMPLE:secret@bucket/prefix");
        assertThat(withCredentials.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(withCredentials.err()).contains("carry no credentials").doesNotContain("secret");
    }

    /** Runs a command and asserts that neither passphrase shows in its output. */
    private Cli.Result run(String... args) {
        Cli.Result r = cli.run(args);
        for (String secret : List.of(passphrase, WRONG)) {
            assertThat(r.out()).as("stdout of %s", List.of(args)).doesNotContain(secret);
            assertThat(r.err()).as("stderr of %s", List.of(args)).doesNotContain(secret);
        }
        return r;
    }

    @Test
    void keyDerivationSettingsOutOfRangeAreUsageErrors() {
        assertThat(cli.run("init", "--kdf-memory", "4096").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.run("init", "--kdf-iterations", "0").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.repo).doesNotExist();
    }

    @Test
    void fileUrlsWithThreeSlashesWork() throws IOException {
        cli.env.put("LIFEBOAT_REPO", "file://" + cli.repo);
        assertThat(cli.run("init", "--kdf-memory", "1", "--kdf-iterations", "1").code()).isZero();
        assertThat(cli.repo.resolve("config")).exists();
    }

    @Test
    void initOntoAFileIsAUsageError() throws IOException {
        Files.writeString(cli.repo, "not a directory");
        Cli.Result r = run("init", "--kdf-memory", "1", "--kdf-iterations", "1");
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("not a directory");
        assertThat(cli.repo).hasContent("not a directory");
    }

    @Test
    void checkNamesADamagedKeySlot() throws IOException {
        cli.init();
        Path slot;
        try (var s = Files.list(cli.repo.resolve("keys"))) {
            slot = s.findFirst().orElseThrow();
        }
        // A label inside the slot changes: it still opens, but it is no longer what was written.
        String json = Files.readString(slot);
        Files.writeString(slot, json.replaceFirst("\"hostname\" ?: ?\"[^\"]*\"", "\"hostname\" : \"tampered\""));
        assertThat(Files.readString(slot)).isNotEqualTo(json);
        Cli.Result r = run("check");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.INTEGRITY);
        assertThat(r.err()).contains(slot.getFileName().toString());
    }
}
