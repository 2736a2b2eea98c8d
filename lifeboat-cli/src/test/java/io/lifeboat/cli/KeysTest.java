package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code key add | list | remove | passwd}: which passphrases open the repository after
 * each, that listings never show key material, and that the last slot cannot be removed.
 */
class KeysTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] CHEAP_KDF = {"--kdf-memory", "1", "--kdf-iterations", "1"};
    private static final String SECOND = "second passphrase, for the on-call engineer";

    @TempDir
    Path tmp;

    private Cli cli;
    private String first;
    private String snapshotsJson;

    @BeforeEach
    void repositoryWithOneSnapshot() throws IOException {
        cli = new Cli(tmp).init();
        first = Files.readString(cli.passwordFile).strip();
        Path src = TestFiles.random(tmp.resolve("src/data.bin"), new Random(7), 50_000).getParent();
        cli.ok("backup", src.toString());
        snapshotsJson = cli.ok("snapshots", "--json").out();
        assertThat(JSON.readTree(snapshotsJson)).hasSize(1);
    }

    @Test
    void keyAddFromTheEnvironmentAddsAPassphraseThatOpensTheRepository() throws IOException {
        cli.env.put("LIFEBOAT_NEW_PASSWORD", SECOND);
        Cli.Result add = cli.ok(args("key", "add"));
        cli.env.remove("LIFEBOAT_NEW_PASSWORD");

        assertThat(add.out()).contains("added key");
        assertThat(slotFiles()).hasSize(2);
        assertOpensWith(SECOND);
        assertOpensWith(first);
    }

    @Test
    void keyAddFromAFileAddsAPassphraseThatOpensTheRepository() throws IOException {
        Path file = Files.writeString(tmp.resolve("new-password"), SECOND + "\n");

        cli.ok(args("key", "add", "--new-password-file", file.toString()));

        assertThat(slotFiles()).hasSize(2);
        assertOpensWith(SECOND);
        assertOpensWith(first);
    }

    @Test
    void keyListShowsEverySlotAndNoKeyMaterial() throws IOException {
        addKey(SECOND);

        Cli.Result human = cli.ok("key", "list");
        Cli.Result json = cli.ok("key", "list", "--json");

        List<String> rows = human.out().lines().skip(1).toList();
        assertThat(rows).hasSize(2);
        assertThat(rows).filteredOn(l -> l.startsWith("*")).hasSize(1);
        JsonNode list = JSON.readTree(json.out());
        assertThat(list.isArray()).isTrue();
        assertThat(list).hasSize(2);
        Set<String> ids = new HashSet<>();
        list.forEach(k -> ids.add(k.get("id").asText()));
        assertThat(ids).isEqualTo(slotIds());
        assertThat(fieldNames(list)).noneMatch(n -> n.toLowerCase().contains("key") || n.toLowerCase().contains("salt"));
        for (String secret : slotSecrets()) {
            assertThat(human.out() + human.err()).doesNotContain(secret);
            assertThat(json.out() + json.err()).doesNotContain(secret);
        }
    }

    @Test
    void removingOneOfTwoKeysWorksButTheLastIsRefused() throws IOException {
        addKey(SECOND);
        String otherId = nonCurrentKeyId();

        Cli.Result remove = cli.run("key", "remove", otherId.substring(0, 8));

        assertThat(remove.code()).as(remove.toString()).isEqualTo(ExitCodes.OK);
        assertThat(slotIds()).hasSize(1).doesNotContain(otherId);
        assertThat(runWith(SECOND, "snapshots").code()).isEqualTo(ExitCodes.WRONG_PASSPHRASE);
        assertOpensWith(first);

        String lastId = slotIds().iterator().next();
        Cli.Result last = cli.run("key", "remove", lastId);

        assertThat(last.code()).as(last.toString()).isNotZero();
        assertThat(last.err()).contains("last key");
        assertThat(slotIds()).containsExactly(lastId);
        assertOpensWith(first);
    }

    @Test
    void passwdReplacesTheOldPassphraseWithTheNewOne() throws IOException {
        String oldId = slotIds().iterator().next();
        cli.env.put("LIFEBOAT_NEW_PASSWORD", SECOND);

        Cli.Result passwd = cli.run(args("key", "passwd"));

        assertThat(passwd.code()).as(passwd.toString()).isEqualTo(ExitCodes.OK);
        assertThat(slotIds()).hasSize(1).doesNotContain(oldId);
        assertThat(cli.run("snapshots").code()).as("the old passphrase").isEqualTo(ExitCodes.WRONG_PASSPHRASE);
        assertOpensWith(SECOND);
    }

    @Test
    void unknownAndAmbiguousKeyIdsAreUsageErrorsAndRemoveNothing() throws IOException {
        // Add slots until two ids share their first hex digit (at most 17 slots by pigeonhole).
        Map<Character, Integer> firstDigits = new HashMap<>();
        Character shared = null;
        for (int i = 0; shared == null; i++) {
            addKey("extra passphrase " + i);
            firstDigits.clear();
            for (String id : slotIds()) {
                if (firstDigits.merge(id.charAt(0), 1, Integer::sum) > 1) {
                    shared = id.charAt(0);
                }
            }
        }
        Set<String> before = slotIds();
        String unused = "0123456789abcdef".chars().mapToObj(c -> String.valueOf((char) c))
                .filter(c -> !firstDigits.containsKey(c.charAt(0))).findFirst().orElseThrow();

        for (String id : List.of(String.valueOf(shared), unused + "0000000", "not-a-key-id")) {
            Cli.Result r = cli.run("key", "remove", id);

            assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).contains(id);
            assertThat(slotIds()).isEqualTo(before);
        }
    }

    // ---- helpers -------------------------------------------------------------------

    private static String[] args(String... command) {
        return Stream.concat(Stream.of(command), Stream.of(CHEAP_KDF)).toArray(String[]::new);
    }

    private void addKey(String passphrase) {
        cli.env.put("LIFEBOAT_NEW_PASSWORD", passphrase);
        try {
            cli.ok(args("key", "add"));
        } finally {
            cli.env.remove("LIFEBOAT_NEW_PASSWORD");
        }
    }

    private Cli.Result runWith(String passphrase, String... args) throws IOException {
        Path file = Files.writeString(tmp.resolve("passphrase-under-test"), passphrase + "\n");
        String saved = cli.env.put("LIFEBOAT_PASSWORD_FILE", file.toString());
        try {
            return cli.run(args);
        } finally {
            cli.env.put("LIFEBOAT_PASSWORD_FILE", saved);
        }
    }

    /** The passphrase opens the repository and shows the same snapshot as before. */
    private void assertOpensWith(String passphrase) throws IOException {
        Cli.Result r = runWith(passphrase, "snapshots", "--json");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).isEqualTo(snapshotsJson);
    }

    private String nonCurrentKeyId() throws IOException {
        for (JsonNode k : JSON.readTree(cli.ok("key", "list", "--json").out())) {
            if (!k.get("current").asBoolean()) {
                return k.get("id").asText();
            }
        }
        throw new AssertionError("no key other than the current one");
    }

    private List<Path> slotFiles() {
        return TestFiles.regularFiles(cli.repo.resolve("keys"));
    }

    private Set<String> slotIds() {
        Set<String> ids = new HashSet<>();
        slotFiles().forEach(p -> ids.add(p.getFileName().toString()));
        return ids;
    }

    /** The salt and wrapped key of every slot on disk, as stored. */
    private List<String> slotSecrets() throws IOException {
        List<String> secrets = new ArrayList<>();
        for (Path slot : slotFiles()) {
            JsonNode o = JSON.readTree(slot.toFile());
            secrets.add(o.get("kdf").get("salt").asText());
            secrets.add(o.get("key").asText());
        }
        assertThat(secrets).allMatch(s -> s.length() >= 16);
        return secrets;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                names.add(e.getKey());
                names.addAll(fieldNames(e.getValue()));
            }
        } else if (node.isArray()) {
            node.forEach(n -> names.addAll(fieldNames(n)));
        }
        return names;
    }

    @Test
    void aDamagedKeySlotIsListedAndCanBeRemovedAndOthersStillOpen() throws IOException {
        cli.env.put("LIFEBOAT_NEW_PASSWORD", SECOND);
        cli.ok(args("key", "add"));
        cli.env.remove("LIFEBOAT_NEW_PASSWORD");
        String damagedId = null;
        for (JsonNode k : JSON.readTree(cli.ok("key", "list", "--json").out())) {
            if (!k.get("current").asBoolean()) {
                damagedId = k.get("id").asText(); // the second passphrase's slot
            }
        }
        Files.writeString(cli.repo.resolve("keys").resolve(damagedId), "{ this is not a key slot");

        Cli.Result list = cli.ok("key", "list");
        assertThat(list.out()).contains(damagedId.substring(0, 8)).contains("damaged");
        JsonNode json = JSON.readTree(cli.ok("key", "list", "--json").out());
        assertThat(json.findValues("damaged")).hasSize(1);

        assertThat(cli.ok("key", "remove", damagedId.substring(0, 12)).out()).contains("removed key");
        assertThat(slotFiles()).hasSize(1);
        assertThat(cli.ok("snapshots", "--json").out()).isEqualTo(snapshotsJson);
    }

    @Test
    void whenEveryKeySlotIsDamagedOpeningReportsDamageNotAWrongPassphrase() throws IOException {
        for (Path slot : slotFiles()) {
            Files.writeString(slot, "garbage");
        }
        Cli.Result r = cli.run("snapshots");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.INTEGRITY);
        assertThat(r.err()).contains("damaged");
    }
}
