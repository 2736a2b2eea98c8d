package io.lifeboat.core.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class ZerosProperties {
    @Property(tries = 300)
    void findsTheOneNonZeroByteAnywhereInAnyRange(@ForAll @IntRange(min = 0, max = 200_000) int length,
                                                  @ForAll @IntRange(min = 0, max = 99) int offset,
                                                  @ForAll @IntRange(min = 0, max = 199_999) int at) {
        byte[] b = new byte[offset + length + 5];
        assertThat(Zeros.isAllZero(b, offset, length)).isTrue();
        if (length > 0) {
            int pos = offset + at % length;
            b[pos] = 1;
            assertThat(Zeros.isAllZero(b, offset, length)).isFalse();
            b[pos] = 0;
        }
        b[offset + length] = 7; // just past the range: not looked at
        if (offset > 0) {
            b[offset - 1] = 7;  // just before it: not looked at
        }
        assertThat(Zeros.isAllZero(b, offset, length)).isTrue();
    }
}
