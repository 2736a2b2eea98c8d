package io.lifeboat.core.internal.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KdfParamsTest {

    @Test
    void defaultIs64MiBThreeIterationsTwoLanes() {
        assertThat(KdfParams.DEFAULT).isEqualTo(new KdfParams(65536, 3, 2));
    }

    @Test
    void testingParametersAreCheapButValid() {
        assertThat(KdfParams.TESTING.memoryKiB()).isLessThanOrEqualTo(1024);
        assertThat(KdfParams.TESTING.iterations()).isEqualTo(1);
    }

    @Test
    void acceptsTheBounds() {
        new KdfParams(8, 1, 1);
        new KdfParams(KdfParams.MAX_MEMORY_KIB, KdfParams.MAX_ITERATIONS, KdfParams.MAX_PARALLELISM);
    }

    @Test
    void rejectsOutOfBoundsNamingTheParameter() {
        assertThatThrownBy(() -> new KdfParams(1024, 0, 1)).hasMessageContaining("iterations 0");
        assertThatThrownBy(() -> new KdfParams(1024, 101, 1)).hasMessageContaining("iterations 101");
        assertThatThrownBy(() -> new KdfParams(1024, 1, 0)).hasMessageContaining("parallelism 0");
        assertThatThrownBy(() -> new KdfParams(1024, 1, 65)).hasMessageContaining("parallelism 65");
        assertThatThrownBy(() -> new KdfParams(15, 1, 2)).hasMessageContaining("memoryKiB 15");
        assertThatThrownBy(() -> new KdfParams(-1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KdfParams(KdfParams.MAX_MEMORY_KIB + 1, 1, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
