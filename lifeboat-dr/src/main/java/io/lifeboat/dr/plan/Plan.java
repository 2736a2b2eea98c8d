package io.lifeboat.dr.plan;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A protection plan ({@code lifeboat.yaml}, docs/plan.md): the sites that hold
 * repositories and the assets protected to them. Immutable; built by {@link PlanReader},
 * which checks every rule it can without touching storage.
 *
 * @param file      the file it was read from (for messages and relative paths), or null
 * @param locations where each value was written in {@code file} (paths such as
 *                  {@code sites[0].repository}), for messages that point at a line
 */
public record Plan(int version, List<Site> sites, List<AssetSpec> assets, Path file, Locations locations) {
    public Plan {
        sites = List.copyOf(sites);
        assets = List.copyOf(assets);
        locations = locations == null ? Locations.none() : locations;
    }

    /** A plan built in code, with no file locations. */
    public Plan(int version, List<Site> sites, List<AssetSpec> assets, Path file) {
        this(version, sites, assets, file, Locations.none());
    }

    /** The primary site (a valid plan has exactly one). */
    public Site primary() {
        return sites.stream().filter(s -> s.role() == Site.Role.PRIMARY).findFirst()
                .orElseThrow(() -> new IllegalStateException("the plan has no primary site"));
    }

    public Optional<Site> site(String name) {
        return sites.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public Optional<AssetSpec> asset(String name) {
        return assets.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    /** The secondary sites, in plan order. */
    public List<Site> secondaries() {
        return sites.stream().filter(s -> s.role() == Site.Role.SECONDARY).toList();
    }
}
