package io.lifeboat.dr.plan;

import io.lifeboat.catalog.Assets;
import io.lifeboat.core.retention.Within;
import io.lifeboat.core.storage.BlobStores;
import io.lifeboat.core.storage.StoreLocation;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The one description of a plan file: every key, its type, whether it is required, its
 * default and what it means. {@link Binder} reads and checks YAML against it and
 * {@link PlanSchema} prints it as JSON Schema, so editors and {@code lifeboat plan validate}
 * cannot disagree about which keys exist.
 *
 * <p>Rules that relate values to each other (an asset's residency against its replication
 * targets, say) are not shapes; {@link PlanReader} checks them after binding.
 */
final class PlanModel {
    private PlanModel() {}

    /** The type of a value. */
    sealed interface Shape permits Text, Int, Bool, ListOf, Obj {
        /** For messages: {@code a duration}, {@code a list of site names}. */
        String what();
    }

    /**
     * A string. {@code parse} checks it and turns it into its value (a {@code Duration}, a
     * {@code Schedule}, the string itself), throwing {@link IllegalArgumentException} with
     * a message for people.
     *
     * @param jsonPattern a regular expression for editors (ECMA 262, anchored), or null
     * @param allowed     the only values allowed, or empty for any
     */
    record Text(String what, String jsonPattern, List<String> allowed, Function<String, Object> parse) implements Shape {
        Text {
            allowed = List.copyOf(allowed);
        }
    }

    /** A whole number from {@code min} to {@code max}. */
    record Int(String what, int min, int max) implements Shape {}

    /** {@code true} or {@code false}. */
    record Bool(String what) implements Shape {}

    /** A list of items of one shape, at least {@code minItems} of them. */
    record ListOf(String what, Shape item, int minItems) implements Shape {}

    /**
     * A mapping of known keys; any other key is an error.
     *
     * @param name          its name in messages and in the JSON Schema's {@code $defs}
     * @param exactlyOneOf  keys of which exactly one must be written (empty: no such rule)
     * @param oneOfRule     how the {@code exactlyOneOf} rule reads in messages
     */
    record Obj(String name, String description, List<Key> keys, List<String> exactlyOneOf, String oneOfRule)
            implements Shape {
        Obj {
            keys = List.copyOf(keys);
            exactlyOneOf = List.copyOf(exactlyOneOf);
        }

        @Override
        public String what() {
            return "a mapping (" + name + ")";
        }

        Key key(String name) {
            return keys.stream().filter(k -> k.name().equals(name)).findFirst().orElse(null);
        }

        List<String> keyNames() {
            return keys.stream().map(Key::name).toList();
        }
    }

    /**
     * One key of a mapping.
     *
     * @param jsonDefault the default as a JSON value (String, Integer, Boolean, List), or null
     *                    when there is none or it depends on other values (the description says)
     */
    record Key(String name, Shape shape, boolean required, Object jsonDefault, String description) {
        Key {
            Objects.requireNonNull(description, name);
        }
    }

    private static Key required(String name, Shape shape, String description) {
        return new Key(name, shape, true, null, description);
    }

    private static Key optional(String name, Shape shape, Object jsonDefault, String description) {
        return new Key(name, shape, false, jsonDefault, description);
    }

    // ---- values

    /** Names of sites, assets and endpoints: the rule of model names in the registry. */
    static final String NAME_RULE = "1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit";
    private static final String NAME_REGEX = "[A-Za-z0-9][A-Za-z0-9._-]{0,127}";
    static final String JURISDICTION_REGEX = "[a-z0-9-]+";
    private static final String DURATION_PATTERN = "(?=\\d)(\\d{1,9}w)?(\\d{1,9}d)?(\\d{1,9}h)?(\\d{1,9}m)?(\\d{1,9}s)?";
    private static final String CRON_PATTERN = "@(yearly|annually|monthly|weekly|daily|midnight|hourly)|\\S+(\\s+\\S+){4}";
    private static final String WITHIN_PATTERN = "(?=\\d)(\\d{1,6}y)?(\\d{1,6}m)?(\\d{1,6}w)?(\\d{1,6}d)?(\\d{1,6}h)?";
    /** The repository URL schemes of this build (local paths need no scheme). */
    static final List<String> SCHEMES = List.of("s3", "azure");

    /**
     * The kinds an asset of a plan can have: every kind of {@link Assets#KINDS} but
     * {@code registry}, which is not backed up from a source (the model registry lives in
     * the repository itself and travels with it).
     */
    static final List<String> KINDS = Assets.KINDS.stream().filter(k -> !k.equals("registry")).sorted().toList();

    private static Text matching(String what, String regex, String rule) {
        Pattern pattern = Pattern.compile(regex);
        return new Text(what, "^" + regex + "$", List.of(), s -> {
            if (!pattern.matcher(s).matches()) {
                throw new IllegalArgumentException("'" + s + "' is not " + what + ": " + rule);
            }
            return s;
        });
    }

    private static Text oneOf(String what, List<String> values) {
        return new Text(what, null, values, s -> s);
    }

    private static Text anyText(String what) {
        return new Text(what, "\\S", List.of(), s -> {
            if (s.isBlank()) {
                throw new IllegalArgumentException("it is empty");
            }
            return s;
        });
    }

    static final Text NAME = matching("a name", NAME_REGEX, NAME_RULE);
    static final Text SITE_NAME = matching("a site name", NAME_REGEX, NAME_RULE);
    static final Text JURISDICTION = new Text("a jurisdiction", "^(?!global$)" + JURISDICTION_REGEX + "$", List.of(),
            PlanModel::jurisdiction);
    static final Text DURATION = new Text("a duration", "^" + DURATION_PATTERN + "$", List.of(), Durations::parse);
    static final Text SCHEDULE = new Text("a schedule", "^(" + DURATION_PATTERN + "|" + CRON_PATTERN + ")$", List.of(),
            Schedule::parse);
    static final Text WITHIN = new Text("a span", "^" + WITHIN_PATTERN + "$", List.of(), PlanModel::within);
    static final Text REPOSITORY = new Text("a repository URL", "^((s3|azure)://[^/@]+(/.*)?|file:.+|[^:]+)$", List.of(),
            PlanModel::repository);
    static final Text HTTP_URL = new Text("an http:// or https:// URL", "^https?://[^/@]+", List.of(), PlanModel::httpUrl);
    static final Text PATH = anyText("a path");
    static final Text ENV_NAME = matching("an environment variable name", "[A-Za-z_][A-Za-z0-9_]*",
            "letters, digits and '_', not starting with a digit");
    static final Int COUNT = new Int("a count", 0, Integer.MAX_VALUE);

    // ---- the plan

    static final Obj RETENTION = new Obj("retention",
            "Which snapshots to keep when old ones are forgotten: a snapshot is kept if any rule keeps it"
                    + " (as lifeboat forget). At least one rule.",
            List.of(
                    optional("keep-last", COUNT, 0, "Keep the N newest snapshots."),
                    optional("keep-hourly", COUNT, 0, "Keep the newest snapshot of each of the N newest hours that have one."),
                    optional("keep-daily", COUNT, 0, "Keep the newest snapshot of each of the N newest days that have one."),
                    optional("keep-weekly", COUNT, 0, "Keep the newest snapshot of each of the N newest ISO weeks that have one."),
                    optional("keep-monthly", COUNT, 0, "Keep the newest snapshot of each of the N newest months that have one."),
                    optional("keep-yearly", COUNT, 0, "Keep the newest snapshot of each of the N newest years that have one."),
                    optional("keep-within", WITHIN, null,
                            "Keep every snapshot within this span of the newest, e.g. 30d, 2w, 1y6m (m is months)."),
                    optional("keep-tag", new ListOf("a list of tags", anyText("a tag"), 1), null,
                            "Keep every snapshot with one of these tags (KEY or KEY=VALUE).")),
            List.of(), null);

    static final Obj POLICY = new Obj("policy", "How an asset is protected: when, how fresh, how long, and where.",
            List.of(
                    required("schedule", SCHEDULE,
                            "When a backup is due: an interval since the last backup (90s, 15m, 6h, 1d, 1w, 1h30m) or a"
                                    + " five-field cron expression (minute hour day-of-month month day-of-week, e.g."
                                    + " '0 3 * * *', or @hourly, @daily, @weekly, @monthly, @yearly)."),
                    required("rpo", DURATION,
                            "Recovery point objective: the newest recovery point of the asset, at every site that keeps"
                                    + " it, must be younger than this. At least the schedule's longest gap."),
                    optional("rto", DURATION, null, "Recovery time objective: how long a restore may take (measured by drills)."),
                    optional("retention", RETENTION, null, "Which snapshots to keep. Default: keep all."),
                    optional("retention-lock", WITHIN, null,
                            "Lock new objects against deletion (WORM) for this span, e.g. 30d. Needs storage that can"
                                    + " lock objects (S3 Object Lock, Azure immutability). Default: no lock."),
                    optional("residency", new ListOf("a list of jurisdictions", JURISDICTION, 0), List.of(),
                            "The jurisdictions the asset may be stored in. Default: anywhere."),
                    optional("replicate-to", new ListOf("a list of site names", SITE_NAME, 0), List.of(),
                            "The secondary sites the asset is copied to; each must be within its residency.")),
            List.of(), null);

    static final Obj ASSET = new Obj("asset",
            "Something the plan protects, and where its data comes from: exactly one of paths, command, env or model.",
            List.of(
                    required("name", NAME, "A unique name for the asset; its snapshots carry it."),
                    required("kind", oneOf("a kind", KINDS), "What the asset is: " + String.join(", ", KINDS) + "."),
                    optional("paths", new ListOf("a list of paths", PATH, 1), null,
                            "Files and directories to back up (relative paths are relative to the plan file's directory)."),
                    optional("excludes", new ListOf("a list of patterns", anyText("a pattern"), 0), List.of(),
                            "Glob patterns of files to leave out (with paths only)."),
                    optional("command", anyText("a command"), null,
                            "A command run with sh -c whose standard output is stored as one file."),
                    optional("stream-name", matching("a file name", NAME_REGEX, NAME_RULE), null,
                            "The name of the file a command's output is stored as (with command only). Default: the"
                                    + " asset's name."),
                    optional("env", ENV_NAME, null,
                            "The environment variable that holds a secret (kind: secret only)."),
                    optional("model", matching("a model name", NAME_REGEX, NAME_RULE), null,
                            "A model of the registry, protected with every version (kind: model only)."),
                    required("policy", POLICY, "How the asset is protected.")),
            List.of("paths", "command", "env", "model"), "an asset has exactly one source: paths, command, env or model");

    static final Obj ENDPOINT = new Obj("endpoint", "A model-serving endpoint of a site.",
            List.of(
                    required("name", NAME, "A name for the endpoint, unique within its site."),
                    required("url", HTTP_URL, "Its base URL, e.g. http://10.0.0.5:8080.")),
            List.of(), null);

    static final Obj PROBE = new Obj("probe", "A health probe: an HTTP GET that must answer in time with the expected status.",
            List.of(
                    required("url", HTTP_URL, "The URL to GET."),
                    optional("interval", DURATION, "10s", "How often to probe."),
                    optional("timeout", DURATION, "2s", "How long to wait for an answer; shorter than interval."),
                    optional("expect-status", new Int("an HTTP status", 100, 599), 200,
                            "The HTTP status a healthy site answers with.")),
            List.of(), null);

    static final Obj SITE = new Obj("site", "A region or location, with the repositories it holds.",
            List.of(
                    required("name", NAME, "A unique name for the site; replicate-to refers to it."),
                    required("repository", REPOSITORY,
                            "Where the site keeps its repositories: file:/path (or a path, relative to the plan file's"
                                    + " directory), s3://bucket/prefix or azure://container/prefix. One repository per"
                                    + " residency domain is kept below it."),
                    required("jurisdiction", JURISDICTION,
                            "Where the site's data is, for residency: lower-case letters, digits and '-', e.g. eu, us."),
                    optional("role", oneOf("a role", List.of("primary", "secondary")), "secondary",
                            "primary: assets are backed up to it (exactly one site); secondary: they are replicated to it."),
                    optional("standby", oneOf("a standby mode", List.of("hot", "warm", "cold")), null,
                            "How ready the site is to take over: hot, warm or cold. Default: hot for the primary, warm"
                                    + " for a secondary."),
                    optional("password-file", PATH, null,
                            "A file whose first line is the passphrase of this site's repositories (relative to the"
                                    + " plan file's directory). Default: LIFEBOAT_PASSWORD_FILE, then LIFEBOAT_PASSWORD."),
                    optional("s3-endpoint", HTTP_URL, null,
                            "The endpoint of an S3-compatible store (s3:// only). Default: AWS_ENDPOINT_URL_S3, then"
                                    + " AWS_ENDPOINT_URL, else Amazon S3."),
                    optional("s3-path-style", new Bool("true or false"), null,
                            "Address the bucket in the URL's path, not its host name (s3:// only). Default: on for an"
                                    + " IP address or localhost."),
                    optional("endpoints", new ListOf("a list of endpoints", ENDPOINT, 0), List.of(),
                            "Model-serving endpoints at this site (used by failover)."),
                    optional("probes", new ListOf("a list of probes", PROBE, 0), List.of(),
                            "Health probes of this site (used by failover).")),
            List.of(), null);

    static final Obj PLAN = new Obj("plan", "A Lifeboat protection plan (lifeboat.yaml): sites, and the assets protected"
            + " to them. See docs/plan.md.",
            List.of(
                    required("version", new Int("the plan format version", 1, 1), "The plan format version: 1."),
                    required("sites", new ListOf("a list of sites", SITE, 1),
                            "The sites that hold repositories: exactly one primary, any number of secondaries."),
                    optional("assets", new ListOf("a list of assets", ASSET, 0), List.of(), "What the plan protects.")),
            List.of(), null);

    /** Every mapping of the model, each once, the plan first. */
    static List<Obj> objects() {
        return List.of(PLAN, SITE, ENDPOINT, PROBE, ASSET, POLICY, RETENTION);
    }

    // ---- checks of single values

    private static Object jurisdiction(String s) {
        if (s.equals(Domains.GLOBAL)) {
            throw new IllegalArgumentException("'global' cannot be a jurisdiction: it names the residency domain of"
                    + " assets that may be stored anywhere");
        }
        if (!s.matches(JURISDICTION_REGEX)) {
            throw new IllegalArgumentException("'" + s + "' is not a jurisdiction: lower-case letters, digits and '-',"
                    + " e.g. eu or us");
        }
        return s;
    }

    private static Object within(String text) {
        try {
            return Within.parse(text);
        } catch (IllegalArgumentException e) {
            // Within names itself after keep-within; here it may be a retention-lock too, which the label says.
            throw new IllegalArgumentException(e.getMessage().replaceFirst("^keep-within ", ""), e);
        }
    }

    private static Object repository(String url) {
        if (url.isBlank()) {
            throw new IllegalArgumentException("it is empty");
        }
        if (BlobStores.isLocal(url)) {
            if (url.equals("file:") || url.equals("file://")) {
                throw new IllegalArgumentException("'" + url + "' names no path");
            }
            return url;
        }
        StoreLocation location = StoreLocation.parse(url, Map.of(), Map.of());
        if (!SCHEMES.contains(location.scheme())) {
            throw new IllegalArgumentException("unknown scheme '" + location.scheme() + "://' (known: file:, s3://, azure://)");
        }
        return url;
    }

    private static Object httpUrl(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("'" + text + "' is not an http:// or https:// URL with a host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("the URL carries credentials; a plan holds none (give them through the"
                    + " environment)");
        }
        return text;
    }
}
