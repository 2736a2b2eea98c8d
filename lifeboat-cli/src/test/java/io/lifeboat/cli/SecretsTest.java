package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets: backed up from an environment variable or a file, restored only on request and
 * owner-only, and never shown: no command prints a secret's value, on stdout, on stderr, in
 * {@code --json} or in a debug stack trace, and no file but the secret's own copies holds it.
 */
class SecretsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] CHEAP_KDF = {"--kdf-memory", "1", "--kdf-iterations", "1"};
    private static final String ENV_VAR = "API_TOKEN";

    /** Commands that never open the user's repository, so cannot show what it holds. */
    private static final Map<String, String> EXEMPT = Map.of(
            "quickstart", "works in a directory of its own, on repositories it creates; never the user's");

    @TempDir
    Path tmp;
    Cli cli;
    SecretScan scan;
    String envSecret;
    String fileSecret;
    String dirSecret;
    String stdinSecret;
    Path secretFile;
    Path secretDir;
    /** Files that may hold a secret: its sources and restored copies. */
    final Set<Path> secretCopies = new HashSet<>();

    @BeforeEach
    void secretsEverywhereButTheCommandLine() throws Exception {
        envSecret = SecretScan.randomValue();
        fileSecret = SecretScan.randomValue();
        dirSecret = SecretScan.randomValue();
        stdinSecret = SecretScan.randomValue();
        scan = new SecretScan().add("--secret-env", envSecret).add("--secret-file", fileSecret)
                .add("--kind secret PATH", dirSecret).add("--stdin --kind secret", stdinSecret);
        cli = new Cli(tmp);
        // Every command runs with the secret in its environment: none may echo the environment.
        cli.env.put(ENV_VAR, envSecret);
        secretFile = Files.writeString(Files.createDirectories(tmp.resolve("secrets")).resolve("db-password"),
                fileSecret + "\n");
        secretDir = Files.createDirectories(tmp.resolve("etc/tls"));
        Files.writeString(secretDir.resolve("server.key"), "-----BEGIN KEY-----\n" + dirSecret + "\n-----END KEY-----\n");
        Files.setAttribute(secretDir.resolve("server.key"), "unix:mode", 0644);
        secretCopies.add(secretFile);
        secretCopies.add(secretDir.resolve("server.key"));
    }

    private Cli.Result ok(String... args) {
        Cli.Result r = scan.run(cli, args);
        assertThat(r.code()).as("%s", r).isZero();
        return r;
    }

    private String backup(String... args) throws Exception {
        String[] all = Stream.concat(Stream.of("backup", "--json"), Stream.of(args)).toArray(String[]::new);
        return JSON.readTree(ok(all).out()).get("snapshot").asText();
    }

    /** Restores with --include-secrets and remembers the restored copy of {@code file} as allowed to hold a secret. */
    private Path restoreSecret(String ref, Path target, Path file, String... extra) {
        String[] args = Stream.concat(Stream.of("restore", ref, "--include-secrets", "--target", target.toString()),
                Stream.of(extra)).toArray(String[]::new);
        ok(args);
        Path restored = target.resolve(file.toString().startsWith("/") ? file.toString().substring(1) : file.toString());
        secretCopies.add(restored);
        return restored;
    }

    /** The files below {@code dir} named like a secret's file. */
    private Set<Path> namedLikeASecret(Path dir) throws Exception {
        Set<String> names = Set.of(ENV_VAR, "db-password", "server.key", "hf-token");
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> names.contains(p.getFileName().toString()))
                    .collect(Collectors.toSet());
        }
    }

    private static int mode(Path p) throws Exception {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    @Test
    void noCommandEverShowsASecretsValueAndOnlyItsOwnCopiesHoldIt() throws Exception {
        ok(Stream.concat(Stream.of("init"), Stream.of(CHEAP_KDF)).toArray(String[]::new));
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("train.csv"), "a,b\n1,2\n");

        // Every way in: environment, file, directory of kind secret, standard input; human and JSON.
        ok("backup", "--secret-env", ENV_VAR, "--asset", "api-token");
        String token = backup("--secret-env", ENV_VAR, "--asset", "api-token", "--tag", "team=serving");
        String db = backup("--secret-file", secretFile.toString(), "--asset", "db-password");
        cli.env.put("LIFEBOAT_DEBUG", "1");
        ok("backup", "--kind", "secret", "--asset", "tls", secretDir.toString());
        cli.env.remove("LIFEBOAT_DEBUG");
        String tls = backup("--kind", "secret", "--asset", "tls", secretDir.toString());
        Cli.Result piped = scan.run(cli, new ByteArrayInputStream(stdinSecret.getBytes(StandardCharsets.UTF_8)),
                "backup", "--stdin", "--stdin-filename", "hf-token", "--kind", "secret", "--asset", "hf-token");
        assertThat(piped.code()).as("%s", piped).isZero();
        String dataset = backup("--asset", "train", "--kind", "dataset", data.toString());

        // Listings, in every form.
        ok("snapshots");
        ok("snapshots", "--json");
        ok("snapshots", "--asset", "api-token", "--json");
        for (String ref : new String[] {token, db, tls, "hf-token@latest"}) {
            ok("ls", ref);
            ok("ls", "-l", ref);
            ok("ls", "--json", ref);
        }
        assertThat(ok("asset", "list").out()).contains("api-token").contains("secret");
        ok("asset", "list", "--json");
        ok("asset", "list", "--kind", "secret", "--json");
        ok("stats");
        ok("stats", "--json");

        // Restore: refused without the option (also with a debug stack trace), then done, owner-only.
        cli.env.put("LIFEBOAT_DEBUG", "1");
        Cli.Result refused = scan.run(cli, "restore", token, "--target", tmp.resolve("refused").toString());
        cli.env.remove("LIFEBOAT_DEBUG");
        assertThat(refused.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(refused.err()).contains("--include-secrets").contains("at io.lifeboat.cli");
        assertThat(tmp.resolve("refused")).doesNotExist();

        Path restoredToken = restoreSecret("api-token@latest", tmp.resolve("restored/env"), Path.of(ENV_VAR));
        Path restoredDb = restoreSecret(db, tmp.resolve("restored/file"), Path.of("db-password"), "--json");
        Path restoredKey = restoreSecret(tls, tmp.resolve("restored/dir"), secretDir.resolve("server.key"));
        Path restoredHf = restoreSecret("hf-token@latest", tmp.resolve("restored/stdin"), Path.of("hf-token"));
        assertThat(restoredToken).hasContent(envSecret);
        assertThat(restoredDb).hasContent(fileSecret);
        assertThat(Files.readString(restoredKey)).contains(dirSecret);
        assertThat(restoredHf).hasContent(stdinSecret);
        for (Path p : new Path[] {restoredToken, restoredDb, restoredKey, restoredHf}) {
            assertThat(mode(p)).as("mode of %s", p).isEqualTo(0600);
        }
        ok("restore", dataset, "--target", tmp.resolve("restored/data").toString());

        // The model registry, and recovery points with the secrets among their members.
        Path model = Files.createDirectories(tmp.resolve("model"));
        Files.writeString(model.resolve("weights.safetensors"), "weights\n");
        ok("model", "register", "fraud", "--path", model.toString(), "--dataset", "train@latest", "--metric", "auc=0.91",
                "--param", "lr=3e-4", "--code-rev", "abc123", "--json");
        ok("model", "register", "fraud", "--path", model.toString());
        ok("model", "register", "fraud", "--path", model.toString(), "--alias", "staging");
        ok("model", "list");
        ok("model", "list", "--json");
        ok("model", "show", "fraud");
        ok("model", "show", "fraud@1", "--json");
        ok("model", "alias", "fraud", "production", "1");
        ok("model", "restore", "fraud@production", "--target", tmp.resolve("restored/model").toString());
        ok("model", "delete", "fraud@2", "--reason", "superseded");
        ok("model", "show", "fraud", "--json");
        ok("model", "undelete", "fraud@2");
        ok("recovery-point", "create", "nightly", "--all");
        ok("recovery-point", "create", "nightly", "--all", "--json");
        ok("recovery-point", "list");
        ok("recovery-point", "list", "--json");
        Path without = tmp.resolve("restored/point-without-secrets");
        ok("recovery-point", "restore", "nightly", "--target", without.toString());
        assertThat(namedLikeASecret(without)).as("secrets are skipped without --include-secrets").isEmpty();
        Path with = tmp.resolve("restored/point-with-secrets");
        ok("recovery-point", "restore", "nightly", "--include-secrets", "--json", "--target", with.toString());
        Set<Path> pointSecrets = namedLikeASecret(with);
        assertThat(pointSecrets).hasSize(4);
        for (Path p : pointSecrets) {
            assertThat(mode(p)).as("mode of %s", p).isEqualTo(0600);
        }
        secretCopies.addAll(pointSecrets); // the manifest beside them is scanned like every other file

        // Verification, with and without the key.
        ok("check");
        ok("check", "--json");
        ok("check", "--read-data");
        ok("check", "--read-data-subset", "50%", "--json");
        ok("check", "--without-key");

        // Soft delete and back, by id and by policy.
        ok("forget", token);
        ok("snapshots", "--deleted");
        ok("snapshots", "--deleted", "--json");
        ok("undelete", token);
        ok("forget", "--keep-last", "1", "--dry-run");
        ok("forget", "--keep-last", "1", "--asset", "api-token", "--json");

        // Maintenance.
        ok("prune", "--dry-run");
        ok("prune", "--grace", "0d", "--json");
        ok("repair", "index", "--dry-run");
        ok("repair", "index");

        // Keys: listing, adding, removing, changing the passphrase (to the same one, so the test goes on).
        ok("key", "list");
        ok("key", "list", "--json");
        cli.env.put("LIFEBOAT_NEW_PASSWORD", "a second passphrase");
        String added = JSON.readTree(ok(Stream.concat(Stream.of("key", "add", "--json"), Stream.of(CHEAP_KDF))
                .toArray(String[]::new)).out()).get("id").asText();
        ok("key", "remove", added);
        cli.env.put("LIFEBOAT_NEW_PASSWORD", Files.readString(cli.passwordFile).strip());
        ok(Stream.concat(Stream.of("key", "passwd"), Stream.of(CHEAP_KDF)).toArray(String[]::new));
        cli.env.remove("LIFEBOAT_NEW_PASSWORD");

        // The plan: it names secrets' sources, and validating it probes the repository; it shows neither's content.
        Path plan = Files.writeString(tmp.resolve("lifeboat.yaml"), """
                version: 1
                sites:
                  - name: here
                    repository: %s
                    jurisdiction: eu
                    role: primary
                    password-file: %s
                assets:
                  - {name: api-token, kind: secret, env: %s, policy: {schedule: 1h, rpo: 2h}}
                  - {name: tls, kind: secret, paths: [etc/tls], policy: {schedule: 1d, rpo: 2d}}
                """.formatted(cli.repo, cli.passwordFile, ENV_VAR));
        ok("plan", "validate", "--plan", plan.toString());
        ok("plan", "validate", "--plan", plan.toString(), "--json");
        ok("plan", "schema");

        // A plan of two sites of their own: protect reads the secret from its variable, replicate copies it
        // (encrypted), status and drift read both sites.
        Path sitesPlan = Files.writeString(tmp.resolve("sites.yaml"), """
                version: 1
                sites:
                  - {name: main, repository: %s, jurisdiction: eu, role: primary, password-file: %s}
                  - {name: spare, repository: %s, jurisdiction: eu, role: secondary, password-file: %s}
                assets:
                  - {name: api-token, kind: secret, env: %s, policy: {schedule: 1h, rpo: 2h, replicate-to: [spare]}}
                """.formatted(tmp.resolve("sites/main"), cli.passwordFile, tmp.resolve("sites/spare"), cli.passwordFile,
                ENV_VAR));
        String[] planArgs = Stream.concat(Stream.of("--plan", sitesPlan.toString()), Stream.of(CHEAP_KDF))
                .toArray(String[]::new);
        ok(Stream.concat(Stream.of("protect"), Stream.of(planArgs)).toArray(String[]::new));
        ok(Stream.concat(Stream.of("protect", "--force", "--json"), Stream.of(planArgs)).toArray(String[]::new));
        ok(Stream.concat(Stream.of("replicate"), Stream.of(planArgs)).toArray(String[]::new));
        ok(Stream.concat(Stream.of("replicate", "--json"), Stream.of(planArgs)).toArray(String[]::new));
        ok(Stream.concat(Stream.of("plan", "status"), Stream.of(planArgs)).toArray(String[]::new));
        ok(Stream.concat(Stream.of("plan", "status", "--json"), Stream.of(planArgs)).toArray(String[]::new));
        ok(Stream.concat(Stream.of("plan", "drift", "--json"), Stream.of(planArgs)).toArray(String[]::new));
        ok(Stream.concat(Stream.of("plan", "drift"), Stream.of(planArgs)).toArray(String[]::new));

        // Help, and the retention lock last (it makes every object undeletable).
        ok("help");
        ok("help", "backup");
        ok("retention", "show");
        ok("retention", "raise", "1d", "--json");

        assertThat(scan.notRun(EXEMPT)).as("commands not yet run by this test: run them through the scan too").isEmpty();
        scan.assertCleanFiles(cli.repo, Set.of()); // encrypted: the raw objects never hold a value
        scan.assertCleanFiles(tmp, secretCopies); // nor does any log, report or cache
    }

    @Test
    void failuresShowNoSecretEvenWithADebugStackTrace() throws Exception {
        cli.init();
        cli.env.put("LIFEBOAT_DEBUG", "1");

        // The secret is read, then the repository refuses the passphrase.
        Path wrong = Files.writeString(tmp.resolve("wrong"), "not the passphrase\n");
        Cli.Result badPass = scan.run(cli, "backup", "--secret-env", ENV_VAR, "--asset", "api-token",
                "--password-file", wrong.toString());
        assertThat(badPass.code()).isEqualTo(ExitCodes.WRONG_PASSPHRASE);

        // The secret is read and chunked, then storing it fails: the data directory is a file.
        Path packs = cli.repo.resolve("data");
        assertThat(packs).as("a new repository has no pack directory yet").doesNotExist();
        Files.writeString(packs, "in the way\n");
        Cli.Result midWay = scan.run(cli, "backup", "--secret-file", secretFile.toString(), "--asset", "db-password");
        Cli.Result midWayJson = scan.run(cli, "backup", "--json", "--secret-env", ENV_VAR, "--asset", "api-token");
        assertThat(midWay.code()).as("%s", midWay).isEqualTo(ExitCodes.FAILURE);
        assertThat(midWay.err()).contains("\tat ");
        assertThat(midWayJson.code()).isEqualTo(ExitCodes.FAILURE);
        Files.delete(packs);

        assertThat(JSON.readTree(cli.ok("snapshots", "--json").out())).isEmpty();
        scan.assertCleanFiles(tmp, secretCopies);
    }

    @Test
    void restoreWithoutIncludeSecretsExitsTwoAndWritesNothing() throws Exception {
        cli.init();
        String token = backup("--secret-env", ENV_VAR, "--asset", "api-token");
        Path target = tmp.resolve("out");

        for (String ref : new String[] {token, token.substring(0, 8), "latest", "api-token@latest"}) {
            Cli.Result r = scan.run(cli, "restore", ref, "--target", target.toString());
            assertThat(r.code()).as("%s", r).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).contains("holds secrets").contains("add --include-secrets").contains("nothing was restored");
            assertThat(target).doesNotExist();
        }
        Files.createDirectories(target);
        assertThat(scan.run(cli, "restore", "latest", "--json", "--target", target.toString()).code())
                .isEqualTo(ExitCodes.USAGE);
        assertThat(target).isEmptyDirectory();

        Path restored = restoreSecret("latest", target, Path.of(ENV_VAR));
        assertThat(restored).hasContent(envSecret);
        assertThat(mode(restored)).isEqualTo(0600);
    }

    @Test
    void anUnsetOrEmptyVariableIsAUsageErrorNamingItAndStoresNothing() throws Exception {
        cli.init();
        cli.env.put("EMPTY_TOKEN", "");

        for (String var : new String[] {"MISSING_TOKEN", "EMPTY_TOKEN"}) {
            Cli.Result r = scan.run(cli, "backup", "--secret-env", var, "--asset", "api-token");
            assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).contains("environment variable " + var + " is not set or is empty");
        }
        assertThat(JSON.readTree(cli.ok("snapshots", "--json").out())).isEmpty();
    }

    @Test
    void aMissingOrEmptySecretFileIsAUsageErrorNamingIt() throws Exception {
        cli.init();
        Path missing = tmp.resolve("secrets/missing");
        Cli.Result r = scan.run(cli, "backup", "--secret-file", missing.toString(), "--asset", "db");
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("secret file " + missing + " does not exist");

        Path empty = Files.createFile(tmp.resolve("secrets/empty"));
        Cli.Result e = scan.run(cli, "backup", "--secret-file", empty.toString(), "--asset", "db");
        assertThat(e.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(e.err()).contains("secret file " + empty + " is empty");
        assertThat(JSON.readTree(cli.ok("snapshots", "--json").out())).isEmpty();
    }

    @Test
    void secretOptionsRefuseWhatTheyCannotMean() throws Exception {
        cli.init();
        String[][] wrong = {
            {"backup", "--secret-env", ENV_VAR},
            {"backup", "--secret-env", ENV_VAR, "--asset", "a", "--kind", "config"},
            {"backup", "--secret-env", ENV_VAR, "--asset", "a", tmp.toString()},
            {"backup", "--secret-env", ENV_VAR, "--asset", "a", "--stdin"},
            {"backup", "--secret-env", ENV_VAR, "--secret-file", secretFile.toString(), "--asset", "a"},
            {"backup", "--secret-env", "a/b", "--asset", "a"},
        };
        String[] why = {"needs --asset", "--kind must be secret", "give no paths", "no --stdin", "not both", "without '/'"};
        for (int i = 0; i < wrong.length; i++) {
            Cli.Result r = scan.run(cli, wrong[i]);
            assertThat(r.code()).as("%s", r).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).contains(why[i]);
        }
        assertThat(JSON.readTree(cli.ok("snapshots", "--json").out())).isEmpty();
    }

    @Test
    void aSecretSnapshotIsListedAsAnAssetOfKindSecret() throws Exception {
        cli.init();
        String token = backup("--secret-env", ENV_VAR, "--asset", "api-token", "--kind", "secret");
        String db = backup("--secret-file", secretFile.toString(), "--asset", "db-password");

        JsonNode snapshots = JSON.readTree(ok("snapshots", "--json").out());
        assertThat(snapshots).extracting(s -> s.get("kind").asText()).containsOnly("secret");
        assertThat(snapshots).extracting(s -> s.at("/paths/0").asText()).containsExactly("/" + ENV_VAR, "/db-password");
        JsonNode ls = JSON.readTree(ok("ls", "--json", token).out());
        assertThat(ls.at("/entries/0/path").asText()).isEqualTo("/" + ENV_VAR);
        assertThat(ls.at("/entries/0/mode").asText()).isEqualTo("0600");
        assertThat(ls.at("/entries/0/size").asLong()).isEqualTo(envSecret.length());

        JsonNode assets = JSON.readTree(ok("asset", "list", "--json", "--kind", "secret").out());
        assertThat(assets).extracting(a -> a.get("name").asText()).containsExactly("api-token", "db-password");
        assertThat(assets.get(1).at("/latest/id").asText()).isEqualTo(db);
        assertThat(assets.get(1).at("/latest/bytes").asLong()).isEqualTo(fileSecret.length() + 1);
    }
}
