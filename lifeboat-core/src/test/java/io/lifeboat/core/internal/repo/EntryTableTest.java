package io.lifeboat.core.internal.repo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EntryTableTest {
    @Test
    void everyRecordIsFoundAfterEachResize() {
        EntryTable table = new EntryTable();
        SplittableRandom rnd = new SplittableRandom(11);
        int n = 100_000;
        long[][] keys = new long[n][];
        int resizes = 0;
        for (int i = 0; i < n; i++) {
            keys[i] = new long[] {rnd.nextLong(), rnd.nextLong(), rnd.nextLong(), rnd.nextLong()};
            int before = table.capacity();
            assertThat(table.append(keys[i][0], keys[i][1], keys[i][2], keys[i][3], i, -i)).isEqualTo(i);
            if (table.capacity() != before) {
                resizes++;
                assertThat(table.capacity()).isEqualTo((int) (before * 3L / 2));
                assertAllFound(table, keys, i + 1);
            }
            if (table.capacity() > EntryTable.MIN_SLOTS) {
                assertThat((long) table.size()).isBetween(table.capacity() / 2L, table.capacity() * 3L / 4);
            }
        }
        assertThat(resizes).isGreaterThanOrEqualTo(10);
        assertAllFound(table, keys, n);
    }

    @Test
    void idsThatDifferInOneWordOnlyAreAllFound() {
        EntryTable table = new EntryTable();
        for (int w = 0; w < 4; w++) {
            for (long i = 0; i < 20_000; i++) {
                long[] k = new long[4];
                k[w] = i + 1;
                table.append(k[0], k[1], k[2], k[3], w, i);
            }
        }
        for (int w = 0; w < 4; w++) {
            for (long i = 0; i < 20_000; i++) {
                long[] k = new long[4];
                k[w] = i + 1;
                int entry = table.find(k[0], k[1], k[2], k[3]);
                assertThat(entry).isEqualTo(w * 20_000 + (int) i);
                assertThat(table.word(entry, 4)).isEqualTo(w);
                assertThat(table.word(entry, 5)).isEqualTo(i);
            }
        }
        assertThat(table.find(0, 0, 0, 0)).isEqualTo(-1);
    }

    @Test
    void theFootprintIs48BytesPerRecordPlusSlotsAndAPartlyFilledPage() {
        EntryTable table = new EntryTable();
        int n = 2 * EntryTable.PAGE_ENTRIES + 5;
        for (int i = 0; i < n; i++) {
            table.append(i, i, i, ~i, 0, 0);
        }
        long pages = 3L * (16 + EntryTable.PAGE_ENTRIES * 6 * 8L);
        long directory = 16 + 16 * 4;
        long slots = 16 + 4L * table.capacity();
        assertThat(table.capacity()).isEqualTo(26_244); // 1024 grown 1.5 times, 8 times over, to hold n at 3/4
        assertThat(table.footprintBytes()).isEqualTo(pages + directory + slots);
    }

    private static void assertAllFound(EntryTable table, long[][] keys, int count) {
        for (int i = 0; i < count; i++) {
            long[] k = keys[i];
            assertThat(table.find(k[0], k[1], k[2], k[3])).isEqualTo(i);
            assertThat(table.word(i, 4)).isEqualTo(i);
            assertThat(table.word(i, 5)).isEqualTo(-i);
        }
        assertThat(table.find(1, 2, 3, 4)).isEqualTo(-1);
    }
}
