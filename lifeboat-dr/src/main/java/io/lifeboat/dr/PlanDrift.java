package io.lifeboat.dr;

import io.lifeboat.catalog.CatalogEvent;
import io.lifeboat.catalog.ModelRegistry;
import io.lifeboat.catalog.ModelVersion;
import io.lifeboat.catalog.RegistryView;
import io.lifeboat.core.Id;
import io.lifeboat.core.Repository;
import io.lifeboat.core.Snapshot;
import io.lifeboat.dr.plan.AssetSpec;
import io.lifeboat.dr.plan.Domains;
import io.lifeboat.dr.plan.Plan;
import io.lifeboat.dr.plan.Site;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code lifeboat plan drift}: what differs between the sites of a plan, domain by domain
 * (snapshots and registry versions present at one site and missing at another, aliases
 * pointing differently), and how the plan changed since the last {@code protect}.
 */
public final class PlanDrift {
    private final Plan plan;
    private final SiteAccess sites;
    private final Clock clock;

    /**
     * One difference.
     *
     * @param kind    {@code repository}, {@code snapshot}, {@code version}, {@code alias} or {@code plan}
     * @param site    the secondary site compared with the primary (null for {@code plan})
     * @param subject what differs (a snapshot id, {@code model@version}, {@code model@alias})
     * @param detail  for people
     */
    public record Difference(String kind, String domain, String site, String subject, String detail) {}

    public PlanDrift(Plan plan, SiteAccess sites, Clock clock) {
        this.plan = plan;
        this.sites = sites;
        this.clock = clock;
    }

    /** @param planText the plan file's current text */
    public List<Difference> run(String planText) throws IOException {
        List<Difference> out = new ArrayList<>();
        Site primary = plan.primary();
        Map<String, CatalogEvent.PlanApplied> lastPlans = new TreeMap<>();
        boolean anyPrimary = false;
        for (Map.Entry<String, Set<Site>> d : holders().entrySet()) {
            String domain = d.getKey();
            if (!sites.exists(primary, domain)) {
                out.add(new Difference("repository", domain, primary.name(), domain,
                        "the primary has no repository for " + domain + " yet (never protected)"));
                continue;
            }
            anyPrimary = true;
            try (Repository p = sites.open(primary, domain)) {
                RegistryView pv = new ModelRegistry(p, clock, "drift").view();
                if (!pv.plans().isEmpty()) {
                    lastPlans.put(domain, pv.plans().get(pv.plans().size() - 1));
                }
                for (Site s : d.getValue()) {
                    compare(out, domain, primary, p, pv, s);
                }
            }
        }
        if (anyPrimary) { // with no repository at the primary there is nothing to compare the plan with
            planChanges(out, lastPlans, planText);
        }
        return out;
    }

    /** Domain -> the secondary sites that should hold it (asked for, and allowed). */
    private Map<String, Set<Site>> holders() {
        Map<String, Set<Site>> out = new TreeMap<>();
        for (AssetSpec a : plan.assets()) {
            String domain = a.policy().domain();
            if (!a.policy().allows(plan.primary().jurisdiction())) {
                continue;
            }
            Set<Site> set = out.computeIfAbsent(domain, k -> new LinkedHashSet<>());
            for (String name : a.policy().replicateTo()) {
                plan.site(name).filter(s -> Domains.allows(domain, s.jurisdiction())).ifPresent(set::add);
            }
        }
        return out;
    }

    private void compare(List<Difference> out, String domain, Site primary, Repository p, RegistryView pv, Site s)
            throws IOException {
        if (!sites.exists(s, domain)) {
            out.add(new Difference("repository", domain, s.name(), domain, "no replica of " + domain + " at " + s.name()
                    + " yet ('lifeboat replicate')"));
            return;
        }
        try (Repository r = sites.open(s, domain)) {
            Map<Id, Snapshot> atPrimary = byId(p.snapshots());
            Map<Id, Snapshot> atSite = byId(r.snapshots());
            for (Snapshot x : atPrimary.values()) {
                if (!atSite.containsKey(x.id())) {
                    out.add(new Difference("snapshot", domain, s.name(), x.id().hex(), describe(x) + " is at "
                            + primary.name() + ", not at " + s.name()));
                }
            }
            for (Snapshot x : atSite.values()) {
                if (!atPrimary.containsKey(x.id())) {
                    out.add(new Difference("snapshot", domain, s.name(), x.id().hex(), describe(x) + " is at " + s.name()
                            + " only"));
                }
            }
            compareRegistry(out, domain, primary, pv, s, new ModelRegistry(r, clock, "drift").view());
        }
    }

    private static void compareRegistry(List<Difference> out, String domain, Site primary, RegistryView pv, Site s,
                                        RegistryView sv) {
        Set<String> models = new TreeSet<>(pv.models().keySet());
        models.addAll(sv.models().keySet());
        for (String m : models) {
            Map<Integer, ModelVersion> a = live(pv, m);
            Map<Integer, ModelVersion> b = live(sv, m);
            for (Integer v : a.keySet()) {
                if (!b.containsKey(v)) {
                    out.add(new Difference("version", domain, s.name(), m + "@" + v, m + "@" + v + " is live at "
                            + primary.name() + ", not at " + s.name()));
                }
            }
            for (Integer v : b.keySet()) {
                if (!a.containsKey(v)) {
                    out.add(new Difference("version", domain, s.name(), m + "@" + v, m + "@" + v + " is live at " + s.name()
                            + " only"));
                }
            }
            Map<String, Integer> aa = pv.models().containsKey(m) ? pv.models().get(m).aliases() : Map.of();
            Map<String, Integer> ba = sv.models().containsKey(m) ? sv.models().get(m).aliases() : Map.of();
            Set<String> aliases = new TreeSet<>(aa.keySet());
            aliases.addAll(ba.keySet());
            for (String alias : aliases) {
                if (!Objects.equals(aa.get(alias), ba.get(alias))) {
                    out.add(new Difference("alias", domain, s.name(), m + "@" + alias, m + "@" + alias + " -> "
                            + version(aa.get(alias)) + " at " + primary.name() + ", " + version(ba.get(alias)) + " at "
                            + s.name()));
                }
            }
        }
    }

    /**
     * The plan as each domain's repository last had it applied, against the current text:
     * one difference per distinct applied version that differs, naming its domains.
     */
    private static void planChanges(List<Difference> out, Map<String, CatalogEvent.PlanApplied> applied, String text) {
        if (applied.isEmpty()) {
            out.add(new Difference("plan", null, null, "plan", "the plan was never applied ('lifeboat protect')"));
            return;
        }
        String digest = Id.sha256(text.getBytes(StandardCharsets.UTF_8)).hex();
        Map<String, List<String>> domainsByDigest = new TreeMap<>();
        Map<String, CatalogEvent.PlanApplied> byDigest = new TreeMap<>();
        applied.forEach((domain, pa) -> {
            if (!pa.digest().equals(digest)) {
                domainsByDigest.computeIfAbsent(pa.digest(), k -> new ArrayList<>()).add(domain);
                byDigest.merge(pa.digest(), pa, (a, b) -> a.time().isAfter(b.time()) ? a : b);
            }
        });
        for (Map.Entry<String, CatalogEvent.PlanApplied> e : byDigest.entrySet()) {
            CatalogEvent.PlanApplied last = e.getValue();
            List<String> domains = domainsByDigest.get(e.getKey());
            StringBuilder sb = new StringBuilder("the plan changed since protect applied it (" + String.join(", ", domains)
                    + ", at " + last.time() + "):");
            for (String line : diff(last.text().lines().toList(), text.lines().toList())) {
                sb.append("\n  ").append(line);
            }
            out.add(new Difference("plan", String.join(",", domains), null, "plan", sb.toString()));
        }
    }

    /**
     * The lines removed ({@code "- "}) and added ({@code "+ "}) from {@code a} to {@code b},
     * in order, by a longest common subsequence: a moved or repeated line shows where it
     * changed. Plans are small (1 MiB at most), so the quadratic table is fine.
     */
    static List<String> diff(List<String> a, List<String> b) {
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                i++;
                j++;
            } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
                out.add("- " + a.get(i++));
            } else {
                out.add("+ " + b.get(j++));
            }
        }
        return out;
    }

    private static Map<Integer, ModelVersion> live(RegistryView v, String model) {
        Map<Integer, ModelVersion> out = new TreeMap<>();
        if (v.models().containsKey(model)) {
            v.models().get(model).liveVersions().forEach(x -> out.put(x.version(), x));
        }
        return out;
    }

    private static String version(Integer v) {
        return v == null ? "(none)" : Integer.toString(v);
    }

    private static Map<Id, Snapshot> byId(List<Snapshot> list) {
        Map<Id, Snapshot> out = new TreeMap<>();
        list.forEach(s -> out.put(s.id(), s));
        return out;
    }

    private static String describe(Snapshot s) {
        return "snapshot " + s.id().shortHex() + (s.asset() == null ? "" : " of " + s.asset()) + " (" + s.time() + ")";
    }
}
