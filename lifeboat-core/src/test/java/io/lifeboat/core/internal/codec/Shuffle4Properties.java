package io.lifeboat.core.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

class Shuffle4Properties {

    @Property
    void unshuffleInvertsShuffle(@ForAll @Size(max = 2000) byte[] data) {
        byte[] planes = new byte[data.length];
        byte[] back = new byte[data.length];
        Shuffle4.shuffle(data, 0, data.length, planes);
        Shuffle4.unshuffle(planes, data.length, back);
        assertThat(back).isEqualTo(data);
    }

    /** Byte 4i+k of the output is byte i of plane k, at any output offset. */
    @Property
    void unshuffleFollowsTheDefinition(@ForAll @Size(max = 3000) byte[] planes,
                                       @ForAll @net.jqwik.api.constraints.IntRange(max = 9) int dstOff) {
        int q = planes.length / 4;
        byte[] out = new byte[dstOff + 4 * q + 3];
        Shuffle4.unshuffle(planes, planes.length, out, dstOff);
        for (int i = 0; i < q; i++) {
            for (int k = 0; k < 4; k++) {
                assertThat(out[dstOff + 4 * i + k]).isEqualTo(planes[k * q + i]);
            }
        }
        assertThat(out[out.length - 1]).as("nothing written past the words").isZero();
    }
}
