package io.lifeboat.core.internal.repo;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.Id;
import io.lifeboat.core.internal.format.BlobType;
import io.lifeboat.core.internal.format.PackEntry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ChunkIndexTest {
    private static Id id(int n) {
        byte[] b = new byte[32];
        b[0] = (byte) n;
        return Id.of(b);
    }

    @Test
    void theFirstCopyIsReadAndEveryCopyIsKept() {
        ChunkIndex index = new ChunkIndex();
        PackEntry inA = new PackEntry(id(1), BlobType.DATA, id(9), 0, 10, 5);
        PackEntry inB = new PackEntry(id(2), BlobType.DATA, id(9), 40, 10, 5);
        index.add(inA);
        index.add(inB);
        index.add(inB); // listed again by another index file: not a new copy
        index.add(inA);
        assertThat(index.get(id(9))).isEqualTo(inA);
        assertThat(index.size()).isEqualTo(1);
        assertThat(index.all()).containsExactly(inA);
        assertThat(index.allCopies()).containsExactlyInAnyOrder(inA, inB);
    }

    @Test
    void copiesInPacksAPrunePlanMarkedAreReadLastAndNotReused() {
        ChunkIndex index = new ChunkIndex();
        PackEntry inA = new PackEntry(id(1), BlobType.DATA, id(9), 0, 10, 5);
        PackEntry inB = new PackEntry(id(2), BlobType.DATA, id(9), 40, 10, 5);
        PackEntry onlyInA = new PackEntry(id(1), BlobType.DATA, id(8), 10, 10, 5);
        index.add(inA);
        index.add(onlyInA);
        index.add(inB);
        index.doom(java.util.Set.of(id(1)));
        assertThat(index.get(id(9))).isEqualTo(inB);
        assertThat(index.copiesOf(id(9))).containsExactly(inB, inA);
        assertThat(index.reusable(id(9))).isTrue();
        assertThat(index.get(id(8))).as("the only copy is still read").isEqualTo(onlyInA);
        assertThat(index.contains(id(8))).isTrue();
        assertThat(index.reusable(id(8))).as("but a backup stores it again").isFalse();
        assertThat(index.id(index.ordinal(id(8)))).isEqualTo(id(8));
        assertThat(index.ordinal(id(7))).isEqualTo(-1);
        index.doom(java.util.Set.of());
        assertThat(index.get(id(9))).isEqualTo(inA);
        assertThat(index.reusable(id(8))).isTrue();
    }

    @Test
    void copiesOfListsEveryCopyOfOneBlobWithTheReadCopyFirst() {
        ChunkIndex index = new ChunkIndex();
        PackEntry inA = new PackEntry(id(1), BlobType.DATA, id(9), 0, 10, 5);
        PackEntry inB = new PackEntry(id(2), BlobType.DATA, id(9), 40, 10, 5);
        PackEntry inC = new PackEntry(id(3), BlobType.DATA, id(9), 80, 10, 5);
        PackEntry other = new PackEntry(id(1), BlobType.DATA, id(8), 10, 10, 5);
        index.add(inA);
        index.add(other);
        index.add(inB);
        index.add(inC);
        index.add(inB);
        assertThat(index.copiesOf(id(9))).containsExactly(inA, inB, inC);
        assertThat(index.copiesOf(id(8))).containsExactly(other);
        assertThat(index.copiesOf(id(7))).isEmpty();
    }

    @Test
    void manyRandomEntriesRoundTripLikeAPlainMap() {
        SplittableRandom rnd = new SplittableRandom(42);
        List<Id> packs = randomIds(rnd, 3_000);
        ChunkIndex index = new ChunkIndex();
        Map<Id, List<PackEntry>> model = new LinkedHashMap<>();
        List<Id> blobs = randomIds(rnd, 200_000);
        for (Id blob : blobs) {
            addToBoth(index, model, randomEntry(rnd, packs, blob));
            if (rnd.nextInt(100) == 0) { // a second copy, or the same entry listed again
                addToBoth(index, model, randomEntry(rnd, packs, blob));
                addToBoth(index, model, model.get(blob).get(0));
            }
        }
        assertMatches(index, model);
        for (Id absent : randomIds(rnd, 1_000)) {
            assertThat(index.get(absent)).isNull();
            assertThat(index.contains(absent)).isFalse();
            assertThat(index.copiesOf(absent)).isEmpty();
        }
    }

    @Test
    void anEmptyIndexHoldsNothing() {
        ChunkIndex index = new ChunkIndex();
        assertThat(index.get(id(1))).isNull();
        assertThat(index.contains(id(1))).isFalse();
        assertThat(index.copiesOf(id(1))).isEmpty();
        assertThat(index.size()).isZero();
        assertThat(index.all()).isEmpty();
        assertThat(index.allCopies()).isEmpty();
    }

    @Test
    void offsetsPast32BitsAndTheLargestLengthsRoundTripExactly() {
        long[] offsets = {0, (1L << 31) - 1, 1L << 31, (1L << 32) - 1, 1L << 32, (1L << 32) + 7, 1L << 40,
            Long.MAX_VALUE - Integer.MAX_VALUE};
        ChunkIndex index = new ChunkIndex();
        List<PackEntry> added = new ArrayList<>();
        for (int i = 0; i < offsets.length; i++) {
            BlobType type = i % 2 == 0 ? BlobType.DATA : BlobType.TREE;
            added.add(new PackEntry(id(100 + i % 3), type, id(i + 1), offsets[i], Integer.MAX_VALUE - i, i * 1000));
            added.add(new PackEntry(id(100), type, id(50 + i), offsets[i], i, Integer.MAX_VALUE));
        }
        index.addAll(added);
        for (PackEntry e : added) {
            assertThat(index.get(e.id())).isEqualTo(e);
        }
        assertThat(index.all()).containsExactlyElementsOf(added);
    }

    @Test
    void concurrentReadersFindEveryEntryWhoseAddFinished() throws Exception {
        int writers = 3;
        int perWriter = 60_000;
        int batch = 100;
        List<List<PackEntry>> work = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(7);
        List<Id> packs = randomIds(rnd, 100);
        for (int w = 0; w < writers; w++) {
            List<PackEntry> entries = new ArrayList<>();
            for (Id blob : randomIds(rnd, perWriter)) {
                entries.add(randomEntry(rnd, packs, blob));
            }
            work.add(entries);
        }
        ChunkIndex index = new ChunkIndex();
        AtomicIntegerArray added = new AtomicIntegerArray(writers); // entries each writer has finished adding
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch writing = new CountDownLatch(writers);
        try (ExecutorService pool = Executors.newFixedThreadPool(writers + 2)) {
            List<Future<Object>> adders = new ArrayList<>();
            List<Future<Long>> readers = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                List<PackEntry> mine = work.get(w);
                int me = w;
                adders.add(pool.submit(() -> {
                    try {
                        start.await();
                        for (int from = 0; from < perWriter; from += batch) {
                            index.addAll(mine.subList(from, from + batch));
                            added.set(me, from + batch);
                        }
                    } finally {
                        writing.countDown();
                    }
                    return null;
                }));
            }
            for (int r = 0; r < 2; r++) {
                long seed = r;
                readers.add(pool.submit(() -> {
                    SplittableRandom pick = new SplittableRandom(seed);
                    long checked = 0;
                    start.await();
                    while (writing.getCount() > 0) {
                        int w = pick.nextInt(writers);
                        int done = added.get(w);
                        if (done > 0) {
                            PackEntry e = work.get(w).get(pick.nextInt(done));
                            assertThat(index.contains(e.id())).as("entry %s", e).isTrue();
                            assertThat(index.get(e.id())).isEqualTo(e);
                            checked++;
                        }
                    }
                    return checked;
                }));
            }
            start.countDown();
            for (Future<Object> adder : adders) {
                adder.get();
            }
            long checked = 0;
            for (Future<Long> reader : readers) {
                checked += reader.get();
            }
            assertThat(checked).isPositive();
        }
        assertThat(index.size()).isEqualTo(writers * perWriter);
        for (List<PackEntry> entries : work) {
            for (PackEntry e : entries) {
                assertThat(index.get(e.id())).isEqualTo(e);
            }
        }
    }

    @Test
    void aMillionEntriesTakeAbout56BytesEachWithTheirPacks() {
        SplittableRandom rnd = new SplittableRandom(3);
        List<Id> packs = randomIds(rnd, 1_000_000 / 32);
        ChunkIndex index = new ChunkIndex();
        for (int i = 0; i < 1_000_000; i++) {
            index.add(randomEntry(rnd, packs, randomId(rnd)));
        }
        // Per entry: 48.4 of records in 123 pages, 4 x 1,513,342 / 10^6 = 6.05 of hash slots,
        // and (48 x 31,250 + 4 x 2^15 + 4 x 2^16) / 10^6 = 1.9 of pack table.
        assertThat((double) index.footprintBytes() / index.size()).isBetween(56.0, 57.0);
        assertThat((double) index.packTableBytes() / index.size()).isBetween(1.8, 2.0);
    }

    static Id randomId(SplittableRandom rnd) {
        return Id.ofWords(rnd.nextLong(), rnd.nextLong(), rnd.nextLong(), rnd.nextLong());
    }

    private static List<Id> randomIds(SplittableRandom rnd, int n) {
        List<Id> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(randomId(rnd));
        }
        return ids;
    }

    private static PackEntry randomEntry(SplittableRandom rnd, List<Id> packs, Id blob) {
        long offset = rnd.nextInt(1000) == 0 ? rnd.nextLong(1L << 32, 1L << 50) : rnd.nextLong(1L << 32);
        BlobType type = rnd.nextBoolean() ? BlobType.DATA : BlobType.TREE;
        return new PackEntry(packs.get(rnd.nextInt(packs.size())), type, blob, offset, rnd.nextInt(Integer.MAX_VALUE),
                rnd.nextInt(Integer.MAX_VALUE));
    }

    /** What the index must do: the first entry of a blob is read, later distinct ones are kept. */
    static void addToBoth(ChunkIndex index, Map<Id, List<PackEntry>> model, PackEntry e) {
        index.add(e);
        addToModel(model, e);
    }

    static void addToModel(Map<Id, List<PackEntry>> model, PackEntry e) {
        List<PackEntry> copies = model.computeIfAbsent(e.id(), k -> new ArrayList<>());
        if (!copies.contains(e)) {
            copies.add(e);
        }
    }

    static void assertMatches(ChunkIndex index, Map<Id, List<PackEntry>> model) {
        assertThat(index.size()).isEqualTo(model.size());
        List<PackEntry> firsts = new ArrayList<>();
        List<PackEntry> every = new ArrayList<>();
        for (Map.Entry<Id, List<PackEntry>> m : model.entrySet()) {
            Id blob = m.getKey();
            List<PackEntry> copies = m.getValue();
            assertThat(index.contains(blob)).isTrue();
            assertThat(index.get(blob)).isEqualTo(copies.get(0));
            assertThat(index.copiesOf(blob)).isEqualTo(copies);
            firsts.add(copies.get(0));
            every.addAll(copies);
        }
        assertThat(List.copyOf(index.all())).isEqualTo(firsts);
        List<PackEntry> allCopies = index.allCopies();
        assertThat(allCopies).hasSameSizeAs(every);
        assertThat(new HashSet<>(allCopies)).isEqualTo(new HashSet<>(every)); // copies of a blob are distinct
    }
}
