package io.lifeboat.dr.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.retention.RetentionPolicy;
import io.lifeboat.core.retention.Within;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a plan file: every key into the plan's records, and every rule with its line. */
class PlanReaderTest {
    @TempDir
    Path dir;

    /** A plan that uses every key. */
    static final String FULL = PlanFixtures.FULL;

    /** The minimal valid plan the rule tests start from: lines 1 to 12. */
    private static final String SITES = """
            version: 1
            sites:
              - name: eu-west
                repository: file:/srv/lifeboat/eu-west
                jurisdiction: eu
                role: primary
              - name: eu-north
                repository: s3://dr-bucket/lifeboat
                jurisdiction: eu
              - name: us-east
                repository: azure://dr/lifeboat
                jurisdiction: us
            """;

    private PlanReader.Result read(String yaml) {
        return PlanReader.parse(yaml, dir.resolve("lifeboat.yaml"));
    }

    /**
     * Each problem as {@code line:column: severity: message}, but the warning that a plan
     * has no assets (most examples have none; {@link #aPlanWithoutAssetsIsWarnedAbout} checks it).
     */
    private List<String> problems(String yaml) {
        return read(yaml).problems().stream().filter(p -> !p.message().equals(NO_ASSETS))
                .map(p -> p.line() + ":" + p.column() + ": " + p.severity() + ": " + p.message()).toList();
    }

    /** Like {@link #problems}, as {@code line: severity: message}. */
    private List<String> lines(String yaml) {
        return read(yaml).problems().stream().filter(p -> !p.message().equals(NO_ASSETS))
                .map(p -> p.line() + ": " + p.severity() + ": " + p.message()).toList();
    }

    private static final String NO_ASSETS = "the plan protects no assets";

    @Test
    void aPlanWithoutAssetsIsWarnedAbout() {
        PlanReader.Result result = read(SITES);
        assertThat(result.problems()).extracting(Problem::toString)
                .containsExactly(dir.resolve("lifeboat.yaml") + ":1:1: warning: the plan protects no assets");
        assertThat(result.hasErrors()).isFalse();
        assertThat(result.plan().assets()).isEmpty();
        assertThat(read(SITES + "assets: []\n").warnings()).extracting(Problem::line).containsExactly(13);
        assertThat(read(SITES + "assets: [training-data]\n").problems()).extracting(Problem::message)
                .containsExactly("assets: expected a mapping (asset), got the string 'training-data'");
    }

    @Test
    void aFullPlanBindsEveryKey() {
        PlanReader.Result result = read(FULL);
        assertThat(result.problems()).isEmpty();
        Plan plan = result.plan();
        assertThat(plan.version()).isEqualTo(1);
        assertThat(plan.file()).isEqualTo(dir.resolve("lifeboat.yaml"));

        assertThat(plan.sites()).hasSize(3);
        Site west = plan.sites().get(0);
        assertThat(west).isEqualTo(new Site("eu-west", "file:" + dir.resolve("repos/eu-west"), "eu", Site.Role.PRIMARY,
                Site.Standby.HOT, dir.resolve("secrets/eu-west.pass"), Map.of(),
                List.of(new Site.Endpoint("vllm", "http://10.0.0.5:8080")),
                List.of(new Site.Probe("http://10.0.0.5:8080/health", Duration.ofSeconds(30), Duration.ofSeconds(5), 204)),
                3));
        assertThat(plan.sites().get(1)).isEqualTo(new Site("eu-north", "s3://dr-bucket/lifeboat", "eu",
                Site.Role.SECONDARY, Site.Standby.COLD, null,
                Map.of("s3-endpoint", "http://127.0.0.1:9000", "s3-path-style", "true"), List.of(),
                List.of(new Site.Probe("https://eu-north.example/health", Duration.ofSeconds(10), Duration.ofSeconds(2),
                        200)),
                16));
        assertThat(plan.sites().get(2)).isEqualTo(new Site("us-east", "azure://dr/lifeboat", "us", Site.Role.SECONDARY,
                Site.Standby.WARM, null, Map.of(), List.of(), List.of(), 25));
        assertThat(plan.primary().name()).isEqualTo("eu-west");
        assertThat(plan.secondaries()).extracting(Site::name).containsExactly("eu-north", "us-east");

        assertThat(plan.assets()).extracting(AssetSpec::name)
                .containsExactly("training-data", "pg-dump", "api-key", "llm", "ckpt");
        RetentionPolicy retention = RetentionPolicy.builder().keepLast(3).keepHourly(24).keepDaily(7).keepWeekly(4)
                .keepMonthly(12).keepYearly(2).keepWithin("2w").keepTag("release").build();
        assertThat(plan.asset("training-data")).contains(new AssetSpec("training-data", "dataset",
                List.of("/data/train", dir.resolve("data/extra").toString()), List.of("*.tmp"), null, null, null, null,
                new Policy(new Schedule.Interval(Duration.ofMinutes(15)), Duration.ofMinutes(30), Duration.ofMinutes(15),
                        retention, Within.parse("30d"), List.of("eu"), List.of("eu-north")),
                29));
        assertThat(plan.asset("pg-dump")).contains(new AssetSpec("pg-dump", "config", List.of(), List.of(),
                "pg_dump app", "app.sql", null, null,
                new Policy(new Schedule.CronSchedule(Cron.parse("0 3 * * *")), Duration.ofHours(25), null, null, null,
                        List.of(), List.of("eu-north", "us-east")),
                42));
        AssetSpec secret = plan.asset("api-key").orElseThrow();
        assertThat(secret.env()).isEqualTo("API_KEY");
        assertThat(secret.kind()).isEqualTo("secret");
        assertThat(secret.policy().residency()).isEmpty();
        assertThat(secret.policy().domain()).isEqualTo(Domains.GLOBAL);
        AssetSpec model = plan.asset("llm").orElseThrow();
        assertThat(model.model()).isEqualTo("llama-ft");
        assertThat(model.streamName()).isNull();
        assertThat(model.policy().schedule()).isEqualTo(new Schedule.CronSchedule(Cron.parse("@daily")));
        assertThat(plan.asset("ckpt").orElseThrow().streamName()).as("a command's output is named after its asset")
                .isEqualTo("ckpt");
    }

    @Test
    void locationsPointAtEveryValue() {
        Plan plan = read(FULL).plan();
        assertThat(plan.locations().of("sites[1].repository")).isEqualTo(new Locations.Position(17, 17));
        assertThat(plan.locations().line("assets[0].policy.replicate-to[0]")).isEqualTo(41);
        assertThat(plan.locations().line("sites[2].standby")).as("a default: the site's line").isEqualTo(25);
    }

    @Test
    void theIssueExampleIsValid() {
        PlanReader.Result result = read("""
                version: 1
                sites:
                  - name: eu-west
                    repository: file:/srv/lifeboat/eu-west        # or s3://..., azure://...
                    jurisdiction: eu
                    role: primary
                    standby: hot
                  - name: eu-north
                    repository: s3://dr-bucket/lifeboat
                    jurisdiction: eu
                    role: secondary
                    standby: warm
                  - name: us-east
                    repository: azure://dr/lifeboat
                    jurisdiction: us
                    role: secondary
                    standby: cold
                assets:
                  - name: training-data
                    kind: dataset
                    paths: [/data/train]
                    policy:
                      schedule: 15m                 # an interval or a cron expression
                      rpo: 30m
                      rto: 15m
                      retention: {keep-daily: 7, keep-weekly: 4}
                      residency: [eu]               # jurisdictions this asset may be stored in
                      replicate-to: [eu-north]
                """);
        assertThat(result.problems()).isEmpty();
        assertThat(result.plan().primary().repository()).isEqualTo("file:/srv/lifeboat/eu-west");
    }

    // ---- YAML

    @Test
    void aYamlSyntaxErrorHasTheParsersLine() {
        assertThat(lines("""
                version: 1
                sites:
                  - name: eu-west
                     repository: x
                """)).singleElement().asString().startsWith("4: error: YAML syntax: ");
        assertThat(lines("version: 1\nsites: [a, b\n")).singleElement().asString().startsWith("3: error: YAML syntax: ");
    }

    @Test
    void duplicateKeysAreReportedWithBothLines() {
        assertThat(problems(SITES.replace("  - name: us-east\n", "  - name: us-east\n    name: us-west\n")))
                .containsExactly("11:5: error: duplicate key 'name' (first at line 10)");
        assertThat(lines("version: 1\nversion: 1\n" + SITES.substring("version: 1\n".length())))
                .containsExactly("2: error: duplicate key 'version' (first at line 1)");
    }

    @Test
    void anEmptyFileOrSeveralDocumentsAreRefused() {
        assertThat(lines("# nothing here\n")).containsExactly("1: error: the plan is empty");
        assertThat(lines(SITES + "---\nversion: 1\n"))
                .containsExactly("14: error: a plan file holds one YAML document; this is a second one");
        assertThat(lines("- a\n- b\n")).containsExactly("1: error: the plan: expected a mapping (plan), got a list");
    }

    @Test
    void aliasesAreLimitedAndTagsAndMergeKeysRefused() {
        StringBuilder bomb = new StringBuilder("a: &a [x, x]\n");
        for (int i = 0; i < 60; i++) {
            bomb.append("k").append(i).append(": *a\n");
        }
        assertThat(lines(bomb.toString())).containsExactly("0: error: the plan uses more than 50 aliases of lists or"
                + " mappings");
        assertThat(lines(SITES.replace("jurisdiction: us", "jurisdiction: !!binary dXM=")))
                .containsExactly("12: error: jurisdiction: YAML tags such as 'tag:yaml.org,2002:binary' are not allowed"
                        + " in a plan");
        assertThat(lines(SITES.replace("  - name: us-east\n", "  - <<: {role: secondary}\n    name: us-east\n")))
                .containsExactly("10: error: merge keys '<<' are not supported: repeat the keys, or use an alias for the"
                        + " whole value");
        assertThat(lines(SITES.replace("  - name: us-east\n", "  - [a]: b\n    name: us-east\n")))
                .containsExactly("10: error: a key must be a plain name, not a list");
        // An alias for a whole value is fine.
        PlanReader.Result shared = read(SITES + """
                assets:
                  - name: a
                    kind: dataset
                    paths: [/a]
                    policy: &hourly {schedule: 1h, rpo: 2h}
                  - name: b
                    kind: dataset
                    paths: [/b]
                    policy: *hourly
                """);
        assertThat(shared.problems()).isEmpty();
        assertThat(shared.plan().assets().get(1).policy()).isEqualTo(shared.plan().assets().get(0).policy());
    }

    @Test
    void aLargeFileIsRefusedBeforeParsing() throws IOException {
        Path big = dir.resolve("big.yaml");
        Files.write(big, new byte[PlanReader.MAX_CHARS + 1]);
        assertThat(PlanReader.read(big).problems()).extracting(Problem::toString)
                .containsExactly(big + ": error: the plan file is larger than 1 MiB; a plan is a few kilobytes of YAML");
        Path latin1 = dir.resolve("latin1.yaml");
        Files.write(latin1, "version: 1 # caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(PlanReader.read(latin1).problems()).extracting(Problem::message)
                .containsExactly("the plan file is not UTF-8 text");
    }

    // ---- keys and types

    @Test
    void unknownKeysSuggestTheClosestKnownKey() {
        assertThat(problems(SITES.replace("jurisdiction: us", "jurisdicton: us")))
                .containsExactly("12:5: error: unknown key 'jurisdicton' in a site (did you mean 'jurisdiction'?)");
        assertThat(lines(SITES + "colour: blue\n")).containsExactly(
                "13: error: unknown key 'colour' in the plan; known keys: version, sites, assets");
        assertThat(lines(SITES + asset("""
                      schedule: 1h
                      rpo: 2h
                      replicate_to: [eu-north]
                """))).containsExactly("20: error: unknown key 'replicate_to' in a policy (did you mean 'replicate-to'?)");
    }

    @Test
    void missingRequiredKeysAreNamed() {
        assertThat(lines(SITES.replace("    jurisdiction: us\n", "")))
                .containsExactly("10: error: a site has no 'jurisdiction' (required)");
        assertThat(problems("sites: []\n")).containsExactly(
                "1:1: error: the plan has no 'version' (required)",
                "1:8: error: sites is empty: it needs at least 1 item");
        assertThat(lines(SITES + """
                assets:
                  - name: a
                    paths: [/a]
                """)).containsExactly("14: error: an asset has no 'kind' (required)",
                "14: error: an asset has no 'policy' (required)");
    }

    @Test
    void wrongTypesSayWhatWasExpected() {
        assertThat(lines(SITES.replace("version: 1", "version: one"))).containsExactly(
                "1: error: version: expected the plan format version, got the string 'one'");
        assertThat(lines(SITES.replace("jurisdiction: us", "jurisdiction: 42"))).containsExactly(
                "12: error: jurisdiction: expected a jurisdiction, got the number 42 (quote it to make it a string)");
        assertThat(lines(SITES.replace("role: primary", "role: [primary]")))
                .containsExactly("6: error: role: expected a role, got a list");
        assertThat(lines(SITES + asset("""
                      schedule: 1h
                      rpo: 2h
                      replicate-to: eu-north
                      retention: {keep-daily: seven}
                """))).containsExactly(
                "20: error: replicate-to: expected a list of site names, got the string 'eu-north'",
                "21: error: keep-daily: expected a count, got the string 'seven'");
        assertThat(lines(SITES.replace("jurisdiction: us", "jurisdiction:"))).containsExactly(
                "12: error: jurisdiction has no value");
    }

    @Test
    void aSiteThatIsNotAMappingIsReportedAloneAndOtherSiteRulesWait() {
        assertThat(lines(SITES.replace("    role: primary\n", "") + "  - eu-south\n" + asset("""
                schedule: 1h
                rpo: 2h
                replicate-to: [eu-south]
                """))).as("no 'no primary', no 'no site is named eu-south': that site may be either").containsExactly(
                "12: error: sites: expected a mapping (site), got the string 'eu-south'");
    }

    @Test
    void versionMustBeOne() {
        assertThat(lines(SITES.replace("version: 1", "version: 2"))).contains("1: error: version must be 1, not 2");
    }

    @Test
    void valuesAreCheckedOneByOne() {
        assertThat(lines(SITES
                .replace("name: eu-north", "name: eu north")
                .replace("jurisdiction: us", "jurisdiction: US")
                .replace("role: primary", "role: primray"))).containsExactly(
                "6: error: role: 'primray' is not one of primary, secondary (did you mean 'primary'?)",
                "7: error: name: 'eu north' is not a name: 1 to 128 letters, digits, '.', '_' or '-', starting with a"
                        + " letter or digit",
                "12: error: jurisdiction: 'US' is not a jurisdiction: lower-case letters, digits and '-', e.g. eu or us");
        assertThat(lines(SITES.replace("jurisdiction: us", "jurisdiction: global"))).containsExactly(
                "12: error: jurisdiction: 'global' cannot be a jurisdiction: it names the residency domain of assets"
                        + " that may be stored anywhere");
        assertThat(lines(SITES.replace("azure://dr/lifeboat", "gs://dr/lifeboat"))).containsExactly(
                "11: error: repository: unknown scheme 'gs://' (known: file:, s3://, azure://)");
        assertThat(lines(SITES.replace("s3://dr-bucket/lifeboat", "s3://key:secret@dr-bucket"))).singleElement()
                .asString().startsWith("8: error: repository: repository URLs carry no credentials");
    }

    @Test
    void unknownKindIsNamed() {
        assertThat(lines(SITES + asset("    schedule: 1h\n    rpo: 2h\n").replace("kind: dataset", "kind: datset")))
                .containsExactly("15: error: kind: 'datset' is not one of checkpoint, config, dataset, environment, model,"
                        + " secret (did you mean 'dataset'?)");
    }

    // ---- sites

    @Test
    void exactlyOneSiteIsPrimary() {
        assertThat(lines(SITES.replace("    role: primary\n", "")))
                .containsExactly("3: error: no site has role: primary; exactly one must");
        assertThat(lines(SITES.replace("jurisdiction: us", "jurisdiction: us\n    role: primary"))).containsExactly(
                "13: error: a second primary site (the first is at line 3); exactly one site is primary");
    }

    @Test
    void siteNamesAndRepositoriesAreUnique() {
        assertThat(lines(SITES.replace("name: us-east", "name: eu-west")
                .replace("azure://dr/lifeboat", "s3://dr-bucket/lifeboat/"))).containsExactly(
                "10: error: site name 'eu-west' is used twice (first at line 3)",
                "11: error: two sites share the repository s3://dr-bucket/lifeboat/ (the other at line 8); each site has"
                        + " storage of its own");
    }

    @Test
    void s3OptionsNeedAnS3Repository() {
        assertThat(lines(SITES.replace("jurisdiction: us", "jurisdiction: us\n    s3-path-style: false"))).containsExactly(
                "13: error: s3-path-style applies to s3:// repositories only");
    }

    @Test
    void endpointsAndProbesAreChecked() {
        assertThat(lines(SITES.replace("jurisdiction: us", """
                jurisdiction: us
                    endpoints:
                      - {name: a, url: http://x:1}
                      - {name: a, url: ftp://x}
                    probes:
                      - {url: http://x/health, interval: 5s, timeout: 5s, expect-status: 700}
                """.strip()))).containsExactly(
                "15: error: endpoint name 'a' is used twice in this site (first at line 14)",
                "15: error: url: 'ftp://x' is not an http:// or https:// URL with a host",
                "17: error: timeout 5s must be shorter than the probe's interval 5s",
                "17: error: expect-status must be from 100 to 599, not 700");
    }

    // ---- assets

    /**
     * The assets of a plan that starts with {@link #SITES}: one, named at line 14, its kind at
     * 15, paths at 16, and these policy lines from line 18 on.
     */
    private static String asset(String policyLines) {
        return """
                assets:
                  - name: training-data
                    kind: dataset
                    paths: [/data/train]
                    policy:
                """ + policyLines.stripIndent().lines().map(l -> "      " + l + "\n").reduce("", String::concat);
    }

    @Test
    void assetNamesAreUnique() {
        String twice = SITES + asset("schedule: 1h\nrpo: 2h\n") + """
                  - name: training-data
                    kind: dataset
                    paths: [/data/more]
                    policy: {schedule: 1h, rpo: 2h}
                """;
        assertThat(lines(twice)).containsExactly("20: error: asset name 'training-data' is used twice (first at line 14)");
    }

    @Test
    void anAssetHasExactlyOneSource() {
        assertThat(lines(SITES + asset("schedule: 1h\nrpo: 2h\n").replace("    paths: [/data/train]\n", "")))
                .containsExactly("14: error: an asset has exactly one source: paths, command, env or model; this one has"
                        + " none");
        assertThat(lines(SITES + asset("schedule: 1h\nrpo: 2h\n").replace("paths: [/data/train]",
                "paths: [/data/train]\n    command: cat x"))).containsExactly(
                "17: error: an asset has exactly one source: paths, command, env or model; this one has paths and command");
    }

    @Test
    void sourcesMatchTheirKindAndOptions() {
        assertThat(lines(SITES + asset("schedule: 1h\nrpo: 2h\n").replace("paths: [/data/train]",
                "env: API_KEY\n    excludes: ['*.tmp']\n    stream-name: x"))).containsExactly(
                "15: error: an asset read from env is a secret: kind must be secret, not dataset",
                "17: error: excludes applies to paths only; this asset has no paths",
                "18: error: stream-name names a command's output; this asset has no command");
        assertThat(lines(SITES + asset("schedule: 1h\nrpo: 2h\n").replace("paths: [/data/train]", "model: llama")))
                .containsExactly("15: error: an asset protecting a registered model must be of kind model, not dataset");
    }

    // ---- policies

    @Test
    void replicationTargetsMustBeKnownSecondariesInsideTheResidency() {
        assertThat(lines(SITES + asset("""
                schedule: 1h
                rpo: 2h
                residency: [eu]
                replicate-to: [eu-nrth, eu-west, us-east, eu-north]
                """))).containsExactly(
                "21: error: replicate-to: no site is named 'eu-nrth' (did you mean 'eu-north'?)",
                "21: error: replicate-to: 'eu-west' is the primary site, which holds the asset already",
                "21: error: replicate-to: site 'us-east' is in jurisdiction 'us', outside the asset's residency (eu)");
    }

    @Test
    void thePrimaryMustBeInsideEveryResidency() {
        assertThat(problems(SITES + asset("""
                schedule: 1h
                rpo: 2h
                residency: [us]
                replicate-to: [us-east]
                """))).containsExactly("20:18: error: the primary site 'eu-west' is in jurisdiction 'eu', outside this"
                + " residency (us): the asset could not be backed up at all");
    }

    @Test
    void aResidencyNoSiteHasIsAWarning() {
        PlanReader.Result result = read(SITES + asset("""
                schedule: 1h
                rpo: 2h
                residency: [eu, fr, eu]
                """));
        assertThat(result.problems()).extracting(p -> p.line() + ": " + p.severity() + ": " + p.message()).containsExactly(
                "20: warning: no site is in jurisdiction 'fr'",
                "20: warning: residency: 'eu' is listed twice");
        assertThat(result.plan()).as("warnings leave the plan usable").isNotNull();
        assertThat(result.plan().assets().get(0).policy().residency()).containsExactly("eu", "fr");
    }

    @Test
    void theRpoMustAllowForTheSchedule() {
        assertThat(lines(SITES + asset("schedule: 1h\nrpo: 30m\n"))).containsExactly(
                "19: error: rpo 30m is shorter than the longest gap between scheduled backups (1h for schedule '1h'): it"
                        + " cannot be met");
        assertThat(lines(SITES + asset("schedule: 0 9 * * mon-fri\nrpo: 1d\n"))).containsExactly(
                "19: error: rpo 1d is shorter than the longest gap between scheduled backups (3d for schedule"
                        + " '0 9 * * mon-fri'): it cannot be met");
        assertThat(lines(SITES + asset("schedule: 1h\nrpo: 1h\n"))).containsExactly(
                "19: warning: rpo 1h equals the longest gap between scheduled backups (1h for schedule '1h'): any backup"
                        + " that takes time, or is replicated, misses it");
    }

    @Test
    void badDurationsAndCronExpressionsAreExplained() {
        assertThat(lines(SITES + asset("schedule: 0 25 * * *\nrpo: 90\nrto: 1.5h\nretention-lock: 30x\n")))
                .containsExactly(
                        "18: error: schedule: cron '0 25 * * *': hour field '25': 25 is out of range 0-23",
                        "19: error: rpo: expected a duration, got the number 90 (write it with a unit, e.g. 90s or 15m)",
                        "20: error: rto: '1.5h' is not a duration: unknown unit '.' (counts are whole numbers) (expected"
                                + " COUNT+UNIT pairs such as 90s, 15m, 6h, 1d, 1w or 1h30m; units w, d, h, m (minutes), s,"
                                + " each at most once, largest first)",
                        "21: error: retention-lock: '30x' is not a duration: unknown unit 'x' (expected"
                                + " COUNT+UNIT pairs such as 30d, 12h, 2w or 1y6m; units y, m (months), w, d, h, each at"
                                + " most once, largest first)");
        assertThat(lines(SITES + asset("schedule: soon\nrpo: 1h\n"))).singleElement().asString()
                .startsWith("18: error: schedule: 'soon' is not a duration: expected a count at position 1")
                .endsWith("; a schedule is an interval such as 15m or 6h, or a cron expression such as '0 3 * * *'");
    }

    @Test
    void aRetentionPolicyNeedsARule() {
        assertThat(lines(SITES + asset("schedule: 1h\nrpo: 2h\nretention: {keep-last: 0}\n"))).singleElement().asString()
                .startsWith("20: error: retention: a retention policy needs at least one keep rule");
    }

    // ---- all at once

    @Test
    void everyProblemIsReportedAtOnceInFileOrder() {
        PlanReader.Result result = read("""
                version: 2
                sites:
                  - name: eu-west
                    repository: file:/srv/eu
                    jurisdiction: eu
                    role: primary
                    colour: blue
                  - name: us-east
                    repository: azure://dr/lifeboat
                    jurisdiction: us
                assets:
                  - name: data
                    kind: dataset
                    paths: [/data]
                    policy:
                      schedule: 15m
                      rpo: 10m
                      residency: [eu]
                      replicate-to: [us-east]
                """);
        assertThat(result.plan()).isNull();
        assertThat(result.errors()).extracting(Problem::toString).containsExactly(
                dir.resolve("lifeboat.yaml") + ":1:10: error: version must be 1, not 2",
                dir.resolve("lifeboat.yaml") + ":7:5: error: unknown key 'colour' in a site; known keys: name, repository,"
                        + " jurisdiction, role, standby, password-file, s3-endpoint, s3-path-style, endpoints, probes",
                dir.resolve("lifeboat.yaml") + ":17:12: error: rpo 10m is shorter than the longest gap between scheduled"
                        + " backups (15m for schedule '15m'): it cannot be met",
                dir.resolve("lifeboat.yaml") + ":19:22: error: replicate-to: site 'us-east' is in jurisdiction 'us',"
                        + " outside the asset's residency (eu)");
    }
}
