package io.lifeboat.core.internal.repo;

import io.lifeboat.core.Id;
import java.util.Arrays;

/**
 * The packs an index refers to, numbered from 0 in the order first seen: ordinal -> id for
 * everyone, id -> ordinal for the writer. Each pack's {@code Id} is held once and shared by
 * every entry read from the index, as it was shared by the entries loaded. About 60 bytes
 * per pack: the {@code Id}, its reference and a 4-byte hash slot or two.
 *
 * <p>Thread safety: one writer at a time (the caller serialises {@link #ordinal}), any number
 * of readers of {@link #id}. The writer stores an id, and publishes a grown array through a
 * volatile field, before it numbers any entry with that ordinal; a reader asks only for
 * ordinals it has read from an entry published after that, so it sees the id.
 */
final class PackTable {
    private volatile Id[] ids = new Id[64];
    /** Ordinal + 1, 0 for empty; probed linearly. Used by the writer alone. */
    private int[] slots = new int[128];
    private int size;

    /** The pack with this ordinal, which an entry read by this thread holds. */
    Id id(int ordinal) {
        return ids[ordinal];
    }

    /** This pack's ordinal, numbering it if it is new. Only the writer calls this. */
    int ordinal(Id pack) {
        Id[] known = ids;
        int pos = EntryTable.home(pack.word(0), pack.word(1), pack.word(2), pack.word(3), slots.length);
        for (; slots[pos] != 0; pos = pos + 1 == slots.length ? 0 : pos + 1) {
            if (known[slots[pos] - 1].equals(pack)) {
                return slots[pos] - 1;
            }
        }
        return add(pack, pos);
    }

    /** Heap bytes of the ids, their array and the slots. */
    long footprintBytes() {
        return 48L * size + 16 + 4L * ids.length + 16 + 4L * slots.length;
    }

    private int add(Id pack, int freeSlot) {
        int ordinal = size;
        Id[] grown = ordinal < ids.length ? ids : Arrays.copyOf(ids, ids.length * 2);
        grown[ordinal] = pack;
        ids = grown;
        slots[freeSlot] = ordinal + 1;
        size = ordinal + 1;
        if (size > slots.length / 4 * 3) {
            rehash(slots.length * 2);
        }
        return ordinal;
    }

    private void rehash(int capacity) {
        int[] table = new int[capacity];
        for (int ordinal = 0; ordinal < size; ordinal++) {
            Id pack = ids[ordinal];
            int pos = EntryTable.home(pack.word(0), pack.word(1), pack.word(2), pack.word(3), capacity);
            while (table[pos] != 0) {
                pos = pos + 1 == capacity ? 0 : pos + 1;
            }
            table[pos] = ordinal + 1;
        }
        slots = table;
    }
}
