package io.lifeboat.core.retention;

import io.lifeboat.core.Snapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The group a snapshot belongs to: the values of the {@link GroupBy} properties in use.
 * A component is null when the policy does not group by it, so the key with every
 * component null is the single group of "no grouping".
 *
 * @param asset    the asset's name ({@code ""} for snapshots without one), or null
 * @param hostname the host name, or null
 * @param paths    the backed-up paths, sorted, or null
 */
public record GroupKey(String asset, String hostname, List<String> paths) implements Comparable<GroupKey> {
    private static final Comparator<String> TEXT = Comparator.nullsFirst(Comparator.naturalOrder());
    private static final Comparator<GroupKey> ORDER = Comparator.comparing(GroupKey::asset, TEXT)
            .thenComparing(GroupKey::hostname, TEXT)
            .thenComparing(GroupKey::paths, Comparator.nullsFirst(GroupKey::comparePaths));

    public GroupKey {
        if (paths != null) {
            List<String> sorted = new ArrayList<>(paths);
            sorted.sort(null);
            paths = List.copyOf(sorted);
        }
    }

    /** The key of {@code snapshot} when grouping by {@code by}. */
    public static GroupKey of(Snapshot snapshot, Set<GroupBy> by) {
        return new GroupKey(
                by.contains(GroupBy.ASSET) ? (snapshot.asset() == null ? "" : snapshot.asset()) : null,
                by.contains(GroupBy.HOST) ? snapshot.hostname() : null,
                by.contains(GroupBy.PATHS) ? snapshot.paths() : null);
    }

    /** Orders by asset, then host, then paths (element by element); absent components first. */
    @Override
    public int compareTo(GroupKey o) {
        return ORDER.compare(this, o);
    }

    /** For people: e.g. {@code asset training-data, host gpu-1, paths [/data/train]}, or {@code all snapshots}. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>(3);
        if (asset != null) {
            parts.add("asset " + (asset.isEmpty() ? "(none)" : asset));
        }
        if (hostname != null) {
            parts.add("host " + hostname);
        }
        if (paths != null) {
            parts.add("paths " + paths);
        }
        return parts.isEmpty() ? "all snapshots" : String.join(", ", parts);
    }

    private static int comparePaths(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }
}
