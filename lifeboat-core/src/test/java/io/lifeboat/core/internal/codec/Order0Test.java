package io.lifeboat.core.internal.codec;

import static io.lifeboat.core.internal.codec.CodecFixtures.bfloat16Floats;
import static io.lifeboat.core.internal.codec.CodecFixtures.float32Floats;
import static io.lifeboat.core.internal.codec.CodecFixtures.int8Weights;
import static io.lifeboat.core.internal.codec.CodecFixtures.random;
import static io.lifeboat.core.internal.codec.CodecFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class Order0Test {
    private final int[] counts = new int[4 * 256];

    private boolean mayPay(byte[] data) {
        return Order0.planesMayPay(counts, data, 0, data.length);
    }

    @Test
    void floatTensorsMayPay() {
        assertThat(mayPay(bfloat16Floats(1, 4096))).isTrue();
        assertThat(mayPay(float32Floats(2, 4096))).isTrue();
        assertThat(mayPay(float32Floats(3, 100))).isTrue();
    }

    @Test
    void textInt8AndNoiseDoNot() {
        assertThat(mayPay(text(4, 16 * 1024))).isFalse();
        assertThat(mayPay(text(5, 1024))).isFalse();
        assertThat(mayPay(int8Weights(6, 16 * 1024))).isFalse();
        assertThat(mayPay(random(7, 16 * 1024))).isFalse();
    }

    @Test
    void lessThanOneWordNeverPays() {
        assertThat(Order0.planesMayPay(counts, new byte[3], 0, 3)).isFalse();
        assertThat(Order0.planesMayPay(counts, new byte[8], 8, 0)).isFalse();
    }

    /** A float tensor in the middle of text: the sample from the middle decides. */
    @Test
    void theSampleComesFromTheMiddleOfTheRange() {
        byte[] data = text(8, 64 * 1024);
        byte[] floats = float32Floats(9, Order0.SAMPLE_LENGTH / 4);
        System.arraycopy(floats, 0, data, 32 * 1024 - Order0.SAMPLE_LENGTH / 2, floats.length);
        assertThat(mayPay(data)).isTrue();
        assertThat(Order0.planesMayPay(counts, data, 0, 16 * 1024)).isFalse();
    }

    /** Reads the given range only, whatever surrounds it, and leaves nothing behind in the scratch counts. */
    @Property(tries = 200)
    void dependsOnTheRangeAlone(@ForAll @Size(max = 9000) byte[] range, @ForAll @IntRange(max = 64) int before,
            @ForAll @IntRange(max = 64) int after, @ForAll byte fill) {
        byte[] alone = range.clone();
        byte[] embedded = new byte[before + range.length + after];
        Arrays.fill(embedded, fill);
        System.arraycopy(range, 0, embedded, before, range.length);
        Arrays.fill(counts, 12345);
        boolean inPlace = Order0.planesMayPay(counts, embedded, before, range.length);
        assertThat(Order0.planesMayPay(new int[4 * 256], alone, 0, alone.length)).isEqualTo(inPlace);
    }
}
