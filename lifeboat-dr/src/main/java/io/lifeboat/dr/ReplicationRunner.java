package io.lifeboat.dr;

import io.lifeboat.core.Repository;
import io.lifeboat.core.storage.BlobStore;
import io.lifeboat.dr.plan.AssetSpec;
import io.lifeboat.dr.plan.Domains;
import io.lifeboat.dr.plan.Plan;
import io.lifeboat.dr.plan.Site;
import io.lifeboat.dr.replicate.Replicator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code lifeboat replicate}: copies each residency domain's repository from the primary
 * site to the secondary sites its assets name in {@code replicate-to}, byte for byte
 * ({@link Replicator}). A domain goes to a site only if the site's jurisdiction is one
 * the domain allows; a {@code replicate-to} that asks for more is refused, explained and
 * audited, and nothing of that domain is written there, whatever else is asked.
 */
public final class ReplicationRunner {
    private final Plan plan;
    private final SiteAccess sites;
    private final AuditLog audit;
    private final Replicator.Options options;

    /**
     * One domain's replication to one site.
     *
     * @param undeleted tombstones removed at the site because their snapshot is live again at the primary
     */
    public record Copy(String site, String domain, List<String> assets, Replicator.Result result, String refused,
                       String failed, int undeleted) {
        Copy(String site, String domain, List<String> assets, Replicator.Result result, String refused, String failed) {
            this(site, domain, assets, result, refused, failed, 0);
        }
    }

    public ReplicationRunner(Plan plan, SiteAccess sites, AuditLog audit, Replicator.Options options) {
        this.plan = plan;
        this.sites = sites;
        this.audit = audit;
        this.options = options;
    }

    /**
     * @param only a secondary site's name, or null for all of them
     * @param listener progress of each copy
     */
    public List<Copy> run(String only, Replicator.Listener listener) throws IOException {
        if (only != null && plan.site(only).filter(s -> s.role() == Site.Role.SECONDARY).isEmpty()) {
            throw new IllegalArgumentException("no secondary site " + only + " in the plan (sites: "
                    + String.join(", ", plan.secondaries().stream().map(Site::name).toList()) + ")");
        }
        List<Copy> out = new ArrayList<>();
        for (Site target : plan.secondaries()) {
            if (only != null && !only.equals(target.name())) {
                continue;
            }
            for (Map.Entry<String, List<AssetSpec>> d : domainsFor(target).entrySet()) {
                out.add(copy(target, d.getKey(), d.getValue(), listener));
            }
        }
        return out;
    }

    /** Domain -> the assets of it that name {@code target} in replicate-to. */
    private Map<String, List<AssetSpec>> domainsFor(Site target) {
        Map<String, List<AssetSpec>> out = new TreeMap<>();
        for (AssetSpec a : plan.assets()) {
            if (a.policy().replicateTo().contains(target.name())) {
                out.computeIfAbsent(a.policy().domain(), k -> new ArrayList<>()).add(a);
            }
        }
        return out;
    }

    /**
     * Why the domain's repository at the primary must not go to {@code target} although the
     * domain allows it, or null: it holds snapshots (live or forgotten: both are data) of an
     * asset the plan now places elsewhere, or that were written for another domain. That
     * happens when an asset's residency changed after it was protected; a replica is a byte
     * copy of the whole repository, so one such snapshot holds the whole domain back.
     */
    private String misplaced(Repository src, Site primary, String domain) throws IOException {
        for (io.lifeboat.core.Snapshot s : src.allSnapshots(e -> { })) {
            String tagged = s.tags().get(Protector.DOMAIN_TAG);
            AssetSpec spec = s.asset() == null ? null : plan.asset(s.asset()).orElse(null);
            if (spec != null && !spec.policy().domain().equals(domain)) {
                return domain + " at " + primary.name() + " holds snapshot " + s.id().shortHex() + " of " + s.asset()
                        + ", whose residency is now " + spec.policy().residency() + " (domain " + spec.policy().domain()
                        + "); forget and prune that asset's snapshots there first";
            }
            if (tagged != null && !tagged.equals(domain)) {
                return domain + " at " + primary.name() + " holds snapshot " + s.id().shortHex() + " written for domain "
                        + tagged;
            }
        }
        return null;
    }

    /**
     * Removes the site's tombstones of snapshots that are live again at the primary
     * ({@code undelete} or {@code model undelete} there). Copying only adds objects, so
     * without this an undeleted snapshot would stay hidden at the replica, and a prune
     * there after a failover would delete data that is live. This needs the key (a
     * tombstone's snapshot is inside its sealed content), which is why it is here and not in
     * the keyless {@link Replicator}; it only ever removes tombstones, so it only keeps data.
     * A tombstone whose snapshot a prune removed at the primary stays: the replica keeps that
     * snapshot forgotten.
     */
    private int mirrorUndeletes(Repository src, Site target, String domain) throws IOException {
        try (Repository dst = sites.open(target, domain)) {
            java.util.Set<io.lifeboat.core.Id> live = new java.util.HashSet<>();
            src.snapshots().forEach(s -> live.add(s.id()));
            java.util.Set<io.lifeboat.core.Id> kept = new java.util.HashSet<>();
            src.tombstones(e -> { }).forEach(t -> kept.add(t.id()));
            int removed = 0;
            for (io.lifeboat.core.Tombstone t : dst.tombstones(e -> { })) {
                if (!kept.contains(t.id()) && live.contains(t.snapshot())
                        && dst.store().delete(Repository.DELETED + "/" + t.id().hex())) {
                    removed++;
                }
            }
            return removed;
        }
    }

    private Copy copy(Site target, String domain, List<AssetSpec> assets, Replicator.Listener listener) throws IOException {
        List<String> names = assets.stream().map(AssetSpec::name).toList();
        if (!Domains.allows(domain, target.jurisdiction())) {
            String why = "residency " + domain + " of " + String.join(", ", names) + " excludes site " + target.name()
                    + " (jurisdiction " + target.jurisdiction() + "): not replicated there";
            audit.record("residency-refused", Protector.details("assets", names, "site", target.name(), "jurisdiction",
                    target.jurisdiction(), "domain", domain, "operation", "replicate"));
            return new Copy(target.name(), domain, names, null, why, null);
        }
        Site primary = plan.primary();
        if (!sites.exists(primary, domain)) {
            return new Copy(target.name(), domain, names, null, null,
                    "the primary has no repository for " + domain + " yet: run 'lifeboat protect' first");
        }
        try (Repository src = sites.open(primary, domain)) { // opened once: each open derives a key (Argon2)
            String misplaced = misplaced(src, primary, domain);
            if (misplaced != null) {
                audit.record("residency-refused", Protector.details("site", target.name(), "jurisdiction",
                        target.jurisdiction(), "domain", domain, "operation", "replicate", "reason", misplaced));
                return new Copy(target.name(), domain, names, null, misplaced + ": nothing of " + domain
                        + " is replicated to " + target.name(), null);
            }
            BlobStore source = src.store();
            boolean locks = src.config().retentionLock() != null;
            try (BlobStore destination = sites.store(target, domain, true, locks)) {
                Replicator.Result r = new Replicator(source, destination, options, listener).run();
                int undeleted = options.dryRun() ? 0 : mirrorUndeletes(src, target, domain);
                audit.record("replicate", Protector.details("site", target.name(), "domain", domain, "assets", names,
                        "objects", r.totalCopied().objects(), "bytes", r.totalCopied().bytes(), "undeleted", undeleted));
                return new Copy(target.name(), domain, names, r, null, null, undeleted);
            }
        } catch (IOException e) {
            audit.record("replicate-failed", Protector.details("site", target.name(), "domain", domain, "reason",
                    String.valueOf(e.getMessage())));
            return new Copy(target.name(), domain, names, null, null, e.getMessage());
        }
    }
}
