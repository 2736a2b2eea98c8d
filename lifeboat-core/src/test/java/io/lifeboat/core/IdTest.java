package io.lifeboat.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IdTest {
    @Test
    void wordsAreTheBytesReadBigEndianAndMakeTheSameId() {
        Id id = Id.fromHex("0001020304050607" + "08090a0b0c0d0e0f" + "f0f1f2f3f4f5f6f7" + "ffffffffffffff00");
        assertThat(id.word(0)).isEqualTo(0x0001020304050607L);
        assertThat(id.word(1)).isEqualTo(0x08090a0b0c0d0e0fL);
        assertThat(id.word(2)).isEqualTo(0xf0f1f2f3f4f5f6f7L);
        assertThat(id.word(3)).isEqualTo(0xffffffffffffff00L);
        Id same = Id.ofWords(id.word(0), id.word(1), id.word(2), id.word(3));
        assertThat(same).isEqualTo(id).hasSameHashCodeAs(id);
        assertThat(same.hex()).isEqualTo(id.hex());
        assertThatThrownBy(() -> id.word(4)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
