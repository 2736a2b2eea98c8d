package io.lifeboat.core.internal.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class ChunkerParamsTest {

    @Test
    void defaultIsHalfOneAndEightMebibytes() {
        assertThat(ChunkerParams.DEFAULT).isEqualTo(new ChunkerParams(512 << 10, 1 << 20, 8 << 20));
        assertThat(ChunkerParams.DEFAULT.avgBits()).isEqualTo(20);
    }

    @Test
    void acceptsTheExtremes() {
        new ChunkerParams(64, 128, 129);
        new ChunkerParams(64, 32 << 20, 64 << 20);
    }

    @Test
    void rejectsMinBelowTheHashWindow() {
        assertThatIllegalArgumentException().isThrownBy(() -> new ChunkerParams(63, 128, 256))
                .withMessageContaining("minSize must be at least 64, was 63");
    }

    @Test
    void rejectsAvgThatIsNotAPowerOfTwo() {
        assertThatIllegalArgumentException().isThrownBy(() -> new ChunkerParams(1024, 3000, 8192))
                .withMessageContaining("avgSize must be a power of two, was 3000");
        assertThatIllegalArgumentException().isThrownBy(() -> new ChunkerParams(64, 0, 8192))
                .withMessageContaining("power of two");
        assertThatIllegalArgumentException().isThrownBy(() -> new ChunkerParams(64, Integer.MIN_VALUE, 8192))
                .withMessageContaining("power of two");
    }

    @Test
    void rejectsMinNotBelowAvg() {
        assertThatIllegalArgumentException().isThrownBy(() -> new ChunkerParams(4096, 4096, 8192))
                .withMessageContaining("minSize must be less than avgSize");
    }

    @Test
    void rejectsAvgNotBelowMax() {
        assertThatIllegalArgumentException().isThrownBy(() -> new ChunkerParams(1024, 4096, 4096))
                .withMessageContaining("avgSize must be less than maxSize");
    }

    @Test
    void rejectsMaxAbove64MiB() {
        assertThatIllegalArgumentException().isThrownBy(() -> new ChunkerParams(1024, 4096, (64 << 20) + 1))
                .withMessageContaining("maxSize must be at most 64 MiB");
    }
}
