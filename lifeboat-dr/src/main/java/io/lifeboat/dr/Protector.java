package io.lifeboat.dr;

import io.lifeboat.catalog.Assets;
import io.lifeboat.catalog.ModelRegistry;
import io.lifeboat.catalog.RecoveryPoint;
import io.lifeboat.catalog.RecoveryPoints;
import io.lifeboat.core.BackupListener;
import io.lifeboat.core.BackupOptions;
import io.lifeboat.core.Id;
import io.lifeboat.core.Repository;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.internal.engine.BackupEngine;
import io.lifeboat.core.retention.Decision;
import io.lifeboat.core.retention.Within;
import io.lifeboat.dr.plan.AssetSpec;
import io.lifeboat.dr.plan.Plan;
import io.lifeboat.dr.plan.Site;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code lifeboat protect}: backs up every asset of a plan that is due to the primary
 * site's repository of its residency domain (creating it on first use), applies the
 * asset's retention, and records a recovery point in every domain repository it touched.
 * An asset whose residency excludes the primary's jurisdiction is refused, explained and
 * audited, never written.
 */
public final class Protector {
    /** The tag naming the residency domain a snapshot was written for. */
    public static final String DOMAIN_TAG = "lifeboat.plan.domain";
    /** The name of the recovery points protect records. */
    public static final String RECOVERY_POINT = "protect";

    private final Plan plan;
    private final SiteAccess sites;
    private final AuditLog audit;
    private final Clock clock;
    private final ZoneId zone;
    private final Map<String, String> env;
    private final int threads;

    /** What happened to one asset. */
    public enum Action { BACKED_UP, NOT_DUE, REFUSED, FAILED, REGISTRY }

    /**
     * @param snapshot the new snapshot (backed up), or the asset's latest one, or null
     * @param message  for people: why it was not due, refused or failed
     */
    public record Outcome(String asset, String domain, Action action, Snapshot snapshot, int forgotten, String message) {}

    /** A protect run: every asset's outcome and the recovery points recorded (domain -> point). */
    public record Report(List<Outcome> outcomes, Map<String, RecoveryPoint> recoveryPoints) {
        public boolean failed() {
            return outcomes.stream().anyMatch(o -> o.action() == Action.FAILED);
        }
    }

    public Protector(Plan plan, SiteAccess sites, AuditLog audit, Clock clock, ZoneId zone, Map<String, String> env,
                     int threads) {
        this.plan = plan;
        this.sites = sites;
        this.audit = audit;
        this.clock = clock;
        this.zone = zone;
        this.env = Map.copyOf(env);
        this.threads = threads;
    }

    /**
     * @param force back up every asset, due or not
     * @param only  protect only these assets (empty: all)
     */
    public Report run(boolean force, Set<String> only) throws IOException {
        Site primary = plan.primary();
        List<Outcome> outcomes = new ArrayList<>();
        Map<String, List<AssetSpec>> byDomain = new TreeMap<>();
        for (AssetSpec a : plan.assets()) {
            boolean chosen = only.isEmpty() || only.contains(a.name());
            if (!a.policy().allows(primary.jurisdiction())) {
                if (chosen) {
                    String why = "residency " + a.policy().residency() + " excludes the primary site " + primary.name()
                            + " (jurisdiction " + primary.jurisdiction() + "): not backed up anywhere";
                    outcomes.add(new Outcome(a.name(), a.policy().domain(), Action.REFUSED, null, 0, why));
                    audit.record("residency-refused", details("asset", a.name(), "site", primary.name(), "jurisdiction",
                            primary.jurisdiction(), "residency", a.policy().residency(), "operation", "protect"));
                }
                continue;
            }
            byDomain.computeIfAbsent(a.policy().domain(), d -> new ArrayList<>()).add(a);
        }
        Map<String, RecoveryPoint> points = new TreeMap<>();
        for (Map.Entry<String, List<AssetSpec>> d : byDomain.entrySet()) {
            List<AssetSpec> chosen = d.getValue().stream().filter(a -> only.isEmpty() || only.contains(a.name())).toList();
            if (chosen.isEmpty()) {
                continue;
            }
            String lost = lostPrimary(d.getKey());
            if (lost != null) {
                for (AssetSpec a : chosen) {
                    outcomes.add(new Outcome(a.name(), d.getKey(), Action.FAILED, null, 0, lost));
                }
                audit.record("primary-missing", details("site", primary.name(), "domain", d.getKey(), "reason", lost));
                continue;
            }
            try (Repository repo = sites.openOrCreate(primary, d.getKey(), lockOf(d.getValue()))) {
                raiseLock(repo, d.getValue());
                for (AssetSpec a : chosen) {
                    outcomes.add(protect(repo, a, force));
                }
                recordPlan(repo);
                // Every asset of the domain, not only those protected now: a recovery point is the whole group.
                RecoveryPoint rp = recordPoint(repo, d.getValue());
                if (rp != null) {
                    points.put(d.getKey(), rp);
                }
            }
        }
        return new Report(outcomes, points);
    }

    /**
     * Why the primary's repository of a domain must not be made now, or null. It is missing
     * but a secondary holds one: the primary was lost (or its URL is wrong, or a mount is
     * missing). Making a new, empty repository there would start a second history that no
     * replica accepts; the operator brings the replica's copy back first.
     */
    private String lostPrimary(String domain) throws IOException {
        Site primary = plan.primary();
        if (sites.exists(primary, domain)) {
            return null;
        }
        for (Site s : plan.secondaries()) {
            boolean there;
            try {
                there = io.lifeboat.dr.plan.Domains.allows(domain, s.jurisdiction()) && sites.exists(s, domain);
            } catch (IOException e) {
                there = false; // an unreachable secondary cannot tell; its replicate will refuse a foreign repository
            }
            if (there) {
                return "the primary " + primary.name() + " has no repository for " + domain + " but " + s.name()
                        + " holds a replica of one: the primary was lost or its location is wrong. Copy the replica's"
                        + " objects back to " + SiteAccess.url(primary, domain) + " (they are the same repository)"
                        + " rather than start a new history there";
            }
        }
        return null;
    }

    private Outcome protect(Repository repo, AssetSpec a, boolean force) throws IOException {
        String domain = a.policy().domain();
        if (a.model() != null) {
            return new Outcome(a.name(), domain, Action.REGISTRY, null, 0,
                    "protected through the model registry (model " + a.model() + ")");
        }
        Assets assets = Assets.of(repo);
        Snapshot last = assets.get(a.name()).map(Assets.Asset::latest).orElse(null);
        Instant now = clock.instant();
        if (!force && !a.policy().schedule().due(last == null ? null : last.time(), now, zone)) {
            return new Outcome(a.name(), domain, Action.NOT_DUE, last, 0, "not due (last backup " + last.time() + ")");
        }
        Snapshot s;
        try {
            s = backup(repo, a);
        } catch (IOException | RuntimeException e) {
            audit.record("backup-failed", details("asset", a.name(), "site", plan.primary().name(), "reason",
                    String.valueOf(e.getMessage())));
            return new Outcome(a.name(), domain, Action.FAILED, last, 0, String.valueOf(e.getMessage()));
        }
        int forgotten = applyRetention(repo, a);
        audit.record("backup", details("asset", a.name(), "site", plan.primary().name(), "domain", domain, "snapshot",
                s.id().hex(), "bytes", s.summary().totalBytes(), "forgotten", forgotten));
        return new Outcome(a.name(), domain, Action.BACKED_UP, s, forgotten, null);
    }

    private Snapshot backup(Repository repo, AssetSpec a) throws IOException {
        List<Path> paths = a.paths().stream().map(Path::of).toList(); // the plan reader made them absolute
        InputStream stream = null;
        String streamName = null;
        Process process = null;
        byte[] secret = null;
        if (a.command() != null) {
            process = new ProcessBuilder("sh", "-c", a.command()).redirectError(ProcessBuilder.Redirect.INHERIT)
                    .directory(plan.file() == null ? null : plan.file().toAbsolutePath().getParent().toFile()).start();
            stream = new CommandOutput(process, a.command());
            streamName = a.streamName() != null ? a.streamName() : a.name();
        } else if (a.env() != null) {
            String value = env.get(a.env());
            if (value == null || value.isEmpty()) {
                throw new IOException("environment variable " + a.env() + " is not set or empty");
            }
            secret = value.getBytes(StandardCharsets.UTF_8);
            stream = new ByteArrayInputStream(secret);
            streamName = a.env();
        }
        BackupOptions o = new BackupOptions(stream == null ? paths : List.of(), stream, streamName, a.excludes(),
                new TreeMap<>(Map.of(DOMAIN_TAG, a.policy().domain())), a.name(), a.kind(), sites.hostname(),
                sites.username(), null, threads, clock);
        try {
            return new BackupEngine(repo, o, new BackupListener() { }).run();
        } finally {
            if (secret != null) {
                Arrays.fill(secret, (byte) 0);
            }
            if (process != null) {
                process.destroy();
            }
        }
    }

    /** Forgets what the asset's retention does not keep: never locked snapshots, nothing the model registry keeps. */
    private int applyRetention(Repository repo, AssetSpec a) throws IOException {
        if (a.policy().retention() == null) {
            return 0;
        }
        Set<Id> registered = new ModelRegistry(repo, clock, who()).protectedSnapshots().keySet();
        int forgotten = 0;
        for (Decision d : a.policy().retention().apply(Assets.of(repo).snapshots(a.name()), zone)) {
            if (d.keep() || registered.contains(d.snapshot().id()) || repo.lockedUntil(d.snapshot()) != null) {
                continue;
            }
            repo.forget(d.snapshot(), clock.instant(), sites.hostname(), sites.username(),
                    "plan retention of " + a.name() + ": " + String.join(", ", d.reasons()));
            forgotten++;
        }
        return forgotten;
    }

    /** A recovery point of every asset of the domain that has a live snapshot (or model version). */
    private RecoveryPoint recordPoint(Repository repo, List<AssetSpec> specs) throws IOException {
        Assets assets = Assets.of(repo);
        var view = new ModelRegistry(repo, clock, who()).view();
        List<String> members = new ArrayList<>();
        for (AssetSpec a : specs) {
            if (a.model() != null) {
                if (view.models().containsKey(a.model()) && view.model(a.model()).latest().isPresent()) {
                    members.add(a.model() + "@latest");
                }
            } else if (assets.get(a.name()).isPresent()) {
                members.add(a.name());
            }
        }
        if (members.isEmpty()) {
            return null;
        }
        RecoveryPoints points = new RecoveryPoints(repo, clock, who());
        RecoveryPoint last = view.recoveryPoints().stream().filter(p -> p.name().equals(RECOVERY_POINT))
                .reduce((a, b) -> b).orElse(null);
        RecoveryPoint next = points.preview(RECOVERY_POINT, members);
        if (last != null && last.members().equals(next.members()) && last.registry().equals(next.registry())) {
            return last; // nothing changed since the last one: the catalog does not grow with every run
        }
        return points.create(RECOVERY_POINT, next.members());
    }

    /** Stores the plan's text as applied, so that 'plan drift' can show what changed since. */
    private void recordPlan(Repository repo) throws IOException {
        if (plan.file() == null || !java.nio.file.Files.isRegularFile(plan.file())) {
            return;
        }
        String text = java.nio.file.Files.readString(plan.file());
        ModelRegistry registry = new ModelRegistry(repo, clock, who());
        var applied = registry.view().plans();
        String digest = Id.sha256(text.getBytes(StandardCharsets.UTF_8)).hex();
        if (applied.isEmpty() || !applied.get(applied.size() - 1).digest().equals(digest)) { // unchanged: nothing to add
            registry.recordPlan(text);
        }
    }

    private static Within lockOf(List<AssetSpec> specs) {
        Within lock = null;
        for (AssetSpec a : specs) {
            Within w = a.policy().retentionLock();
            if (w != null && (lock == null || longer(w, lock))) {
                lock = w;
            }
        }
        return lock;
    }

    private static boolean longer(Within a, Within b) {
        Instant t = Instant.parse("2000-01-01T00:00:00Z");
        return a.after(t).isAfter(b.after(t));
    }

    private void raiseLock(Repository repo, List<AssetSpec> specs) throws IOException {
        Within wanted = lockOf(specs);
        if (wanted == null) {
            return;
        }
        Within current = repo.retentionLock();
        if (current == null || longer(wanted, current)) {
            repo.raiseRetentionLock(wanted, clock.instant());
        }
    }

    private String who() {
        return sites.username() + "@" + sites.hostname();
    }

    static Map<String, Object> details(Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    /** A command's standard output that fails at its end if the command failed, so no snapshot of a partial stream is kept. */
    private static final class CommandOutput extends FilterInputStream {
        private final Process process;
        private final String command;

        CommandOutput(Process process, String command) {
            super(process.getInputStream());
            this.process = process;
            this.command = command;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            return b < 0 ? end() : b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            return n < 0 ? end() : n;
        }

        private int end() throws IOException {
            try {
                int code = process.waitFor();
                if (code != 0) {
                    throw new IOException("command '" + command + "' exited with status " + code
                            + "; its output was not kept");
                }
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted waiting for '" + command + "'");
            }
        }
    }
}
