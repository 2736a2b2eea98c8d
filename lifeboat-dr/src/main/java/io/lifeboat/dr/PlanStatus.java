package io.lifeboat.dr;

import io.lifeboat.catalog.ModelRegistry;
import io.lifeboat.catalog.RecoveryPoint;
import io.lifeboat.core.IntegrityException;
import io.lifeboat.core.Repository;
import io.lifeboat.core.storage.BlobStore;
import io.lifeboat.dr.plan.AssetSpec;
import io.lifeboat.dr.plan.Domains;
import io.lifeboat.dr.plan.Plan;
import io.lifeboat.dr.plan.Site;
import io.lifeboat.dr.replicate.Replicator;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code lifeboat plan status}: for every asset and every site that should hold it (the
 * primary and its {@code replicate-to} sites), the newest recovery point holding the
 * asset there, the age of its data (the achieved RPO) against the objective, and how far
 * the site's copy lags behind the primary's, in bytes and in time.
 */
public final class PlanStatus {
    private final Plan plan;
    private final SiteAccess sites;
    private final Clock clock;

    /**
     * One asset at one site.
     *
     * @param recoveryPoint the newest recovery point holding the asset there, or null
     * @param dataTime      when that recovery point's snapshot of the asset was taken, or null
     * @param age           now - dataTime (the achieved RPO), or null if there is none
     * @param lagObjects    objects of the domain's repository the site lacks (0 at the primary)
     * @param lagBytes      their bytes
     * @param lagTime       how much older the site's data is than the primary's, or null
     * @param breached      the objective is not met (no recovery point, or too old)
     * @param note          for people: why there is nothing, or a refusal
     */
    public record Row(String asset, String site, String domain, RecoveryPoint recoveryPoint, Instant dataTime, Duration age,
                      Duration rpo, long lagObjects, long lagBytes, Duration lagTime, boolean breached, String note) {}

    public PlanStatus(Plan plan, SiteAccess sites, Clock clock) {
        this.plan = plan;
        this.sites = sites;
        this.clock = clock;
    }

    public List<Row> rows() throws IOException {
        Instant now = clock.instant();
        Map<String, SiteState> states = new HashMap<>();
        List<Row> rows = new ArrayList<>();
        try {
            for (AssetSpec a : plan.assets()) {
                String domain = a.policy().domain();
                Site primary = plan.primary();
                if (!a.policy().allows(primary.jurisdiction())) {
                    rows.add(new Row(a.name(), primary.name(), domain, null, null, null, a.policy().rpo(), 0, 0, null,
                            true, "refused by residency: the asset is protected nowhere"));
                    continue;
                }
                SiteState p = state(states, primary, domain);
                Found atPrimary = p.newest(a);
                rows.add(row(a, primary, domain, atPrimary, 0, 0, null, now, p.note));
                for (String name : a.policy().replicateTo()) {
                    Site s = plan.site(name).orElse(null);
                    if (s == null) {
                        continue;
                    }
                    if (!Domains.allows(domain, s.jurisdiction())) {
                        rows.add(new Row(a.name(), s.name(), domain, null, null, null, a.policy().rpo(), 0, 0, null, false,
                                "refused by residency (" + domain + " excludes " + s.jurisdiction() + ")"));
                        continue;
                    }
                    SiteState st = state(states, s, domain);
                    Found found = st.newest(a);
                    Replicator.Counts lag = st.lag(p);
                    Duration lagTime = atPrimary == null || atPrimary.time == null ? null
                            : found == null || found.time == null ? Duration.between(atPrimary.time, now)
                            : Duration.between(found.time, atPrimary.time).isNegative() ? Duration.ZERO
                            : Duration.between(found.time, atPrimary.time);
                    rows.add(row(a, s, domain, found, lag == null ? 0 : lag.objects(), lag == null ? 0 : lag.bytes(),
                            lagTime, now, st.note));
                }
            }
        } finally {
            for (SiteState s : states.values()) {
                s.close();
            }
        }
        return rows;
    }

    private static Row row(AssetSpec a, Site s, String domain, Found f, long lagObjects, long lagBytes, Duration lagTime,
                           Instant now, String note) {
        Duration rpo = a.policy().rpo();
        if (f == null) {
            return new Row(a.name(), s.name(), domain, null, null, null, rpo, lagObjects, lagBytes, lagTime, true,
                    note != null ? note : "no recovery point holds it yet");
        }
        if (f.time == null) {
            return new Row(a.name(), s.name(), domain, f.point, null, null, rpo, lagObjects, lagBytes, lagTime, true,
                    "recovery point " + f.point.id().shortHex() + " names a snapshot this site does not have (damaged"
                            + " or pruned): 'lifeboat check' there");
        }
        Duration age = Duration.between(f.time, now);
        return new Row(a.name(), s.name(), domain, f.point, f.time, age, rpo, lagObjects, lagBytes, lagTime,
                age.compareTo(rpo) > 0, null);
    }

    private SiteState state(Map<String, SiteState> states, Site site, String domain) throws IOException {
        String key = site.name() + "\0" + domain;
        SiteState s = states.get(key);
        if (s == null) {
            s = new SiteState(site, domain);
            states.put(key, s);
        }
        return s;
    }

    /** @param time the data's time, or null if the point's snapshot of the asset is missing at the site */
    private record Found(RecoveryPoint point, Instant time) {}

    /** One domain's repository at one site, opened once per run. */
    private final class SiteState {
        final Site site;
        final String domain;
        final Repository repo;
        final List<RecoveryPoint> points;
        final String note;
        Replicator.Counts lag;

        SiteState(Site site, String domain) throws IOException {
            this.site = site;
            this.domain = domain;
            Repository r = null;
            String n = null;
            List<RecoveryPoint> p = List.of();
            try {
                if (sites.exists(site, domain)) {
                    r = sites.open(site, domain);
                    p = new ModelRegistry(r, clock, "status").view().recoveryPoints();
                } else {
                    n = "no repository for " + domain + " at " + site.name();
                }
            } catch (IOException e) {
                // A site that cannot be read is what status is for: report a breach, go on with the others.
                if (r != null) {
                    r.close();
                    r = null;
                }
                if (e instanceof io.lifeboat.core.WrongPassphraseException) {
                    throw e;
                }
                n = "cannot read it: " + e.getMessage();
                p = List.of();
            }
            this.repo = r;
            this.points = p;
            this.note = n;
        }

        Found newest(AssetSpec a) throws IOException {
            for (int i = points.size() - 1; i >= 0; i--) {
                for (RecoveryPoint.Member m : points.get(i).members()) {
                    boolean match = m.role() == RecoveryPoint.Role.ASSET && (a.model() != null
                            ? a.model().equals(m.model()) : a.name().equals(m.asset()));
                    if (match) {
                        // A model is protected through the registry: its data is as fresh as the point that holds it.
                        return new Found(points.get(i), a.model() != null ? points.get(i).time() : snapshotTime(m));
                    }
                }
            }
            return null;
        }

        /** The snapshot's time, or null if it is missing or damaged at this site (then the point restores nothing of it). */
        private Instant snapshotTime(RecoveryPoint.Member m) throws IOException {
            try {
                return repo.loadSnapshot(m.snapshot()).time();
            } catch (IntegrityException e) {
                return null;
            }
        }

        /** What this site lacks of the primary's repository (all of it when it has none yet). */
        Replicator.Counts lag(SiteState primary) throws IOException {
            if (lag == null && primary.repo != null) {
                try (BlobStore source = sites.store(primary.site, domain, false, false)) {
                    if (repo == null) {
                        lag = Replicator.Counts.ZERO;
                        for (io.lifeboat.core.storage.BlobInfo b : source.list("")) {
                            lag = lag.plus(new Replicator.Counts(1, b.size()));
                        }
                    } else {
                        try (BlobStore target = sites.store(site, domain, false, false)) {
                            lag = Replicator.lag(source, target).total();
                        } catch (IOException e) {
                            // a replica of another repository (a primary started afresh): all of it is missing
                            lag = Replicator.Counts.ZERO;
                            for (io.lifeboat.core.storage.BlobInfo b : source.list("")) {
                                lag = lag.plus(new Replicator.Counts(1, b.size()));
                            }
                        }
                    }
                }
            }
            return lag;
        }

        void close() throws IOException {
            if (repo != null) {
                repo.close();
            }
        }
    }
}
