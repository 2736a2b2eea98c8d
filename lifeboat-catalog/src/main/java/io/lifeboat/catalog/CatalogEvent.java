package io.lifeboat.catalog;

import io.lifeboat.core.Id;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One immutable entry of a repository's catalog log. Events are stored as encrypted
 * objects under {@code catalog/} and never change; the registry at any moment is what the
 * events up to that moment add up to ({@link RegistryView}).
 *
 * <p>{@link #id()} is the name of the stored object (null before it is stored),
 * {@link #time()} the writer's clock when it wrote the event, {@link #who()} who wrote it
 * ({@code user@host}).
 */
public sealed interface CatalogEvent {
    Id id();

    Instant time();

    String who();

    /** The event with the name it was stored under. */
    CatalogEvent withId(Id id);

    /** A new model version: its number was claimed before this event was written. */
    record Registered(Id id, Instant time, String who, String model, int version, Id snapshot,
                      SortedMap<String, Double> metrics, SortedMap<String, String> params, Lineage lineage,
                      String codeRev) implements CatalogEvent {
        public Registered {
            common(time, who);
            Names.requireModel(model);
            Objects.requireNonNull(snapshot, "snapshot");
            if (version < 1) {
                throw new IllegalArgumentException("model versions start at 1: " + version);
            }
            metrics.forEach((k, v) -> {
                if (v == null || !Double.isFinite(v)) {
                    throw new IllegalArgumentException("metric " + k + " must be a finite number, not " + v);
                }
            });
            metrics = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(metrics));
            params = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(params));
        }

        @Override
        public Registered withId(Id newId) {
            return new Registered(newId, time, who, model, version, snapshot, metrics, params, lineage, codeRev);
        }
    }

    /** An alias now points at {@code version} (it pointed at {@code previous}, 0 if new). */
    record AliasSet(Id id, Instant time, String who, String model, String alias, int version, int previous)
            implements CatalogEvent {
        public AliasSet {
            common(time, who);
            Names.requireModel(model);
            Names.requireAlias(alias);
        }

        @Override
        public AliasSet withId(Id newId) {
            return new AliasSet(newId, time, who, model, alias, version, previous);
        }
    }

    /** A version was soft-deleted: its snapshot is forgotten and goes at a prune after the grace period. */
    record VersionDeleted(Id id, Instant time, String who, String model, int version, String reason)
            implements CatalogEvent {
        public VersionDeleted {
            common(time, who);
            Names.requireModel(model);
            reason = reason == null ? "" : reason;
        }

        @Override
        public VersionDeleted withId(Id newId) {
            return new VersionDeleted(newId, time, who, model, version, reason);
        }
    }

    /** A soft-deleted version was brought back. */
    record VersionUndeleted(Id id, Instant time, String who, String model, int version) implements CatalogEvent {
        public VersionUndeleted {
            common(time, who);
            Names.requireModel(model);
        }

        @Override
        public VersionUndeleted withId(Id newId) {
            return new VersionUndeleted(newId, time, who, model, version);
        }
    }

    /**
     * A recovery point: snapshots of several assets taken (or chosen) together, and the
     * registry as it stood at that instant.
     */
    record RecoveryPointCreated(Id id, Instant time, String who, String name, List<RecoveryPoint.Member> members,
                                List<RecoveryPoint.ModelState> registry) implements CatalogEvent {
        public RecoveryPointCreated {
            common(time, who);
            Names.requireRecoveryPoint(name);
            members = List.copyOf(members);
            registry = List.copyOf(registry);
        }

        @Override
        public RecoveryPointCreated withId(Id newId) {
            return new RecoveryPointCreated(newId, time, who, name, members, registry);
        }
    }

    /**
     * A protection plan was applied ({@code lifeboat protect}): its text as it was, so that
     * later changes can be shown ({@code plan drift}).
     *
     * @param digest hex SHA-256 of the plan's UTF-8 text
     */
    record PlanApplied(Id id, Instant time, String who, String digest, String text) implements CatalogEvent {
        public PlanApplied {
            common(time, who);
            Objects.requireNonNull(digest, "digest");
            Objects.requireNonNull(text, "text");
        }

        @Override
        public PlanApplied withId(Id newId) {
            return new PlanApplied(newId, time, who, digest, text);
        }
    }

    /** Where a model version came from: the dataset snapshot it was trained on. */
    record Lineage(Id datasetSnapshot, String datasetAsset, String datasetRef) {
        public Lineage {
            Objects.requireNonNull(datasetSnapshot, "datasetSnapshot");
        }
    }

    private static void common(Instant time, String who) {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(who, "who");
    }
}
