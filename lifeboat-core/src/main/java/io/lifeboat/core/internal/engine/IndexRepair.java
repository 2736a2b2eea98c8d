package io.lifeboat.core.internal.engine;

import io.lifeboat.core.Id;
import io.lifeboat.core.IntegrityException;
import io.lifeboat.core.Repository;
import io.lifeboat.core.internal.format.PackEntry;
import io.lifeboat.core.internal.format.Packs;
import io.lifeboat.core.storage.BlobInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code repair index}: rebuilds what the index lacks from the packs themselves.
 *
 * <ol>
 *   <li>Loads every index file; the damaged ones (unreadable, failing authentication,
 *       malformed) are noted.</li>
 *   <li>Lists the packs; each pack no readable index file lists has its header read
 *       (two ranged reads) and its entries gathered. A pack whose header cannot be read
 *       is reported and left alone: nothing can index it, and {@code check} names it.</li>
 *   <li>Writes new index files for the gathered packs ({@value #PACKS_PER_INDEX} packs per
 *       file), and only then deletes the damaged index files, whose packs are all listed
 *       again by now (as far as their headers can be read).</li>
 * </ol>
 *
 * Safe while backups run: a pack a backup stored but has not indexed yet is indexed here
 * too, which only lists it twice (index files may overlap); nothing but damaged index
 * files is ever deleted. With {@code dryRun} it reads everything and writes nothing.
 */
public final class IndexRepair {
    /** Packs listed per new index file. */
    static final int PACKS_PER_INDEX = 64;

    private final Repository repo;
    private final int threads;

    /** What a repair found and did. */
    public record Report(int packs, int packsIndexed, List<Id> packsReindexed, long blobsReindexed,
                         List<String> damagedIndexFiles, List<String> unreadablePacks, List<Id> indexFilesWritten,
                         List<String> indexFilesRemoved) {
        /** Whether the index now lists every pack whose header can be read. */
        public boolean complete() {
            return unreadablePacks.isEmpty();
        }
    }

    public IndexRepair(Repository repo, int threads) {
        this.repo = repo;
        this.threads = Math.max(1, threads);
    }

    public Report run(boolean dryRun) throws IOException {
        List<String> damaged = new ArrayList<>();
        for (IntegrityException e : repo.loadIndex()) {
            damaged.add(e.objectName());
        }
        Set<Id> indexed = new HashSet<>();
        for (PackEntry e : repo.index().allCopies()) {
            indexed.add(e.pack());
        }
        List<Id> packs = new ArrayList<>();
        for (BlobInfo info : repo.store().list(Repository.DATA + "/")) {
            Id id = Packs.idOf(info.name());
            if (id != null) {
                packs.add(id);
            }
        }
        Collections.sort(packs);
        List<Id> missing = packs.stream().filter(p -> !indexed.contains(p)).toList();
        Map<Id, List<PackEntry>> found = new ConcurrentHashMap<>();
        Map<Id, String> unreadable = new ConcurrentHashMap<>();
        Parallel.forEach(missing, threads, "lifeboat-repair", pack -> {
            try {
                found.put(pack, Packs.readHeader(pack, repo.store(), repo.envelope()));
            } catch (IntegrityException e) {
                unreadable.put(pack, e.getMessage());
            }
        });
        List<Id> reindexed = missing.stream().filter(found::containsKey).toList();
        long blobs = reindexed.stream().mapToLong(p -> found.get(p).size()).sum();
        List<Id> written = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        if (!dryRun) {
            Map<Id, List<PackEntry>> batch = new LinkedHashMap<>();
            for (Id pack : reindexed) {
                batch.put(pack, found.get(pack));
                if (batch.size() == PACKS_PER_INDEX) {
                    written.add(save(batch));
                    batch = new LinkedHashMap<>();
                }
            }
            if (!batch.isEmpty()) {
                written.add(save(batch));
            }
            for (String name : damaged) {
                if (repo.store().delete(name)) {
                    removed.add(name);
                }
            }
        }
        List<String> unreadableList = unreadable.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(Map.Entry::getValue).toList();
        return new Report(packs.size(), packs.size() - missing.size(), reindexed, blobs, damaged, unreadableList, written,
                removed);
    }

    private Id save(Map<Id, List<PackEntry>> batch) throws IOException {
        Id id = repo.saveIndex(batch);
        batch.values().forEach(repo.index()::addAll);
        return id;
    }
}
