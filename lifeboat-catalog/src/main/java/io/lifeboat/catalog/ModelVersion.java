package io.lifeboat.catalog;

import io.lifeboat.core.Id;
import java.time.Instant;
import java.util.List;
import java.util.SortedMap;

/**
 * One version of a registered model, as the registry stood at some moment.
 *
 * @param snapshot the snapshot holding its artifacts
 * @param aliases  the aliases pointing at it at that moment
 * @param deleted  its soft deletion, or null while it is live
 */
public record ModelVersion(String model, int version, Id snapshot, Instant registered, String registeredBy,
                           SortedMap<String, Double> metrics, SortedMap<String, String> params,
                           CatalogEvent.Lineage lineage, String codeRev, List<String> aliases, Deletion deleted) {
    public ModelVersion {
        aliases = List.copyOf(aliases);
    }

    /** A soft deletion: when, by whom and why. */
    public record Deletion(Instant time, String who, String reason) {}

    public boolean live() {
        return deleted == null;
    }

    /** {@code NAME@VERSION}. */
    public String ref() {
        return model + "@" + version;
    }
}
