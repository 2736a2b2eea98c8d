package io.lifeboat.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.internal.format.Tree;
import java.util.List;
import org.junit.jupiter.api.Test;

class TreeCacheTest {
    private static Id id(int n) {
        byte[] b = new byte[Id.LENGTH];
        b[0] = (byte) n;
        return Id.of(b);
    }

    private static final Tree EMPTY = new Tree(List.of());

    @Test
    void theLeastRecentlyUsedTreesGoWhenTheBytesRunOver() {
        Repository.TreeCache cache = new Repository.TreeCache(1000);
        cache.put(id(1), EMPTY, 400);
        cache.put(id(2), EMPTY, 400);
        assertThat(cache.get(id(1))).isSameAs(EMPTY); // 1 is now the most recently used
        cache.put(id(3), EMPTY, 400);

        assertThat(cache.get(id(2))).isNull();
        assertThat(cache.get(id(1))).isNotNull();
        assertThat(cache.get(id(3))).isNotNull();
        assertThat(cache.bytes()).isEqualTo(800);
    }

    @Test
    void aTreeLargerThanTheWholeCacheIsNotKeptAndEvictsNothing() {
        Repository.TreeCache cache = new Repository.TreeCache(1000);
        cache.put(id(1), EMPTY, 600);
        cache.put(id(2), EMPTY, 1001);
        assertThat(cache.get(id(2))).isNull();
        assertThat(cache.get(id(1))).isNotNull();
        cache.put(id(1), EMPTY, 600); // again: counted once
        assertThat(cache.bytes()).isEqualTo(600);
        assertThat(cache.size()).isEqualTo(1);
    }
}
