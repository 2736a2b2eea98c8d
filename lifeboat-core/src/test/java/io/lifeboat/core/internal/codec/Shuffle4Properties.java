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
}
