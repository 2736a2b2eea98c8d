package io.lifeboat.dr.plan;

import io.lifeboat.core.retention.RetentionPolicy;
import io.lifeboat.core.retention.Within;
import java.time.Duration;
import java.util.List;

/**
 * How an asset is protected.
 *
 * @param schedule      when a backup is due
 * @param rpo           the recovery point objective: the newest recovery point of the asset at
 *                      every site it is kept at must be younger than this
 * @param rto           the recovery time objective (measured by drills, later)
 * @param retention     which snapshots to keep, or null to keep all
 * @param retentionLock how long new objects are immutable (WORM), or null
 * @param residency     the jurisdictions the asset may be stored in; empty means anywhere
 * @param replicateTo   the secondary sites it is replicated to
 */
public record Policy(Schedule schedule, Duration rpo, Duration rto, RetentionPolicy retention, Within retentionLock,
                     List<String> residency, List<String> replicateTo) {
    public Policy {
        residency = List.copyOf(residency);
        replicateTo = List.copyOf(replicateTo);
    }

    /** The residency domain of the asset: which of a site's repositories holds it ({@link Domains}). */
    public String domain() {
        return Domains.of(residency);
    }

    /** Whether the asset may be stored at a site of this jurisdiction. */
    public boolean allows(String jurisdiction) {
        return residency.isEmpty() || residency.contains(jurisdiction);
    }
}
