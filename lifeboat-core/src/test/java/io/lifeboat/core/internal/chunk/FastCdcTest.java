package io.lifeboat.core.internal.chunk;

import static io.lifeboat.core.internal.chunk.ChunkingFixtures.SMALL;
import static io.lifeboat.core.internal.chunk.ChunkingFixtures.lengths;
import static io.lifeboat.core.internal.chunk.ChunkingFixtures.random;
import static io.lifeboat.core.internal.chunk.ChunkingFixtures.seed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class FastCdcTest {

    private final FastCdc cdc = new FastCdc(SMALL, seed(0));

    @Test
    void rejectsSeedsThatAreNot32Bytes() {
        assertThatIllegalArgumentException().isThrownBy(() -> new FastCdc(SMALL, new byte[31]))
                .withMessageContaining("32 bytes, not 31");
        assertThatIllegalArgumentException().isThrownBy(() -> new FastCdc(SMALL, new byte[33]));
    }

    @Test
    void gearTableFollowsTheDocumentedDerivation() throws Exception {
        byte[] seed = seed(7);
        FastCdc keyed = new FastCdc(ChunkerParams.DEFAULT, seed);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(seed, "HmacSHA256"));
        for (int j = 0; j < 64; j++) {
            mac.update("lifeboat/fastcdc/gear/v1".getBytes(StandardCharsets.US_ASCII));
            ByteBuffer block = ByteBuffer.wrap(mac.doFinal(ByteBuffer.allocate(4).putInt(j).array()));
            for (int k = 0; k < 4; k++) {
                assertThat(keyed.gear(4 * j + k)).as("GEAR[%d]", 4 * j + k).isEqualTo(block.getLong());
            }
        }
    }

    /** Pinned values: a change here changes every repository's chunk boundaries. */
    @Test
    void gearTableKnownAnswers() {
        FastCdc zeroSeed = new FastCdc(ChunkerParams.DEFAULT, new byte[32]);
        assertThat(zeroSeed.gear(0)).isEqualTo(GEAR_ZERO_SEED_0);
        assertThat(zeroSeed.gear(1)).isEqualTo(GEAR_ZERO_SEED_1);
        assertThat(zeroSeed.gear(255)).isEqualTo(GEAR_ZERO_SEED_255);
    }

    /** Pinned cut lengths for seed 00..1f, params 1K/4K/16K, input {@code new Random(42).nextBytes}. */
    @Test
    void cutsKnownAnswers() {
        List<Integer> lengths = lengths(cdc, random(42, 64 * 1024));
        assertThat(lengths).containsExactly(CUTS_SEED_0_RANDOM_42);
    }

    @Test
    void shortInputIsOneChunk() {
        byte[] data = random(1, 5000);
        assertThat(cdc.nextCut(data, 0, 0)).isZero();
        assertThat(cdc.nextCut(data, 0, 1)).isEqualTo(1);
        assertThat(cdc.nextCut(data, 10, SMALL.minSize())).isEqualTo(SMALL.minSize());
    }

    @Test
    void allZeroInputCutsAtMax() {
        byte[] zeros = new byte[5 * SMALL.maxSize() + 123];
        assertThat(lengths(cdc, zeros)).containsExactly(
                16384, 16384, 16384, 16384, 16384, 123);
    }

    @Test
    void neverCutsPastMaxEvenWithMoreInput() {
        byte[] zeros = new byte[3 * SMALL.maxSize()];
        assertThat(cdc.nextCut(zeros, 0, zeros.length)).isEqualTo(SMALL.maxSize());
    }

    @Test
    void shortFinalInputWithoutCutIsOneChunk() {
        byte[] zeros = new byte[SMALL.maxSize() - 1];
        assertThat(cdc.nextCut(zeros, 0, zeros.length)).isEqualTo(zeros.length);
    }

    @Test
    void rejectsRangesOutsideTheBuffer() {
        byte[] data = new byte[100];
        assertThatThrownBy(() -> cdc.nextCut(data, 50, 51)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> cdc.nextCut(data, -1, 10)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    /*
     * HMAC-SHA256(key = 32 zero bytes, "lifeboat/fastcdc/gear/v1" || 00000000)
     *   = 69badbd7b4853525 e2f38524ba10a203 a2b9fcb7d7d873df 6c62d219f5fa4694
     * and for j = 0x3f it ends in ... f00178e290a91bff (cross-checked with openssl dgst -mac HMAC).
     */
    private static final long GEAR_ZERO_SEED_0 = 0x69BADBD7B4853525L;
    private static final long GEAR_ZERO_SEED_1 = 0xE2F38524BA10A203L;
    private static final long GEAR_ZERO_SEED_255 = 0xF00178E290A91BFFL;
    private static final Integer[] CUTS_SEED_0_RANDOM_42 = {
        4599, 4370, 4542, 4117, 4297, 2579, 4212, 4223, 6246, 4506, 5768, 4479, 1306, 4508, 4572, 1212};
}
