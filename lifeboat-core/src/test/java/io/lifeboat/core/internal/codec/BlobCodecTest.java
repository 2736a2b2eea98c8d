package io.lifeboat.core.internal.codec;

import static io.lifeboat.core.internal.codec.CodecFixtures.bfloat16Floats;
import static io.lifeboat.core.internal.codec.CodecFixtures.float32Floats;
import static io.lifeboat.core.internal.codec.CodecFixtures.random;
import static io.lifeboat.core.internal.codec.CodecFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class BlobCodecTest {

    @Test
    void codesArePartOfTheFormat() {
        assertThat(Compression.RAW.code()).isEqualTo((byte) 0);
        assertThat(Compression.ZSTD.code()).isEqualTo((byte) 1);
        assertThat(Compression.SHUFFLE4_ZSTD.code()).isEqualTo((byte) 2);
        assertThat(Compression.fromCode(2)).contains(Compression.SHUFFLE4_ZSTD);
        assertThat(Compression.fromCode(3)).contains(Compression.PLANES4);
        assertThat(Compression.fromCode(4)).isEmpty();
        assertThat(Compression.fromCode(-1)).isEmpty();
    }

    @Test
    void randomDataIsStoredRaw() throws CorruptBlobException {
        byte[] data = random(1, 8 << 20);
        byte[] encoded = BlobCodec.encode(data, 0, data.length);
        assertThat(BlobCodec.mode(encoded, 0)).isEqualTo(Compression.RAW.code());
        assertThat(encoded).hasSize(data.length + 1);
        assertThat(BlobCodec.decode(encoded, 0, encoded.length, data.length)).isEqualTo(data);
    }

    /** Only the middle sample is incompressible; were the whole compressed, it would shrink a lot. */
    @Test
    void probeDecidesFromTheMiddleSampleAlone() {
        byte[] data = new byte[8 << 20];
        byte[] noise = random(2, 256 << 10);
        System.arraycopy(noise, 0, data, data.length / 2 - noise.length / 2, noise.length);
        byte[] encoded = BlobCodec.encode(data, 0, data.length);
        assertThat(BlobCodec.mode(encoded, 0)).isEqualTo(Compression.RAW.code());
    }

    @Test
    void textChoosesZstdAndShrinks() throws CorruptBlobException {
        byte[] data = text(4, 1 << 20);
        byte[] encoded = BlobCodec.encode(data, 0, data.length);
        assertThat(BlobCodec.mode(encoded, 0)).isEqualTo(Compression.ZSTD.code());
        assertThat(encoded.length).isLessThan(data.length / 3);
        assertThat(BlobCodec.decode(encoded, 0, encoded.length, data.length)).isEqualTo(data);
    }

    @Test
    void bfloat16WeightsChooseBytePlanesAndBeatPlainAndShuffledZstd() throws CorruptBlobException {
        byte[] data = bfloat16Floats(5, 1 << 20);
        byte[] encoded = BlobCodec.encode(data, 0, data.length);
        byte[] plain = BlobCodec.encode(data, 0, data.length, Compression.ZSTD);
        byte[] shuffled = BlobCodec.encode(data, 0, data.length, Compression.SHUFFLE4_ZSTD);
        assertThat(BlobCodec.mode(encoded, 0)).isEqualTo(Compression.PLANES4.code());
        assertThat(encoded.length).isLessThan(plain.length).isLessThanOrEqualTo(shuffled.length)
                .isLessThan(data.length / 2);
        assertThat(BlobCodec.decode(encoded, 0, encoded.length, data.length)).isEqualTo(data);
    }

    /** Small blobs (small files) skip the probe but choose as large ones do. */
    @ParameterizedTest
    @ValueSource(ints = {1000, 8 * 1024, BlobCodec.SMALL_LENGTH})
    void smallBlobsChooseTheSameKindOfModeWithoutAProbe(int length) throws CorruptBlobException {
        byte[] text = text(7, length);
        byte[] floats = bfloat16Floats(8, length / 4);
        byte[] noise = random(9, length);
        byte[] encodedText = BlobCodec.encode(text, 0, text.length);
        byte[] encodedFloats = BlobCodec.encode(floats, 0, floats.length);
        byte[] encodedNoise = BlobCodec.encode(noise, 0, noise.length);

        assertThat(BlobCodec.mode(encodedText, 0)).isEqualTo(Compression.ZSTD.code());
        assertThat(encodedText.length).isLessThan(text.length / 2);
        assertThat(BlobCodec.mode(encodedFloats, 0)).isEqualTo(Compression.PLANES4.code());
        assertThat(encodedFloats.length).isLessThan(floats.length / 2);
        assertThat(BlobCodec.mode(encodedNoise, 0)).isEqualTo(Compression.RAW.code());
        assertThat(BlobCodec.decode(encodedText, 0, encodedText.length, text.length)).isEqualTo(text);
        assertThat(BlobCodec.decode(encodedFloats, 0, encodedFloats.length, floats.length)).isEqualTo(floats);
        assertThat(BlobCodec.decode(encodedNoise, 0, encodedNoise.length, noise.length)).isEqualTo(noise);
    }

    @Test
    void bytePlanesStoreZeroPlanesInOneByteAndNoiseRaw() throws CorruptBlobException {
        byte[] data = bfloat16Floats(6, 1 << 16);
        byte[] encoded = BlobCodec.encode(data, 0, data.length, Compression.PLANES4);
        int plane = data.length / 4;
        // mode byte, lead 0, then plane 0 and plane 1: all-zero low halves of the floats
        assertThat(encoded[1]).isEqualTo((byte) 0);
        assertThat(encoded[2]).isEqualTo((byte) 0);
        assertThat(encoded[3]).isEqualTo((byte) 0);
        // plane 2 (low mantissa bits) is noise and is stored raw; plane 3 compresses
        assertThat(encoded[4]).isEqualTo((byte) 1);
        assertThat(encoded[5 + plane]).isEqualTo((byte) 2);
        assertThat(BlobCodec.decode(encoded, 0, encoded.length, data.length)).isEqualTo(data);
    }

    /**
     * The exponent plane is coded within 5% of its order-0 entropy. zstd's level 1, which
     * spends it on short matches, needed 17% more.
     */
    @Test
    void exponentPlanesAreCodedCloseToTheirEntropy() throws CorruptBlobException {
        byte[] data = float32Floats(10, 1 << 18);
        byte[] encoded = BlobCodec.encode(data, 0, data.length);
        assertThat(BlobCodec.mode(encoded, 0)).isEqualTo(Compression.PLANES4.code());
        int plane = data.length / 4;
        int[] counts = new int[256];
        for (int i = 3; i < data.length; i += 4) {
            counts[data[i] & 0xff]++;
        }
        double bits = 0;
        for (int c : counts) {
            bits -= c == 0 ? 0 : c * Math.log((double) c / plane) / Math.log(2);
        }
        // mode, lead, then planes 0-2 stored raw (full-precision mantissas do not compress)
        assertThat(encoded[2]).isEqualTo((byte) 1);
        int exponentPlane = encoded.length - 2 - 3 * (1 + plane) - 5;
        assertThat(exponentPlane).isLessThanOrEqualTo((int) (1.05 * bits / 8));
        assertThat(BlobCodec.decode(encoded, 0, encoded.length, data.length)).isEqualTo(data);
    }

    /**
     * The exponent plane still finds repeats 8 KiB apart (here a 32 KiB block of floats over
     * and over): the plane setting's hash table of 2^10 entries does, 2^8 or fewer do not
     * (the short repeats of an exponent plane keep overwriting a small table).
     */
    @Test
    void exponentPlanesStillFindRepeatsAFewKibApart() throws CorruptBlobException {
        byte[] block = float32Floats(11, 8192);
        byte[] data = new byte[1 << 20];
        for (int i = 0; i < data.length; i += block.length) {
            System.arraycopy(block, 0, data, i, block.length);
        }
        byte[] encoded = BlobCodec.encode(data, 0, data.length, Compression.PLANES4);
        int plane = data.length / 4;
        assertThat(storedPlaneSizes(encoded, plane)[3]).isLessThan(plane / 20);
        assertThat(BlobCodec.decode(encoded, 0, encoded.length, data.length)).isEqualTo(data);
    }

    /** The bytes each of a {@code PLANES4} blob's four planes takes (lead 0), kind byte included. */
    private static int[] storedPlaneSizes(byte[] encoded, int plane) {
        int[] sizes = new int[4];
        int pos = 2; // mode, lead
        for (int k = 0; k < 4; k++) {
            int start = pos;
            int kind = encoded[pos++];
            if (kind == 1) {
                pos += plane;
            } else if (kind == 2) {
                pos += 4 + ((encoded[pos] & 0xff) | (encoded[pos + 1] & 0xff) << 8 | (encoded[pos + 2] & 0xff) << 16
                        | (encoded[pos + 3] & 0xff) << 24);
            }
            sizes[k] = pos - start;
        }
        return sizes;
    }

    /** Small text is not also tried as byte planes (which never win on it), and still shrinks. */
    @Test
    void smallTextIsNotTriedAsPlanes() throws CorruptBlobException {
        byte[] text = text(12, 8 * 1024);
        assertThat(Order0.planesMayPay(new int[1024], text, 0, text.length)).isFalse();
        byte[] encoded = BlobCodec.encode(text, 0, text.length);
        byte[] planes = BlobCodec.encode(text, 0, text.length, Compression.PLANES4);
        assertThat(BlobCodec.mode(encoded, 0)).isEqualTo(Compression.ZSTD.code());
        assertThat(encoded.length).isLessThan(planes.length);
    }

    @Test
    void shortDataIsStoredRaw() {
        byte[] data = new byte[BlobCodec.MIN_COMPRESS_LENGTH - 1];
        assertThat(BlobCodec.encode(data, 0, data.length)).hasSize(data.length + 1).startsWith(0);
    }

    @Test
    void encodesTheGivenRangeOnly() throws CorruptBlobException {
        byte[] data = text(6, 10_000);
        byte[] encoded = BlobCodec.encode(data, 100, 5000);
        assertThat(BlobCodec.decode(encoded, 0, encoded.length, 5000)).isEqualTo(Arrays.copyOfRange(data, 100, 5100));
    }

    @Test
    void emptyBlobIsCorrupt() {
        assertThatThrownBy(() -> BlobCodec.decode(new byte[0], 0, 0, 0))
                .isInstanceOf(CorruptBlobException.class).hasMessageContaining("no mode byte");
    }

    @Test
    void unknownModeIsCorrupt() {
        assertThatThrownBy(() -> BlobCodec.decode(new byte[] {4, 1, 2}, 0, 3, 2))
                .isInstanceOf(CorruptBlobException.class).hasMessage("unknown compression mode 4");
        assertThatThrownBy(() -> BlobCodec.decode(new byte[] {(byte) 0xff}, 0, 1, 0))
                .isInstanceOf(CorruptBlobException.class).hasMessage("unknown compression mode 255");
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void wrongRawLengthIsCorrupt(Compression mode) {
        byte[] data = text(7, 3000);
        byte[] encoded = BlobCodec.encode(data, 0, data.length, mode);
        assertThatThrownBy(() -> BlobCodec.decode(encoded, 0, encoded.length, data.length - 1))
                .isInstanceOf(CorruptBlobException.class);
        assertThatThrownBy(() -> BlobCodec.decode(encoded, 0, encoded.length, data.length + 1))
                .isInstanceOf(CorruptBlobException.class);
        assertThatThrownBy(() -> BlobCodec.decode(encoded, 0, encoded.length, 0))
                .isInstanceOf(CorruptBlobException.class);
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"ZSTD", "SHUFFLE4_ZSTD", "PLANES4"})
    void truncatedOrEmptyBodyIsCorrupt(Compression mode) {
        byte[] data = text(8, 3000);
        byte[] encoded = BlobCodec.encode(data, 0, data.length, mode);
        for (int length : new int[] {1, 2, encoded.length / 2, encoded.length - 1}) {
            assertThatThrownBy(() -> BlobCodec.decode(encoded, 0, length, data.length))
                    .as("first %d bytes", length).isInstanceOf(CorruptBlobException.class);
        }
    }

    @Test
    void trailingBytesAfterTheFrameAreCorrupt() {
        byte[] data = text(9, 3000);
        byte[] encoded = BlobCodec.encode(data, 0, data.length, Compression.ZSTD);
        byte[] longer = Arrays.copyOf(encoded, encoded.length + 3);
        assertThatThrownBy(() -> BlobCodec.decode(longer, 0, longer.length, data.length))
                .isInstanceOf(CorruptBlobException.class);
    }

    @Test
    void negativeRawLengthIsAProgrammingError() {
        assertThatIllegalArgumentException().isThrownBy(() -> BlobCodec.decode(new byte[] {0}, 0, 1, -1));
    }

    @Test
    void rangesOutsideTheArrayAreProgrammingErrors() {
        assertThatThrownBy(() -> BlobCodec.encode(new byte[10], 5, 6)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> BlobCodec.decode(new byte[10], 5, 6, 5)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void aChunkThatStartsMidFloatStillFindsItsZeroPlanes() throws CorruptBlobException {
        byte[] tensor = bfloat16Floats(7, 1 << 18);
        for (int skip = 1; skip < 4; skip++) {
            // A content-defined chunk starting 'skip' bytes into the tensor, of odd length.
            int length = tensor.length - skip - 3;
            byte[] encoded = BlobCodec.encode(tensor, skip, length, skip);
            assertThat(BlobCodec.mode(encoded, 0)).as("skip %d", skip).isEqualTo(Compression.PLANES4.code());
            assertThat(encoded[1]).as("lead").isEqualTo((byte) (4 - skip));
            assertThat(encoded.length).as("two planes vanish").isLessThan(length / 2);
            assertThat(BlobCodec.decode(encoded, 0, encoded.length, length))
                    .isEqualTo(Arrays.copyOfRange(tensor, skip, skip + length));
        }
    }
}
