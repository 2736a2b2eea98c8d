package io.lifeboat.catalog;

import io.lifeboat.core.Id;
import io.lifeboat.core.IntegrityException;
import io.lifeboat.core.Repository;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.SnapshotNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * What a repository protects: its assets, each the snapshots that carry its name. An asset
 * exists only through its snapshots; nothing else is stored for it. A snapshot without an
 * asset name belongs to no asset, and is only counted ({@link #unassignedSnapshots()}).
 *
 * <p>An asset's kind is its latest snapshot's. Snapshots of one asset that disagree on
 * their kind are not an error (a kind can be corrected by the next backup); each such
 * asset gets a line in {@link #warnings()}.
 *
 * <p>Immutable: a view of the live (not soft-deleted) snapshots at the time it was read.
 * Thread-safe.
 */
public final class Assets {
    /** The kinds an asset can have, sorted. */
    public static final Set<String> KINDS = Collections.unmodifiableSet(new java.util.TreeSet<>(Set.of("checkpoint",
            "config", "dataset", "environment", "model", "registry", Snapshot.SECRET_KIND)));

    /** Separates an asset's name from a snapshot in a reference: {@code NAME@latest}, {@code NAME@ID}. */
    public static final char REFERENCE_SEPARATOR = '@';

    /** The snapshot part of a reference that names an asset's newest snapshot. */
    public static final String LATEST = "latest";

    /**
     * One asset and a summary of its snapshots.
     *
     * @param name      the asset's name
     * @param kind      its latest snapshot's kind, or null if that has none
     * @param snapshots how many live snapshots it has (at least one)
     * @param latest    its newest snapshot
     * @param first     when its oldest snapshot was taken
     */
    public record Asset(String name, String kind, int snapshots, Snapshot latest, Instant first) {
        public Asset {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(latest, "latest");
            Objects.requireNonNull(first, "first");
            if (snapshots < 1) {
                throw new IllegalArgumentException("an asset has at least one snapshot");
            }
        }

        public Id latestId() {
            return latest.id();
        }

        public Instant latestTime() {
            return latest.time();
        }

        /** The size of the latest snapshot's files, as restored. */
        public long latestBytes() {
            return latest.summary().totalBytes();
        }

        /** How long before {@code now} the latest snapshot was taken (negative if after: clocks disagree). */
        public Duration age(Instant now) {
            return Duration.between(latest.time(), now);
        }
    }

    private final SortedMap<String, List<Snapshot>> byName;
    private final List<Asset> assets;
    private final int unassigned;
    private final List<String> warnings;

    private Assets(SortedMap<String, List<Snapshot>> byName, int unassigned) {
        this.byName = byName;
        this.unassigned = unassigned;
        List<Asset> list = new ArrayList<>();
        List<String> warn = new ArrayList<>();
        byName.forEach((name, snapshots) -> {
            Snapshot latest = snapshots.get(snapshots.size() - 1);
            list.add(new Asset(name, latest.kind(), snapshots.size(), latest, snapshots.get(0).time()));
            Set<String> kinds = new LinkedHashSet<>();
            snapshots.forEach(s -> kinds.add(s.kind() == null ? "(none)" : s.kind()));
            if (kinds.size() > 1) {
                warn.add("asset '" + name + "' has snapshots of different kinds (" + String.join(", ", kinds)
                        + "); it is listed as its latest snapshot's: " + (latest.kind() == null ? "(none)" : latest.kind()));
            }
        });
        this.assets = List.copyOf(list);
        this.warnings = List.copyOf(warn);
    }

    /**
     * The assets of a repository's live snapshots; damaged snapshots are skipped ({@code check}
     * reports them).
     */
    public static Assets of(Repository repository) throws IOException {
        return of(repository, e -> { });
    }

    /**
     * The assets of a repository's live snapshots, handing every damaged snapshot to
     * {@code damaged}: it may have been an asset's newest, so callers should say that
     * {@code latest} may be older than expected.
     */
    public static Assets of(Repository repository, Consumer<IntegrityException> damaged) throws IOException {
        return of(repository.snapshots(damaged));
    }

    /** The assets of these snapshots (in any order; oldest first is how a repository lists them). */
    public static Assets of(List<Snapshot> snapshots) {
        List<Snapshot> sorted = new ArrayList<>(snapshots);
        sorted.sort(Comparator.comparing(Snapshot::time)); // stable: ties keep the repository's order
        SortedMap<String, List<Snapshot>> byName = new TreeMap<>();
        int unassigned = 0;
        for (Snapshot s : sorted) {
            if (s.asset() == null || s.asset().isEmpty()) {
                unassigned++;
            } else {
                byName.computeIfAbsent(s.asset(), k -> new ArrayList<>()).add(s);
            }
        }
        byName.replaceAll((k, v) -> List.copyOf(v));
        return new Assets(Collections.unmodifiableSortedMap(byName), unassigned);
    }

    /** Every asset, by name. */
    public List<Asset> all() {
        return assets;
    }

    /** The assets whose kind (their latest snapshot's) is {@code kind}, by name. */
    public List<Asset> ofKind(String kind) {
        return assets.stream().filter(a -> kind.equals(a.kind())).toList();
    }

    /** The asset of this name, if any live snapshot carries it. */
    public Optional<Asset> get(String name) {
        return assets.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    /** An asset's live snapshots, oldest first; empty if there is no such asset. */
    public List<Snapshot> snapshots(String name) {
        return byName.getOrDefault(name, List.of());
    }

    /** How many live snapshots carry no asset name. */
    public int unassignedSnapshots() {
        return unassigned;
    }

    /** One line for each asset whose snapshots disagree on their kind. */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * The newest live snapshot of an asset.
     *
     * @throws SnapshotNotFoundException if no live snapshot carries that name
     */
    public Snapshot latest(String name) throws SnapshotNotFoundException {
        List<Snapshot> s = snapshots(name);
        if (s.isEmpty()) {
            throw new SnapshotNotFoundException(noSuchAsset(name));
        }
        return s.get(s.size() - 1);
    }

    /** Whether {@code ref} names a snapshot through its asset ({@code NAME@latest}, {@code NAME@ID}). */
    public static boolean isAssetReference(String ref) {
        return ref.lastIndexOf(REFERENCE_SEPARATOR) > 0;
    }

    /**
     * Resolves {@code NAME@latest} to the asset's newest live snapshot, or {@code NAME@ID}
     * (an id or a unique prefix of at least 4 hex digits) to that snapshot, which must be
     * one of the asset's. The name is everything before the last {@code @}.
     *
     * @throws SnapshotNotFoundException if the reference is malformed, there is no such
     *         asset, or the id matches none (or several) of its snapshots
     */
    public Snapshot resolve(String ref) throws SnapshotNotFoundException {
        int at = ref.lastIndexOf(REFERENCE_SEPARATOR);
        if (at <= 0 || at == ref.length() - 1) {
            throw new SnapshotNotFoundException("'" + ref + "' is not an asset reference (use NAME@latest or NAME@ID)");
        }
        String name = ref.substring(0, at);
        String which = ref.substring(at + 1);
        if (which.equals(LATEST)) {
            return latest(name);
        }
        if (which.length() < 4 || !which.matches("[0-9a-f]+")) {
            throw new SnapshotNotFoundException("'" + which + "' in '" + ref
                    + "' is not a snapshot id (use 'latest', or at least 4 hex digits)");
        }
        List<Snapshot> of = snapshots(name);
        if (of.isEmpty()) {
            throw new SnapshotNotFoundException(noSuchAsset(name));
        }
        List<Snapshot> matches = of.stream().filter(s -> s.id().hex().startsWith(which)).toList();
        if (matches.isEmpty()) {
            throw new SnapshotNotFoundException("asset '" + name + "' has no live snapshot " + which);
        }
        if (matches.size() > 1) {
            throw new SnapshotNotFoundException("snapshot id prefix " + which + " is ambiguous among the snapshots of asset '"
                    + name + "' (" + matches.size() + " match)");
        }
        return matches.get(0);
    }

    private static String noSuchAsset(String name) {
        return "no live snapshot belongs to asset '" + name + "' (it has none, or all were forgotten)";
    }
}
