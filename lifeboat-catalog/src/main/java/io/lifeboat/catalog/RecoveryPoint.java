package io.lifeboat.catalog;

import io.lifeboat.core.Id;
import io.lifeboat.core.Snapshot;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A consistency group: the snapshots of a set of assets that belong together, and the
 * model registry as it stood when they were grouped. Restoring it brings every member
 * back into one directory layout ({@link RecoveryPoints#restore}).
 *
 * @param id   the catalog event that recorded it
 * @param time when it was recorded
 */
public record RecoveryPoint(Id id, String name, Instant time, String who, List<Member> members,
                            List<ModelState> registry) {
    public RecoveryPoint {
        members = List.copyOf(members);
        registry = List.copyOf(registry);
    }

    /** Why a snapshot is part of a recovery point. */
    public enum Role {
        /** Named when the recovery point was created (or all assets, with {@code --all}). */
        ASSET,
        /** The dataset a member model version was trained on (its lineage). */
        LINEAGE;

        public String json() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Role fromJson(String s) {
            return valueOf(s.toUpperCase(java.util.Locale.ROOT));
        }
    }

    /**
     * One snapshot of a recovery point.
     *
     * @param asset   the asset's name (the snapshot's; a dataset without one is named after its snapshot)
     * @param kind    the asset's kind, or null
     * @param model   for a registered model version (or the lineage of one): the model, else null
     * @param version that model's version, 0 if none
     */
    public record Member(String asset, String kind, Id snapshot, Role role, String model, int version) {
        public Member {
            Objects.requireNonNull(asset, "asset");
            Objects.requireNonNull(snapshot, "snapshot");
            Objects.requireNonNull(role, "role");
        }

        public boolean secret() {
            return Snapshot.SECRET_KIND.equals(kind);
        }
    }

    /**
     * One model of the registry when the recovery point was recorded.
     *
     * @param aliases  alias -> version
     * @param versions live version -> its snapshot
     */
    public record ModelState(String model, SortedMap<String, Integer> aliases, SortedMap<Integer, Id> versions) {
        public ModelState {
            aliases = Collections.unmodifiableSortedMap(new TreeMap<>(aliases));
            versions = Collections.unmodifiableSortedMap(new TreeMap<>(versions));
        }
    }
}
