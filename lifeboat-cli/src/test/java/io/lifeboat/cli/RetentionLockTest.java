package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.core.Id;
import io.lifeboat.core.Repository;
import io.lifeboat.core.Tombstone;
import io.lifeboat.core.internal.format.TombstoneCodec;
import io.lifeboat.core.storage.BlobInfo;
import io.lifeboat.core.storage.ObjectLockedException;
import io.lifeboat.core.storage.local.LocalBlobStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A repository made with init --retention-lock: every object is immutable until its date (WORM). */
class RetentionLockTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    Cli cli;
    Path data;
    String first;
    String second;

    @BeforeEach
    void lockedRepositoryWithTwoSnapshots() throws Exception {
        cli = new Cli(tmp).init("--retention-lock", "30d");
        data = Files.createDirectories(tmp.resolve("data"));
        TestFiles.random(data.resolve("model.bin"), new Random(3), 300_000);
        Files.writeString(data.resolve("config.yaml"), "lr: 0.01\n");
        first = JSON.readTree(cli.ok("backup", "--json", data.toString()).out()).get("snapshot").asText();
        Files.writeString(data.resolve("config.yaml"), "lr: 0.02\n");
        second = JSON.readTree(cli.ok("backup", "--json", data.toString()).out()).get("snapshot").asText();
    }

    @Test
    void snapshotsShowUntilWhenEachIsLocked() throws Exception {
        JsonNode list = JSON.readTree(cli.ok("snapshots", "--json").out());
        for (JsonNode s : list) {
            Instant until = Instant.parse(s.get("locked_until").asText());
            assertThat(until).isBetween(Instant.now().plus(Duration.ofDays(29)), Instant.now().plus(Duration.ofDays(31)));
        }
        assertThat(cli.ok("snapshots").out()).contains("under a retention lock");
    }

    @Test
    void everyObjectIsLockedForTheDurationAndTheConfigForGood() throws Exception {
        Instant now = Instant.now();
        LocalBlobStore store = new LocalBlobStore(cli.repo);
        List<BlobInfo> all = store.list("");
        assertThat(all).extracting(BlobInfo::name).anyMatch(n -> n.startsWith("data/")).anyMatch(n -> n.startsWith("keys/"))
                .anyMatch(n -> n.startsWith("index/")).anyMatch(n -> n.startsWith("snapshots/")).contains("config");
        for (BlobInfo b : all) {
            assertThat(b.retainUntil()).as(b.name()).isNotNull();
            if (b.name().equals("config")) {
                assertThat(b.retainUntil()).isAfter(now.plus(Duration.ofDays(365 * 50)));
            } else {
                assertThat(b.retainUntil()).as(b.name()).isBetween(now.plus(Duration.ofDays(29)), now.plus(Duration.ofDays(31)));
            }
        }
    }

    /**
     * An attacker who has the passphrase tries to destroy the history through Lifeboat's
     * commands and through its storage layer; every locked object survives, and every
     * snapshot restores.
     */
    @Test
    void ransomwareWithThePassphraseCannotDestroyTheHistory() throws Exception {
        List<BlobInfo> packsBefore = new LocalBlobStore(cli.repo).list("data/");
        Cli.Result forget = cli.run("forget", first);
        assertThat(forget.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(forget.err()).contains("retention lock until");
        JsonNode plan = JSON.readTree(cli.ok("forget", "--json", "--keep-last", "1").out());
        assertThat(plan).allSatisfy(d -> assertThat(d.get("action").asText()).isEqualTo("keep"));
        assertThat(plan.toString()).contains("retention lock until");
        assertThat(JSON.readTree(cli.ok("snapshots", "--json", "--deleted").out())).isEmpty();

        String key = JSON.readTree(cli.ok("key", "list", "--json").out()).get(0).get("id").asText();
        cli.env.put("LIFEBOAT_NEW_PASSWORD", "the attacker's own passphrase");
        cli.ok("key", "add"); // so that removing the first is not refused for being the last
        Cli.Result removeKey = cli.run("key", "remove", key);
        assertThat(removeKey.code()).isNotZero();
        assertThat(removeKey.err()).contains("retention lock");

        // Past forget's refusal: a tombstone written straight through the repository API,
        // then prunes with no grace period, no repacking threshold and no clock margin.
        try (Repository repo = Repository.open(new LocalBlobStore(cli.repo),
                "correct horse battery staple".toCharArray())) {
            Tombstone t = new Tombstone(null, Id.fromHex(first), Instant.now(), "attacker", "attacker", "ransom");
            repo.saveObject(Repository.DELETED, TombstoneCodec.encode(t));
        }
        for (int i = 0; i < 2; i++) {
            JsonNode pruned = JSON.readTree(cli.ok("prune", "--json", "--grace", "0d", "--max-waste", "0",
                    "--max-clock-skew", "0s").out());
            assertThat(pruned.at("/planned/snapshots_expired").asInt()).as("a locked snapshot never expires").isZero();
            assertThat(pruned.at("/planned/packs_to_delete").asInt()).isZero();
            assertThat(pruned.get("warnings")).as("prune tried no delete the storage refused").isEmpty();
        }
        assertThat(new LocalBlobStore(cli.repo).list("data/")).as("prune deleted no locked pack")
                .hasSameSizeAs(packsBefore);
        cli.ok("undelete", first);

        LocalBlobStore store = new LocalBlobStore(cli.repo);
        byte[] ransom = "pay 10 BTC".getBytes(StandardCharsets.UTF_8);
        for (BlobInfo b : store.list("")) {
            byte[] before = store.get(b.name());
            assertThatThrownBy(() -> store.delete(b.name())).as(b.name()).isInstanceOf(ObjectLockedException.class);
            assertThat(store.putIfAbsent(b.name(), ransom)).as("no overwrite of " + b.name()).isFalse();
            assertThat(store.get(b.name())).as(b.name()).isEqualTo(before);
        }

        Cli.Result check = cli.run("check", "--read-data");
        assertThat(check.code()).as(check.toString()).isZero();
        for (String id : List.of(first, second)) {
            Path target = tmp.resolve("restore-" + id.substring(0, 8));
            cli.ok("restore", id, "--target", target.toString());
            assertThat(TestFiles.restored(target, data.resolve("model.bin"))).hasSameBinaryContentAs(data.resolve("model.bin"));
        }
        assertThat(TestFiles.restored(tmp.resolve("restore-" + first.substring(0, 8)), data.resolve("config.yaml")))
                .hasContent("lr: 0.01");
    }

    @Test
    void aMalformedLockIsAUsageErrorAndCreatesNothing() throws Exception {
        Cli other = new Cli(Files.createDirectories(tmp.resolve("other")));
        Cli.Result r = other.run("init", "--kdf-memory", "1", "--kdf-iterations", "1", "--retention-lock", "5min");
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("5min");
        assertThat(other.repo.resolve("config")).doesNotExist();
    }

    @Test
    void theLockCanBeRaisedButNeverLowered() throws Exception {
        assertThat(cli.ok("retention", "show").out()).contains("retention lock 30d");
        Cli.Result lower = cli.run("retention", "raise", "7d");
        assertThat(lower.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(lower.err()).contains("only be raised");

        cli.ok("retention", "raise", "1y");
        assertThat(cli.ok("retention", "show").out()).contains("retention lock 1y");
        Files.writeString(data.resolve("config.yaml"), "lr: 0.03\n");
        String third = JSON.readTree(cli.ok("backup", "--json", data.toString()).out()).get("snapshot").asText();
        BlobInfo snapshot = new LocalBlobStore(cli.repo).stat("snapshots/" + third);
        assertThat(snapshot.retainUntil()).isAfter(Instant.now().plus(Duration.ofDays(360)));
        assertThat(cli.run("retention", "raise", "60d").code()).as("below the raised lock").isEqualTo(ExitCodes.USAGE);
        assertThat(cli.run("check", "--without-key").out()).doesNotContain("unexpected object");

        // A raised lock that cannot be read is damage: it may have raised the lock in force.
        Path policy;
        try (java.util.stream.Stream<Path> p = Files.list(cli.repo.resolve("policy"))) {
            policy = p.findFirst().orElseThrow();
        }
        policy.toFile().setWritable(true); // as the attacker with file access would
        byte[] bytes = Files.readAllBytes(policy);
        bytes[bytes.length / 2] ^= 1;
        Files.write(policy, bytes);
        Cli.Result check = cli.run("check");
        assertThat(check.code()).isEqualTo(ExitCodes.INTEGRITY);
        assertThat(check.out() + check.err()).contains("retention policy");
    }
}
