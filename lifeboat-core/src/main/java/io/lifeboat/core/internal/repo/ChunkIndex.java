package io.lifeboat.core.internal.repo;

import io.lifeboat.core.Id;
import io.lifeboat.core.internal.format.BlobType;
import io.lifeboat.core.internal.format.PackEntry;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-memory index: blob id -> where it is stored. When a blob is listed in several
 * packs (two concurrent backups stored it twice), the first one seen is the one read; any
 * intact copy is as good as another. The others are kept for {@code check}, and for
 * readers to fall back on when the first copy is damaged or its pack is missing. Adding
 * an entry equal to one already held changes nothing.
 *
 * <p>Thread-safe. Writers ({@link #add}, {@link #addAll}) take turns; readers take no lock
 * and see every entry whose {@code add} finished before they began. {@link #all} and
 * {@link #allCopies} are views of the entries present when they were called.
 *
 * <p>Compact: the first copy of each blob is one 48-byte record in an {@link EntryTable}
 * (the blob id, then a pack ordinal, offset, lengths and type packed into two longs) and
 * a 4-byte hash slot or two; no object per blob. Each pack's id is held once, in a
 * {@link PackTable}. The rare further copies, and offsets of 4 GiB and more, are kept in
 * small side maps. The entries {@link #get} and the views return are built on each call
 * and share their pack's id.
 */
public final class ChunkIndex {
    private static final BlobType[] TYPES = typesByCode();
    private static final long TYPE_BIT = 1L;
    /** Set when the offset does not fit 32 bits and is in {@link #bigOffsets}. */
    private static final long BIG_OFFSET_BIT = 1L << 1;
    private static final long INT31 = 0x7fff_ffffL;

    private final ReentrantLock writer = new ReentrantLock();
    /** One record per blob: its first copy, payload words as in {@link #append}. */
    private final EntryTable table = new EntryTable();
    private final PackTable packs = new PackTable();
    /** Entry number -> offset, for offsets of 2^32 and more. */
    private final Map<Integer, Long> bigOffsets = new ConcurrentHashMap<>();
    /** Further copies of blobs stored in more than one pack: immutable lists, replaced whole. */
    private final Map<Id, List<PackEntry>> copies = new ConcurrentHashMap<>();

    public void add(PackEntry e) {
        writer.lock();
        try {
            addLocked(e);
        } finally {
            writer.unlock();
        }
    }

    public void addAll(Collection<PackEntry> es) {
        writer.lock();
        try {
            for (PackEntry e : es) {
                addLocked(e);
            }
        } finally {
            writer.unlock();
        }
    }

    /**
     * Packs a prune plan marked for deletion (format section 18): readers take another
     * copy of a blob when there is one, and backups do not reuse blobs only they hold.
     */
    private volatile Set<Id> doomed = Set.of();

    /** Marks the packs of the pending prune plans; replaces the earlier set. */
    public void doom(Set<Id> packs) {
        doomed = Set.copyOf(packs);
    }

    /** The packs of pending prune plans, as last set by {@link #doom}. */
    public Set<Id> doomed() {
        return doomed;
    }

    /**
     * Where the blob is stored, or null. Of several copies, one in a pack no prune plan
     * marked is preferred.
     */
    public PackEntry get(Id id) {
        int entry = find(id);
        if (entry < 0) {
            return null;
        }
        PackEntry first = entry(entry, id);
        Set<Id> d = doomed;
        if (d.isEmpty() || !d.contains(first.pack())) {
            return first;
        }
        List<PackEntry> more = copies.get(id);
        if (more != null) {
            for (PackEntry e : more) {
                if (!d.contains(e.pack())) {
                    return e;
                }
            }
        }
        return first;
    }

    /** Whether any index lists the blob, in whatever pack. */
    public boolean contains(Id id) {
        return find(id) >= 0;
    }

    /**
     * Whether a backup may reference the blob instead of storing it: some copy is in a
     * pack that no pending prune plan marked for deletion.
     */
    public boolean reusable(Id id) {
        int entry = find(id);
        if (entry < 0) {
            return false;
        }
        Set<Id> d = doomed;
        return d.isEmpty() || !d.contains(get(id).pack());
    }

    /**
     * The blob's entry number: dense, from 0 to {@link #size()} - 1 in the order blobs were
     * first added (the position in {@link #all}); -1 if the blob is not indexed. For bit
     * sets over the blobs.
     */
    public int ordinal(Id id) {
        return find(id);
    }

    /** The id of the blob with entry number {@code ordinal} (see {@link #ordinal}). */
    public Id id(int ordinal) {
        if (ordinal < 0 || ordinal >= table.size()) {
            throw new IndexOutOfBoundsException(ordinal);
        }
        return Id.ofWords(table.word(ordinal, 0), table.word(ordinal, 1), table.word(ordinal, 2), table.word(ordinal, 3));
    }

    /** Number of blobs (not copies). */
    public int size() {
        return table.size();
    }

    /** One entry per blob: its first copy, in the order the blobs were first added. */
    public Collection<PackEntry> all() {
        return new Entries(table.size(), List.of());
    }

    /**
     * Every indexed copy of one blob, the one {@link #get} returns first (copies in packs
     * a prune plan marked come last); empty if the blob is in no index. Readers fall back to the others when the first is damaged.
     */
    public List<PackEntry> copiesOf(Id id) {
        int entry = find(id);
        if (entry < 0) {
            return List.of();
        }
        PackEntry first = entry(entry, id);
        List<PackEntry> more = copies.get(id);
        if (more == null) {
            return List.of(first);
        }
        List<PackEntry> out = new ArrayList<>(more.size() + 1);
        out.add(first);
        out.addAll(more);
        Set<Id> d = doomed;
        if (!d.isEmpty()) {
            out.sort(java.util.Comparator.comparing(e -> d.contains(e.pack()))); // stable: undoomed copies first
        }
        return out;
    }

    /** Every indexed copy of every blob, duplicates included. */
    public List<PackEntry> allCopies() {
        int n = table.size();
        List<PackEntry> more = new ArrayList<>();
        copies.values().forEach(more::addAll);
        return new Entries(n, more);
    }

    /** Heap bytes of the blob and pack tables: all but the rare side maps. */
    long footprintBytes() {
        return table.footprintBytes() + packTableBytes();
    }

    /** Heap bytes of the pack table. */
    long packTableBytes() {
        return packs.footprintBytes();
    }

    private void addLocked(PackEntry e) {
        Id id = e.id();
        int entry = find(id);
        if (entry < 0) {
            append(e);
            return;
        }
        if (!entry(entry, id).equals(e)) {
            copies.compute(id, (k, list) -> withCopy(list, e));
        }
    }

    private static List<PackEntry> withCopy(List<PackEntry> list, PackEntry e) {
        if (list == null) {
            return List.of(e);
        }
        if (list.contains(e)) {
            return list;
        }
        List<PackEntry> out = new ArrayList<>(list);
        out.add(e);
        return List.copyOf(out);
    }

    /**
     * Payload word 0: the offset's low 32 bits, then the pack ordinal. Word 1: length (31
     * bits), raw length (31 bits), whether the offset is in {@link #bigOffsets}, type.
     */
    private void append(PackEntry e) {
        boolean big = e.offset() >>> 32 != 0;
        long p0 = (big ? 0 : e.offset() << 32) | packs.ordinal(e.pack());
        long p1 = (long) e.length() << 33 | (long) e.rawLength() << 2 | (big ? BIG_OFFSET_BIT : 0) | e.type().code();
        Id id = e.id();
        if (big) {
            // Visible before the entry is: the table publishes the entry after this put.
            bigOffsets.put(table.size(), e.offset());
        }
        table.append(id.word(0), id.word(1), id.word(2), id.word(3), p0, p1);
    }

    private int find(Id id) {
        return table.find(id.word(0), id.word(1), id.word(2), id.word(3));
    }

    /** Entry number {@code entry}, whose blob id is {@code id} or, if null, read from the table. */
    private PackEntry entry(int entry, Id id) {
        long p0 = table.word(entry, 4);
        long p1 = table.word(entry, 5);
        Id blob = id != null ? id
                : Id.ofWords(table.word(entry, 0), table.word(entry, 1), table.word(entry, 2), table.word(entry, 3));
        long offset = (p1 & BIG_OFFSET_BIT) != 0 ? bigOffsets.get(entry) : p0 >>> 32;
        return new PackEntry(packs.id((int) p0), TYPES[(int) (p1 & TYPE_BIT)], blob, offset, (int) (p1 >>> 33),
                (int) (p1 >>> 2 & INT31));
    }

    private static BlobType[] typesByCode() {
        BlobType[] types = new BlobType[2];
        for (BlobType t : BlobType.values()) {
            if (t.code() >>> 1 != 0) {
                throw new IllegalStateException("the chunk index packs a blob type in one bit; " + t + " needs more");
            }
            types[t.code()] = t;
        }
        return types;
    }

    /**
     * The first {@code n} entries of the table followed by {@code more}: what {@link #all}
     * and {@link #allCopies} return, built one entry at a time as it is read.
     */
    private final class Entries extends AbstractList<PackEntry> implements RandomAccess {
        private final int n;
        private final List<PackEntry> more;

        Entries(int n, List<PackEntry> more) {
            this.n = n;
            this.more = more;
        }

        @Override
        public PackEntry get(int i) {
            if (i < 0 || i >= size()) {
                throw new IndexOutOfBoundsException(i);
            }
            return i < n ? entry(i, null) : more.get(i - n);
        }

        @Override
        public int size() {
            return n + more.size();
        }
    }
}
