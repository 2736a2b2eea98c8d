package io.lifeboat.core.internal.repo;

import io.lifeboat.core.Id;
import io.lifeboat.core.internal.format.PackEntry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The in-memory index: blob id -> where it is stored. Thread-safe. When a blob is listed
 * in several packs (two concurrent backups stored it twice), the first one seen is the
 * one read; any intact copy is as good as another. The others are kept for {@code check},
 * and for readers to fall back on when the first copy is damaged or its pack is missing.
 */
public final class ChunkIndex {
    private final ConcurrentHashMap<Id, PackEntry> entries = new ConcurrentHashMap<>();
    /** Further copies of blobs stored in more than one pack: rare, kept so check can verify them. */
    private final ConcurrentHashMap<Id, CopyOnWriteArrayList<PackEntry>> copies = new ConcurrentHashMap<>();

    public void add(PackEntry e) {
        PackEntry first = entries.putIfAbsent(e.id(), e);
        if (first != null && !first.equals(e)) {
            copies.computeIfAbsent(e.id(), k -> new CopyOnWriteArrayList<>()).addIfAbsent(e);
        }
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

    /** One entry per blob: the copy reads use. */
    public Collection<PackEntry> all() {
        return entries.values();
    }

    /**
     * Every indexed copy of one blob, the one {@link #get} returns first; empty if the
     * blob is in no index. Readers fall back to the others when the first is damaged.
     */
    public List<PackEntry> copiesOf(Id id) {
        PackEntry first = entries.get(id);
        if (first == null) {
            return List.of();
        }
        List<PackEntry> more = copies.get(id);
        if (more == null) {
            return List.of(first);
        }
        List<PackEntry> out = new ArrayList<>(more.size() + 1);
        out.add(first);
        out.addAll(more);
        return out;
    }

    /** Every indexed copy of every blob, duplicates included. */
    public List<PackEntry> allCopies() {
        List<PackEntry> out = new ArrayList<>(entries.values());
        copies.values().forEach(out::addAll);
        return out;
    }
}
