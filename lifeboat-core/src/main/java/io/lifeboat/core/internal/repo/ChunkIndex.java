package io.lifeboat.core.internal.repo;

import io.lifeboat.core.Id;
import io.lifeboat.core.internal.format.PackEntry;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory index: blob id -> where it is stored. Thread-safe. When a blob is listed
 * in several packs (two concurrent backups stored it twice), the first one seen wins;
 * any copy is as good as another.
 */
public final class ChunkIndex {
    private final ConcurrentHashMap<Id, PackEntry> entries = new ConcurrentHashMap<>();

    public void add(PackEntry e) {
        entries.putIfAbsent(e.id(), e);
    }

    public void addAll(Collection<PackEntry> es) {
        for (PackEntry e : es) {
            add(e);
        }
    }

    /** Where the blob is stored, or null. */
    public PackEntry get(Id id) {
        return entries.get(id);
    }

    public boolean contains(Id id) {
        return entries.containsKey(id);
    }

    public int size() {
        return entries.size();
    }

    public Collection<PackEntry> all() {
        return entries.values();
    }
}
