package io.lifeboat.core.internal.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BufTest {
    @Test
    void growKeepsTheValidBytesAndEnsureNeedNot() {
        Buf buf = new Buf(4);
        byte[] small = buf.ensure(4);
        System.arraycopy(new byte[] {1, 2, 3, 4}, 0, small, 0, 4);
        buf.length(3);

        byte[] grown = buf.grow(1000);

        assertThat(grown.length).isGreaterThanOrEqualTo(1000);
        assertThat(Arrays.copyOf(grown, 3)).containsExactly(1, 2, 3);
        assertThat(buf.array()).isSameAs(grown);
        assertThat(buf.length()).isEqualTo(3);
    }

    @Test
    void growOfABufferLargeEnoughChangesNothing() {
        Buf buf = new Buf(64);
        byte[] array = buf.array();

        assertThat(buf.grow(64)).isSameAs(array);
        assertThat(buf.grow(1)).isSameAs(array);
    }

    @Test
    void growRoomIsAtLeastHalfAgainSoThatFillingByteByByteDoesNotCopyEachTime() {
        Buf buf = new Buf(1000);

        assertThat(buf.grow(1001).length).isGreaterThanOrEqualTo(1500);
    }
}
