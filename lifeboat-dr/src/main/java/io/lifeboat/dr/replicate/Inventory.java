package io.lifeboat.dr.replicate;

import io.lifeboat.core.RepositoryConfig;
import io.lifeboat.core.storage.BlobInfo;
import io.lifeboat.core.storage.BlobStore;
import io.lifeboat.core.storage.NoSuchBlobException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the source holds and the target lacks, per directory, from listings alone.
 *
 * <p>The source is listed in the reverse of the order replication copies (the catalog,
 * snapshots, tombstones, index, packs, keys). Writers store an object only after what it
 * refers to, so whatever a listed snapshot or index file refers to was stored before it
 * and shows in the later listing of its directory: a backup that ends while the listings
 * run cannot leave a snapshot in the plan whose packs are not.
 */
final class Inventory {
    /** Per directory, in copying order: the source's objects the target lacks, by name. */
    final Map<String, List<BlobInfo>> missing = new LinkedHashMap<>();
    /** Per directory: the source's objects the target already has. */
    final Map<String, Replicator.Counts> present = new LinkedHashMap<>();
    /** Per directory: objects the target has and the source has not (deleted at the source since they were copied). */
    final Map<String, Replicator.Counts> surplus = new LinkedHashMap<>();
    /** Names at the source, in the directories replication copies, that are not repository objects. */
    final List<String> skipped = new ArrayList<>();

    private Inventory() {}

    static Inventory take(BlobStore source, BlobStore target) throws IOException {
        Inventory inv = new Inventory();
        Map<String, List<BlobInfo>> sourceListing = listSource(source, inv.skipped);
        for (Phase phase : Phase.values()) {
            for (String dir : phase.directories()) {
                inv.compare(dir, sourceListing.get(dir), listTarget(target, dir));
            }
        }
        return inv;
    }

    /** The source's objects per directory, listed from the last phase to the first. */
    private static Map<String, List<BlobInfo>> listSource(BlobStore source, List<String> skipped) throws IOException {
        Map<String, List<BlobInfo>> out = new HashMap<>();
        Phase[] phases = Phase.values();
        for (int i = phases.length - 1; i >= 0; i--) {
            List<String> dirs = phases[i].directories();
            for (int j = dirs.size() - 1; j >= 0; j--) {
                out.put(dirs.get(j), list(source, dirs.get(j), skipped));
            }
        }
        return out;
    }

    private static List<BlobInfo> listTarget(BlobStore target, String dir) throws IOException {
        return list(target, dir, new ArrayList<>());
    }

    /** The repository objects of one directory; other names go to {@code skipped}. */
    private static List<BlobInfo> list(BlobStore store, String dir, List<String> skipped) throws IOException {
        if (dir.equals(RepositoryConfig.NAME)) {
            try {
                return List.of(store.stat(RepositoryConfig.NAME));
            } catch (NoSuchBlobException e) {
                return List.of();
            }
        }
        List<BlobInfo> out = new ArrayList<>();
        for (BlobInfo b : store.list(dir + "/")) {
            if (dir.equals(Phase.directoryOf(b.name()))) {
                out.add(b);
            } else {
                skipped.add(b.name());
            }
        }
        return out;
    }

    private void compare(String dir, List<BlobInfo> source, List<BlobInfo> target) {
        Map<String, BlobInfo> there = new HashMap<>();
        for (BlobInfo b : target) {
            there.put(b.name(), b);
        }
        List<BlobInfo> lacking = new ArrayList<>();
        long presentObjects = 0;
        long presentBytes = 0;
        for (BlobInfo b : source) {
            if (there.remove(b.name()) != null) {
                presentObjects++;
                presentBytes += b.size();
            } else {
                lacking.add(b);
            }
        }
        lacking.sort(Comparator.comparing(BlobInfo::name));
        missing.put(dir, lacking);
        present.put(dir, new Replicator.Counts(presentObjects, presentBytes));
        surplus.put(dir, Replicator.Counts.of(there.values()));
    }

    /** What is missing, as counts per directory. */
    Map<String, Replicator.Counts> missingCounts() {
        Map<String, Replicator.Counts> out = new LinkedHashMap<>();
        missing.forEach((dir, list) -> out.put(dir, Replicator.Counts.of(list)));
        return out;
    }

    /** The objects of one phase the target lacks. */
    List<BlobInfo> missing(Phase phase) {
        List<BlobInfo> out = new ArrayList<>();
        for (String dir : phase.directories()) {
            out.addAll(missing.get(dir));
        }
        return out;
    }
}
