package io.lifeboat.core.internal.io;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class BufferPoolTest {

    @Property(tries = 500)
    void aClassFitsItsRequestWithinAnEighth(@ForAll @IntRange(min = BufferPool.MIN_POOLED, max = 64 << 20) int length) {
        int c = BufferPool.sizeClass(length);
        assertThat(BufferPool.classLength(c)).isGreaterThanOrEqualTo(length);
        assertThat((long) BufferPool.classLength(c)).isLessThanOrEqualTo(length + length / 8L);
        if (c > 0) {
            assertThat(BufferPool.classLength(c - 1)).as("the smallest class that fits").isLessThan(length);
        }
    }

    @Test
    void aReleasedArrayServesTheNextRequestOfItsClass() {
        BufferPool pool = new BufferPool(8 << 20, 16 << 20);
        byte[] a = pool.take(1_000_000);
        assertThat(a.length).isGreaterThanOrEqualTo(1_000_000);
        pool.release(a);
        assertThat(pool.retained()).isEqualTo(a.length);

        assertThat(pool.take(a.length - 10)).isSameAs(a);
        assertThat(pool.retained()).isZero();
        assertThat(pool.take(1_000_000)).as("nothing idle: a new array").isNotSameAs(a);
    }

    @Test
    void aRequestMayTakeASlightlyLargerIdleArrayButNotAMuchLargerOne() {
        BufferPool pool = new BufferPool(8 << 20, 64 << 20);
        byte[] big = pool.take(4 << 20);
        pool.release(big);
        assertThat(pool.take(1 << 20)).isNotSameAs(big);
        assertThat(pool.take((4 << 20) - 300_000)).isSameAs(big);
    }

    @Property(tries = 200)
    void roundUpIsTheLengthOfTheArrayANewRequestGets(@ForAll @IntRange(min = 1, max = 8 << 20) int length) {
        BufferPool pool = new BufferPool(8 << 20, 16 << 20);
        assertThat(BufferPool.roundUp(length)).isEqualTo(pool.take(length).length).isGreaterThanOrEqualTo(length);
    }

    @Test
    void idleBytesStayWithinTheLimit() {
        BufferPool pool = new BufferPool(8 << 20, 3 << 20);
        byte[][] arrays = new byte[5][];
        for (int i = 0; i < arrays.length; i++) {
            arrays[i] = pool.take(1 << 20);
        }
        for (byte[] a : arrays) {
            pool.release(a);
        }
        assertThat(pool.retained()).isEqualTo(3 << 20);
    }

    @Test
    void foreignSmallAndOversizedArraysAreNotKept() {
        BufferPool pool = new BufferPool(1 << 20, 64 << 20);
        pool.release(new byte[1_000_001]); // not a class length: not from the pool
        pool.release(new byte[1000]); // below the pooled sizes
        pool.release(new byte[8 << 20]); // beyond the largest class
        assertThat(pool.retained()).isZero();
        assertThat(pool.take(100)).hasSize(100);
        assertThat(pool.take(16 << 20)).hasSize(16 << 20);
    }
}
