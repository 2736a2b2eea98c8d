package io.lifeboat.core.retention;

import io.lifeboat.core.Snapshot;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link RetentionPolicy} decided for one snapshot.
 *
 * @param snapshot the snapshot
 * @param group    the group it was decided in
 * @param keep     true to keep it, false to forget it
 * @param reasons  for a kept snapshot every rule that keeps it, e.g. {@code last 3},
 *                 {@code daily 2026-11-20}, {@code weekly 2026-W47}, {@code monthly 2026-11},
 *                 {@code yearly 2026}, {@code hourly 2026-11-20T14:00Z},
 *                 {@code within 30d of the newest}, {@code tag release}; for a forgotten one
 *                 the single reason {@value #NO_RULE}. Never empty.
 */
public record Decision(Snapshot snapshot, GroupKey group, boolean keep, List<String> reasons) {
    /** The reason given for every forgotten snapshot. */
    public static final String NO_RULE = "matched no keep rule";

    public Decision {
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(group, "group");
        reasons = List.copyOf(reasons);
        if (reasons.isEmpty()) {
            throw new IllegalArgumentException("a decision needs a reason");
        }
    }
}
