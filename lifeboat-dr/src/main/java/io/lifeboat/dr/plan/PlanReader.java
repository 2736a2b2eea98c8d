package io.lifeboat.dr.plan;

import io.lifeboat.core.retention.RetentionPolicy;
import io.lifeboat.core.retention.Within;
import io.lifeboat.core.storage.BlobStores;
import io.lifeboat.dr.plan.Binder.Bound;
import io.lifeboat.dr.plan.Binder.Fields;
import io.lifeboat.dr.plan.Locations.Position;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads a plan file ({@code lifeboat.yaml}, see docs/plan.md) and checks every rule that
 * needs no storage and no network: its YAML, every key and value against the plan's one
 * model ({@link PlanSchema} prints the same model as JSON Schema), and the rules between
 * values (one primary site, replication targets inside an asset's residency, an RPO its
 * schedule can meet...). It reports every problem it finds, not just the first, each with
 * its line. Reachability of the sites' storage is a separate step, {@link PlanValidator}.
 *
 * <p>Relative paths in the plan (local repositories, {@code password-file}, {@code paths})
 * are resolved against the directory of the plan file, so a plan means the same wherever it
 * is run from.
 *
 * <p>Guards against hostile input: a plan is at most {@value #MAX_CHARS} characters, and
 * uses at most {@value #MAX_ALIASES} aliases of lists or mappings (so an alias bomb cannot
 * grow it); YAML tags and merge keys are refused. Stateless and thread-safe.
 */
public final class PlanReader {
    /** The largest plan read: 1 MiB (in characters, or bytes of the file). */
    public static final int MAX_CHARS = 1 << 20;
    /** How many aliases of lists or mappings a plan may use. */
    public static final int MAX_ALIASES = 50;

    private PlanReader() {}

    /**
     * What reading a plan gave.
     *
     * @param plan     the plan, or null if there is any error (warnings alone leave it)
     * @param problems every problem, in file order
     */
    public record Result(Plan plan, List<Problem> problems) {
        public Result {
            problems = List.copyOf(problems);
        }

        public boolean hasErrors() {
            return problems.stream().anyMatch(Problem::isError);
        }

        public List<Problem> errors() {
            return problems.stream().filter(Problem::isError).toList();
        }

        public List<Problem> warnings() {
            return problems.stream().filter(p -> !p.isError()).toList();
        }
    }

    /**
     * Reads and checks a plan file; problems name it as given.
     *
     * @throws IOException if the file cannot be read at all (it does not exist, say)
     */
    public static Result read(Path file) throws IOException {
        if (Files.size(file) > MAX_CHARS) {
            return fail(file, "the plan file is larger than 1 MiB; a plan is a few kilobytes of YAML");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (CharacterCodingException e) {
            return fail(file, "the plan file is not UTF-8 text");
        }
        return parse(text, file);
    }

    /**
     * Reads and checks the text of a plan.
     *
     * @param file the name problems carry, and the base of relative paths (its directory;
     *             the working directory if it has none or is null)
     */
    public static Result parse(String text, Path file) {
        if (text.length() > MAX_CHARS) {
            return fail(file, "the plan is larger than 1 MiB; a plan is a few kilobytes of YAML");
        }
        Problems problems = new Problems(file);
        Node root = compose(text, file, problems);
        if (root == null) {
            return new Result(null, problems.sorted());
        }
        Binder binder = new Binder(problems);
        Bound bound = binder.bind(root, PlanModel.PLAN, "", "the plan");
        if (bound == null) {
            return new Result(null, problems.sorted());
        }
        Plan plan = new Assembly(problems, file, binder.unread()).plan((Fields) bound.value(),
                new Locations(binder.positions()));
        return new Result(problems.hasErrors() ? null : plan, problems.sorted());
    }

    private static Result fail(Path file, String message) {
        return new Result(null, List.of(new Problem(file, 0, 0, Problem.Severity.ERROR, message)));
    }

    private static Node compose(String text, Path file, Problems problems) {
        LoadSettings settings = LoadSettings.builder()
                .setLabel(file == null ? "plan" : file.toString())
                .setMaxAliasesForCollections(MAX_ALIASES)
                .setCodePointLimit(MAX_CHARS + 1)
                .setAllowDuplicateKeys(true) // the binder reports them, with both lines
                .setAllowNonScalarKeys(true) // likewise: the binder refuses them with their line
                .setAllowRecursiveKeys(false)
                .build();
        try {
            Iterator<Node> documents = new Compose(settings).composeAllFromString(text).iterator();
            if (!documents.hasNext()) {
                problems.error(new Position(1, 1), "the plan is empty");
                return null;
            }
            Node root = documents.next();
            if (documents.hasNext()) {
                problems.error(Binder.position(documents.next()), "a plan file holds one YAML document; this is a second one");
            }
            return root;
        } catch (MarkedYamlEngineException e) {
            Position at = e.getProblemMark().or(e::getContextMark).map(Binder::position).orElse(Position.UNKNOWN);
            String context = e.getContext() == null || e.getContext().isBlank() ? "" : " (" + e.getContext().strip() + ")";
            problems.error(at, "YAML syntax: " + (e.getProblem() == null ? e.getMessage() : e.getProblem().strip()) + context);
            return null;
        } catch (YamlEngineException e) {
            String m = String.valueOf(e.getMessage());
            problems.error(Position.UNKNOWN, m.contains("aliases")
                    ? "the plan uses more than " + MAX_ALIASES + " aliases of lists or mappings" : "YAML: " + m);
            return null;
        }
    }

    /** Builds the plan's records from what was read, and checks the rules between values. */
    private static final class Assembly {
        private final Problems problems;
        private final Path file;
        private final Path base;
        /** Sites by name (the first of a name), for the rules of assets. */
        private final Map<String, Site> sitesByName = new LinkedHashMap<>();
        private final Set<String> jurisdictions = new HashSet<>();
        private Site primary;
        /** Whether every site's name, role and jurisdiction could be read: rules about sites are sure. */
        private boolean sitesComplete;
        /** Whether an asset's list item could not be read at all (then the plan does have assets). */
        private final boolean assetUnread;

        Assembly(Problems problems, Path file, Set<String> unread) {
            this.problems = problems;
            this.file = file;
            this.assetUnread = unread.stream().anyMatch(p -> p.matches("assets\\[\\d+]"));
            // A list item that is not even a mapping leaves a site unknown.
            this.sitesComplete = unread.stream().noneMatch(p -> p.matches("sites\\[\\d+]"));
            Path dir = file == null ? null : file.toAbsolutePath().getParent();
            this.base = dir != null ? dir : Path.of("").toAbsolutePath();
        }

        Plan plan(Fields root, Locations locations) {
            List<Site> sites = sites(root);
            List<AssetSpec> assets = new ArrayList<>();
            Map<String, Position> assetNames = new HashMap<>();
            for (Bound item : root.list("assets")) {
                Fields f = (Fields) item.value();
                String name = f.value("name");
                Position first = name == null ? null : assetNames.putIfAbsent(name, f.at("name"));
                if (first != null) {
                    problems.error(f.at("name"), "asset name '" + name + "' is used twice (first at line " + first.line() + ")");
                }
                AssetSpec asset = asset(f);
                if (asset != null) {
                    assets.add(asset);
                }
            }
            if (root.list("assets").isEmpty() && !assetUnread && (!root.has("assets") || root.value("assets") != null)) {
                problems.warning(root.at("assets"), "the plan protects no assets");
            }
            Integer version = root.value("version");
            return new Plan(version == null ? 0 : version, sites, assets, file, locations);
        }

        // ---- sites

        private List<Site> sites(Fields root) {
            List<Site> sites = new ArrayList<>();
            List<Fields> primaries = new ArrayList<>();
            boolean rolesKnown = sitesComplete; // every item a mapping, so far
            Map<String, Position> repositories = new HashMap<>();
            Map<String, Position> names = new HashMap<>();
            for (Bound item : root.list("sites")) {
                Fields f = (Fields) item.value();
                String name = f.value("name");
                Position first = name == null ? null : names.putIfAbsent(name, f.at("name"));
                if (first != null) {
                    problems.error(f.at("name"), "site name '" + name + "' is used twice (first at line " + first.line()
                            + ")");
                    name = null;
                }
                if (f.has("role") && f.value("role") == null) {
                    rolesKnown = false;
                }
                if ("primary".equals(f.value("role"))) {
                    primaries.add(f);
                }
                Site site = site(f, repositories);
                if (site == null) {
                    sitesComplete = false;
                    continue;
                }
                sites.add(site);
                if (name != null) {
                    sitesByName.put(name, site);
                }
                jurisdictions.add(site.jurisdiction());
            }
            if (primaries.isEmpty() && rolesKnown && !root.list("sites").isEmpty()) {
                problems.error(root.at("sites"), "no site has role: primary; exactly one must");
            }
            for (int i = 1; i < primaries.size(); i++) {
                problems.error(primaries.get(i).at("role"), "a second primary site (the first is at line "
                        + primaries.get(0).at.line() + "); exactly one site is primary");
            }
            if (primaries.size() == 1) {
                String name = primaries.get(0).value("name");
                primary = name == null ? null : sitesByName.get(name);
            }
            if (primary == null) {
                sitesComplete = false;
            }
            return sites;
        }

        private Site site(Fields f, Map<String, Position> repositories) {
            String repository = repository(f);
            if (repository != null) {
                Position first = repositories.putIfAbsent(stripSlashes(repository), f.at("repository"));
                if (first != null) {
                    problems.error(f.at("repository"), "two sites share the repository " + repository + " (the other at"
                            + " line " + first.line() + "); each site has storage of its own");
                }
                if (!repository.startsWith("s3://")) {
                    for (String option : List.of("s3-endpoint", "s3-path-style")) {
                        if (f.has(option)) {
                            problems.error(f.at(option), option + " applies to s3:// repositories only");
                        }
                    }
                }
            }
            List<Site.Endpoint> endpoints = endpoints(f);
            List<Site.Probe> probes = probes(f);
            String name = f.value("name");
            String jurisdiction = f.value("jurisdiction");
            if (name == null || repository == null || jurisdiction == null || f.has("role") && f.value("role") == null
                    || f.has("standby") && f.value("standby") == null || endpoints == null || probes == null
                    || f.has("password-file") && f.value("password-file") == null) {
                return null;
            }
            Site.Role role = "primary".equals(f.value("role")) ? Site.Role.PRIMARY : Site.Role.SECONDARY;
            String standby = f.value("standby");
            Site.Standby mode = standby != null ? Site.Standby.valueOf(standby.toUpperCase(java.util.Locale.ROOT))
                    : role == Site.Role.PRIMARY ? Site.Standby.HOT : Site.Standby.WARM;
            String passwordFile = f.value("password-file");
            Map<String, String> options = new LinkedHashMap<>();
            if (f.value("s3-endpoint") != null) {
                options.put("s3-endpoint", f.value("s3-endpoint"));
            }
            if (f.value("s3-path-style") != null) {
                options.put("s3-path-style", String.valueOf((Boolean) f.value("s3-path-style")));
            }
            return new Site(name, repository, jurisdiction, role, mode,
                    passwordFile == null ? null : resolve(passwordFile, f.at("password-file")), options, endpoints, probes,
                    f.at.line());
        }

        /** The site's repository URL, a local one made absolute against the plan's directory; null if unreadable. */
        private String repository(Fields f) {
            String url = f.value("repository");
            if (url == null || !BlobStores.isLocal(url)) {
                return url;
            }
            String rest = url.startsWith("file:") ? url.substring("file:".length()) : url;
            Path path = resolve(rest.startsWith("//") ? rest.substring(1) : rest, f.at("repository"));
            return path == null ? null : "file:" + path;
        }

        private List<Site.Endpoint> endpoints(Fields site) {
            List<Site.Endpoint> out = new ArrayList<>();
            Map<String, Position> names = new HashMap<>();
            boolean complete = true;
            for (Bound item : site.list("endpoints")) {
                Fields f = (Fields) item.value();
                String name = f.value("name");
                String url = f.value("url");
                Position first = name == null ? null : names.putIfAbsent(name, f.at("name"));
                if (first != null) {
                    problems.error(f.at("name"), "endpoint name '" + name + "' is used twice in this site (first at line "
                            + first.line() + ")");
                }
                if (name == null || url == null) {
                    complete = false;
                    continue;
                }
                out.add(new Site.Endpoint(name, url));
            }
            return complete ? out : null;
        }

        private List<Site.Probe> probes(Fields site) {
            List<Site.Probe> out = new ArrayList<>();
            boolean complete = true;
            for (Bound item : site.list("probes")) {
                Fields f = (Fields) item.value();
                String url = f.value("url");
                Duration interval = orDefault(f, "interval", Durations.parse("10s"));
                Duration timeout = orDefault(f, "timeout", Durations.parse("2s"));
                Integer status = f.has("expect-status") ? f.value("expect-status") : Integer.valueOf(200);
                if (interval != null && timeout != null && timeout.compareTo(interval) >= 0) {
                    problems.error(f.at("timeout"), "timeout " + Durations.format(timeout) + " must be shorter than the"
                            + " probe's interval " + Durations.format(interval));
                }
                if (url == null || interval == null || timeout == null || status == null) {
                    complete = false;
                    continue;
                }
                out.add(new Site.Probe(url, interval, timeout, status));
            }
            return complete ? out : null;
        }

        private static Duration orDefault(Fields f, String key, Duration otherwise) {
            return f.has(key) ? f.value(key) : otherwise;
        }

        // ---- assets

        private AssetSpec asset(Fields f) {
            String name = f.value("name");
            String kind = f.value("kind");
            checkSourceKeys(f, kind);
            List<String> paths = new ArrayList<>();
            boolean pathsOk = true;
            for (Bound p : f.list("paths")) {
                Path resolved = resolve((String) p.value(), p.at());
                if (resolved == null) {
                    pathsOk = false;
                } else {
                    paths.add(resolved.toString());
                }
            }
            Fields policyFields = f.value("policy");
            Policy policy = policyFields == null ? null : policy(policyFields);
            List<String> excludes = strings(f.list("excludes"));
            String command = f.value("command");
            String streamName = f.has("stream-name") ? f.value("stream-name") : command != null ? name : null;
            if (name == null || kind == null || policy == null || !pathsOk || sourceMissing(f)
                    || f.has("excludes") && f.value("excludes") == null
                    || f.has("stream-name") && streamName == null) {
                return null;
            }
            return new AssetSpec(name, kind, paths, excludes, command, streamName, f.value("env"), f.value("model"),
                    policy, f.at.line());
        }

        private static boolean sourceMissing(Fields f) {
            return PlanModel.ASSET.exactlyOneOf().stream().noneMatch(k -> f.value(k) != null);
        }

        private void checkSourceKeys(Fields f, String kind) {
            if (f.has("excludes") && !f.has("paths")) {
                problems.error(f.at("excludes"), "excludes applies to paths only; this asset has no paths");
            }
            if (f.has("stream-name") && !f.has("command")) {
                problems.error(f.at("stream-name"), "stream-name names a command's output; this asset has no command");
            }
            if (kind != null && f.has("env") && !kind.equals("secret")) {
                problems.error(f.at("kind"), "an asset read from env is a secret: kind must be secret, not " + kind);
            }
            if (kind != null && f.has("model") && !kind.equals("model")) {
                problems.error(f.at("kind"), "an asset protecting a registered model must be of kind model, not " + kind);
            }
        }

        // ---- policies

        private Policy policy(Fields f) {
            Schedule schedule = f.value("schedule");
            Duration rpo = f.value("rpo");
            checkRpo(f, schedule, rpo);
            RetentionPolicy retention = f.value("retention") == null ? null : retention(f.value("retention"));
            List<String> residency = distinct(f.list("residency"), "residency");
            List<String> replicateTo = distinct(f.list("replicate-to"), "replicate-to");
            checkResidency(f, residency);
            checkReplicateTo(f, residency);
            if (schedule == null || rpo == null || f.has("rto") && f.value("rto") == null
                    || f.has("retention") && retention == null || f.has("retention-lock") && f.value("retention-lock") == null
                    || f.has("residency") && f.value("residency") == null
                    || f.has("replicate-to") && f.value("replicate-to") == null) {
                return null;
            }
            return new Policy(schedule, rpo, f.value("rto"), retention, f.value("retention-lock"), residency, replicateTo);
        }

        private void checkRpo(Fields f, Schedule schedule, Duration rpo) {
            if (schedule == null || rpo == null) {
                return;
            }
            Duration gap = schedule.longestGap();
            String what = "the longest gap between scheduled backups (" + Durations.format(gap) + " for schedule '"
                    + text(schedule) + "')";
            if (rpo.compareTo(gap) < 0) {
                problems.error(f.at("rpo"), "rpo " + Durations.format(rpo) + " is shorter than " + what
                        + ": it cannot be met");
            } else if (rpo.equals(gap)) {
                problems.warning(f.at("rpo"), "rpo " + Durations.format(rpo) + " equals " + what + ": any backup that"
                        + " takes time, or is replicated, misses it");
            }
        }

        private RetentionPolicy retention(Fields f) {
            RetentionPolicy.Builder b = RetentionPolicy.builder();
            Integer n;
            if ((n = f.value("keep-last")) != null) {
                b.keepLast(n);
            }
            if ((n = f.value("keep-hourly")) != null) {
                b.keepHourly(n);
            }
            if ((n = f.value("keep-daily")) != null) {
                b.keepDaily(n);
            }
            if ((n = f.value("keep-weekly")) != null) {
                b.keepWeekly(n);
            }
            if ((n = f.value("keep-monthly")) != null) {
                b.keepMonthly(n);
            }
            if ((n = f.value("keep-yearly")) != null) {
                b.keepYearly(n);
            }
            b.keepWithin((Within) f.value("keep-within"));
            boolean ok = true;
            for (Bound tag : f.list("keep-tag")) {
                try {
                    b.keepTag((String) tag.value());
                } catch (IllegalArgumentException e) {
                    problems.error(tag.at(), "keep-tag: " + e.getMessage());
                    ok = false;
                }
            }
            if (!ok || !f.complete()) {
                return null;
            }
            try {
                return b.build();
            } catch (IllegalArgumentException e) {
                problems.error(f.at, "retention: " + e.getMessage());
                return null;
            }
        }

        private void checkResidency(Fields f, List<String> residency) {
            for (Bound item : f.list("residency")) {
                String j = (String) item.value();
                if (sitesComplete && !jurisdictions.contains(j)) {
                    problems.warning(item.at(), "no site is in jurisdiction '" + j + "'" + Suggestions.hint(j, jurisdictions));
                }
            }
            if (primary != null && !residency.isEmpty() && !residency.contains(primary.jurisdiction())) {
                problems.error(f.at("residency"), "the primary site '" + primary.name() + "' is in jurisdiction '"
                        + primary.jurisdiction() + "', outside this residency (" + String.join(", ", residency)
                        + "): the asset could not be backed up at all");
            }
        }

        private void checkReplicateTo(Fields f, List<String> residency) {
            for (Bound item : f.list("replicate-to")) {
                String name = (String) item.value();
                Site target = sitesByName.get(name);
                if (target == null) {
                    if (sitesComplete) {
                        problems.error(item.at(), "replicate-to: no site is named '" + name + "'"
                                + Suggestions.hint(name, sitesByName.keySet()));
                    }
                } else if (target.role() == Site.Role.PRIMARY) {
                    problems.error(item.at(), "replicate-to: '" + name + "' is the primary site, which holds the asset"
                            + " already");
                } else if (!residency.isEmpty() && !residency.contains(target.jurisdiction())) {
                    problems.error(item.at(), "replicate-to: site '" + name + "' is in jurisdiction '"
                            + target.jurisdiction() + "', outside the asset's residency (" + String.join(", ", residency)
                            + ")");
                }
            }
        }

        // ---- helpers

        /** The strings of a list, each once; an item written twice is a warning. */
        private List<String> distinct(List<Bound> items, String label) {
            Set<String> out = new LinkedHashSet<>();
            for (Bound item : items) {
                if (!out.add((String) item.value())) {
                    problems.warning(item.at(), label + ": '" + item.value() + "' is listed twice");
                }
            }
            return List.copyOf(out);
        }

        private static List<String> strings(List<Bound> items) {
            return items.stream().map(b -> (String) b.value()).toList();
        }

        private Path resolve(String path, Position at) {
            try {
                return base.resolve(path).normalize();
            } catch (InvalidPathException e) {
                problems.error(at, "'" + path + "' is not a valid path: " + e.getReason());
                return null;
            }
        }

        private static String stripSlashes(String url) {
            String u = url;
            while (u.endsWith("/") && u.length() > 1) {
                u = u.substring(0, u.length() - 1);
            }
            return u;
        }

        private static String text(Schedule schedule) {
            return switch (schedule) {
                case Schedule.Interval i -> Durations.format(i.interval());
                case Schedule.CronSchedule c -> c.cron().toString();
            };
        }
    }
}
