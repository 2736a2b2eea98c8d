package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.azure.AzuriteServer;
import io.lifeboat.s3.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every command a user runs, on {@code s3://} (S3Proxy) and {@code azure://} (Azurite)
 * repositories, as on local disk: init, backup, snapshots, ls, restore, check (with and
 * without the key), forget, undelete, prune, key, stats, repair index; and the errors a
 * user meets there: a missing bucket or container, a wrong passphrase. No secret ever
 * shows in any output.
 */
class CloudRepositoriesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static S3ProxyServer s3;
    private static AzuriteServer azure;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startServers() throws Exception {
        s3 = S3ProxyServer.start();
        azure = AzuriteServer.shared();
    }

    @AfterAll
    static void stopServers() {
        if (s3 != null) {
            s3.close();
        }
    }

    /** A CLI whose repository is a new one on the named backend, with that backend's credentials in the environment. */
    private Cli cli(String backend) throws Exception {
        Cli cli = new Cli(tmp);
        Map<String, String> env = backend.equals("s3") ? s3.env() : azure.env();
        cli.env.putAll(env);
        String url = backend.equals("s3") ? s3.newRepositoryUrl()
                : "azure://c" + UUID.randomUUID().toString().replace("-", "").substring(0, 20) + "/repo";
        cli.env.put("LIFEBOAT_REPO", url);
        return cli;
    }

    private static List<String> secrets(String backend) {
        return backend.equals("s3") ? List.of(s3.secretKey()) : List.of(azure.accountKey());
    }

    private static void assertNoSecret(Cli.Result r, String backend) {
        for (String secret : secrets(backend)) {
            assertThat(r.out()).doesNotContain(secret);
            assertThat(r.err()).doesNotContain(secret);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3", "azure"})
    void everyCommandWorksAsOnLocalDisk(String backend) throws Exception {
        Cli cli = cli(backend);
        Cli.Result init = cli.ok("init", "--json", "--kdf-memory", "1", "--kdf-iterations", "1");
        assertThat(JSON.readTree(init.out()).get("location").asText()).startsWith(backend + "://");
        Path data = Files.createDirectories(tmp.resolve("data"));
        Random rnd = new Random(1);
        byte[] model = new byte[3_000_000];
        rnd.nextBytes(model);
        Files.write(data.resolve("model.bin"), model);
        Files.writeString(data.resolve("config.yaml"), "lr: 0.01\n");
        String first = JSON.readTree(cli.ok("backup", "--json", data.toString()).out()).get("snapshot").asText();
        rnd.nextBytes(model);
        Files.write(data.resolve("model.bin"), model);
        String second = JSON.readTree(cli.ok("backup", "--json", data.toString()).out()).get("snapshot").asText();

        JsonNode list = JSON.readTree(cli.ok("snapshots", "--json").out());
        assertThat(list).hasSize(2);
        assertThat(cli.ok("ls", "latest").out()).contains("model.bin").contains("config.yaml");
        Path target = tmp.resolve("restored");
        cli.ok("restore", "latest", "--target", target.toString());
        assertThat(TestFiles.restored(target, data.resolve("model.bin"))).hasBinaryContent(model);

        assertThat(cli.ok("check", "--read-data").out()).contains("no errors");
        assertThat(cli.ok("check", "--without-key").out()).contains("no errors");
        assertThat(cli.ok("stats").out()).isNotBlank();

        cli.env.put("LIFEBOAT_NEW_PASSWORD", "a second passphrase");
        cli.ok("key", "add");
        assertThat(JSON.readTree(cli.ok("key", "list", "--json").out())).hasSize(2);

        cli.ok("forget", first);
        assertThat(JSON.readTree(cli.ok("snapshots", "--json", "--deleted").out())).hasSize(1);
        cli.ok("undelete", first);
        cli.ok("forget", first);
        JsonNode plan = JSON.readTree(cli.ok("prune", "--json", "--grace", "0d").out());
        assertThat(plan.at("/planned/packs_to_delete").asInt()).isPositive();
        JsonNode done = JSON.readTree(cli.ok("prune", "--json", "--grace", "0d", "--max-clock-skew", "0s").out());
        assertThat(done.at("/carried_out/packs_deleted").asInt()).isPositive();
        assertThat(cli.ok("repair", "index", "--dry-run").out()).contains("nothing to repair");

        Path again = tmp.resolve("again");
        cli.ok("restore", second, "--target", again.toString());
        assertThat(TestFiles.restored(again, data.resolve("model.bin"))).hasBinaryContent(model);
        Cli.Result check = cli.ok("check", "--read-data");
        assertThat(check.out()).contains("no errors");
        assertNoSecret(check, backend);
        assertThat(cli.repo).as("nothing went to local disk").doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3", "azure"})
    void aMissingBucketOrContainerAndAWrongPassphraseAreTheUsualErrors(String backend) throws Exception {
        Cli cli = cli(backend);
        Cli.Result missing = cli.run("snapshots");
        assertThat(missing.code()).as(missing.toString()).isEqualTo(ExitCodes.USAGE);
        assertNoSecret(missing, backend);

        cli.init();
        Cli.Result exists = cli.run("init", "--kdf-memory", "1", "--kdf-iterations", "1");
        assertThat(exists.code()).isEqualTo(ExitCodes.FAILURE);
        Files.writeString(cli.passwordFile, "not the passphrase\n");
        Cli.Result wrong = cli.run("snapshots");
        assertThat(wrong.code()).isEqualTo(ExitCodes.WRONG_PASSPHRASE);
        assertNoSecret(wrong, backend);
    }

    /** S3Proxy has no Object Lock and Azurite no immutability: a locked repository is refused there, clearly. */
    @ParameterizedTest
    @ValueSource(strings = {"s3", "azure"})
    void aRetentionLockOnStorageThatCannotHoldItIsRefusedAtInit(String backend) throws Exception {
        Cli cli = cli(backend);
        Cli.Result r = cli.run("init", "--kdf-memory", "1", "--kdf-iterations", "1", "--retention-lock", "30d");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).containsAnyOf("Object Lock", "immutability");
        assertNoSecret(r, backend);
        assertThat(cli.run("snapshots").code()).as("no repository was made").isEqualTo(ExitCodes.USAGE);
    }
}
