package io.lifeboat.core.internal.repo;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * An append-only table of fixed-size records, each a 32-byte id (four longs) and two
 * payload longs, found by id through an open-addressing hash table of record numbers. No
 * object per record: 48 bytes of record plus 4-byte slots at a load factor between 1/2
 * and 3/4.
 *
 * <p>Records live in pages of {@value #PAGE_ENTRIES} in insertion order, numbered from 0,
 * so a record's number never changes. A page (384 KiB) stays below half of G1's smallest
 * region, so it is never a humongous object, and growing only adds pages.
 * The slot table holds record number + 1 (0 is empty) and is probed linearly; past 3/4 full
 * it is rebuilt 1.5 times as large and the old one dropped, so growth briefly holds slots
 * for 2.5 times the old capacity and never copies a record.
 *
 * <p>Thread safety: one writer at a time (the caller serialises {@link #append}), any
 * number of readers, without locks. The writer fills a record before it publishes its
 * number into a slot with release semantics, and readers load slots with acquire
 * semantics; a rebuilt slot table is published whole through a volatile field and not
 * written again after that. A reader therefore sees every record appended before its
 * call began, and never a half-written one.
 */
final class EntryTable {
    /** Longs per record: the id's four words, then two of payload. */
    static final int WORDS = 6;
    private static final int PAGE_SHIFT = 13;
    static final int PAGE_ENTRIES = 1 << PAGE_SHIFT;
    private static final int PAGE_MASK = PAGE_ENTRIES - 1;
    static final int MIN_SLOTS = 1 << 10;
    private static final int MAX_SLOTS = Integer.MAX_VALUE - 16;
    /** At most 3/4 of the largest slot table. */
    static final int MAX_ENTRIES = (int) (MAX_SLOTS * 3L / 4);

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(int[].class);

    private volatile long[][] pages = new long[16][];
    private volatile int[] slots = new int[MIN_SLOTS];
    private volatile int size;

    /** Number of records. */
    int size() {
        return size;
    }

    /** The number of the record with this id, or -1. */
    int find(long k0, long k1, long k2, long k3) {
        int[] table = slots;
        for (int pos = home(k0, k1, k2, k3, table.length); ; pos = next(pos, table.length)) {
            int entry = (int) SLOT.getAcquire(table, pos) - 1;
            if (entry < 0) {
                return -1;
            }
            long[] page = pages[entry >>> PAGE_SHIFT];
            int o = (entry & PAGE_MASK) * WORDS;
            if (page[o] == k0 && page[o + 1] == k1 && page[o + 2] == k2 && page[o + 3] == k3) {
                return entry;
            }
        }
    }

    /**
     * Word {@code w} of record {@code entry}: 0 to 3 are the id, 4 and 5 the payload. The record
     * must be below a {@link #size} or a {@link #find} result this thread has seen.
     */
    long word(int entry, int w) {
        return pages[entry >>> PAGE_SHIFT][(entry & PAGE_MASK) * WORDS + w];
    }

    /**
     * Appends a record and returns its number. The caller serialises appends and has made
     * sure that no record has this id.
     *
     * @throws IllegalStateException past {@link #MAX_ENTRIES} records
     */
    int append(long k0, long k1, long k2, long k3, long p0, long p1) {
        int entry = size;
        if (entry >= MAX_ENTRIES) {
            throw new IllegalStateException("the chunk index holds at most " + MAX_ENTRIES + " entries");
        }
        if (entry + 1 > slots.length * 3L / 4) {
            slots = rebuilt((int) Math.min(MAX_SLOTS, slots.length * 3L / 2), entry);
        }
        long[] page = pageFor(entry);
        int o = (entry & PAGE_MASK) * WORDS;
        page[o] = k0;
        page[o + 1] = k1;
        page[o + 2] = k2;
        page[o + 3] = k3;
        page[o + 4] = p0;
        page[o + 5] = p1;
        int[] table = slots;
        SLOT.setRelease(table, freeSlot(table, k0, k1, k2, k3), entry + 1);
        size = entry + 1;
        return entry;
    }

    /** Heap bytes held by the pages, the page directory and the slot table. */
    long footprintBytes() {
        long[][] dir = pages;
        long bytes = arrayBytes(dir.length, 4);
        for (long[] page : dir) {
            if (page != null) {
                bytes += arrayBytes(page.length, 8);
            }
        }
        return bytes + arrayBytes(slots.length, 4);
    }

    /** Slots in the current hash table. */
    int capacity() {
        return slots.length;
    }

    private long[] pageFor(int entry) {
        int p = entry >>> PAGE_SHIFT;
        long[][] dir = pages;
        if (p == dir.length) {
            dir = Arrays.copyOf(dir, dir.length * 2);
            pages = dir;
        }
        if (dir[p] == null) {
            dir[p] = new long[PAGE_ENTRIES * WORDS];
        }
        return dir[p];
    }

    /** A fresh slot table of {@code capacity} holding records 0 to {@code count - 1}. */
    private int[] rebuilt(int capacity, int count) {
        int[] table = new int[capacity];
        for (int entry = 0; entry < count; entry++) {
            long[] page = pages[entry >>> PAGE_SHIFT];
            int o = (entry & PAGE_MASK) * WORDS;
            table[freeSlot(table, page[o], page[o + 1], page[o + 2], page[o + 3])] = entry + 1;
        }
        return table;
    }

    private static int freeSlot(int[] table, long k0, long k1, long k2, long k3) {
        int pos = home(k0, k1, k2, k3, table.length);
        while (table[pos] != 0) {
            pos = next(pos, table.length);
        }
        return pos;
    }

    private static int next(int pos, int capacity) {
        return pos + 1 == capacity ? 0 : pos + 1;
    }

    /**
     * The first slot to probe: a multiplicative mix of all four words, its top 32 bits
     * scaled to the capacity (which need not be a power of two). Chunk ids are uniform
     * already; mixing keeps made-up ids that differ in one word only (tests, tools) from
     * piling into one run of slots.
     */
    static int home(long k0, long k1, long k2, long k3, int capacity) {
        long h = k0 * 0x9E3779B97F4A7C15L ^ k1 * 0xC2B2AE3D27D4EB4FL ^ k2 * 0x165667B19E3779F9L
                ^ k3 * 0xD6E8FEB86659FD93L;
        return (int) ((h >>> 32) * capacity >>> 32);
    }

    /** Header (16 bytes with compressed class pointers) plus elements, padded to 8. */
    private static long arrayBytes(int length, int elementBytes) {
        return (16 + (long) length * elementBytes + 7) & ~7L;
    }
}
