package io.lifeboat.core.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Shuffle4Test {

    @Test
    void groupsByteKOfEachWordIntoPlaneK() {
        byte[] data = {0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23, 30, 31};
        byte[] planes = new byte[data.length];
        Shuffle4.shuffle(data, 0, data.length, planes);
        assertThat(planes).containsExactly(0, 10, 20, 1, 11, 21, 2, 12, 22, 3, 13, 23, 30, 31);
    }
}
