package io.lifeboat.core.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.lifeboat.core.internal.io.Buf;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class BlobCodecProperties {

    enum Kind { RANDOM, TEXT, BFLOAT16, ZEROS }

    @Property(tries = 500)
    void arbitraryBytesRoundTrip(@ForAll @Size(max = 5000) byte[] data) throws CorruptBlobException {
        byte[] encoded = BlobCodec.encode(data, 0, data.length);
        assertThat(encoded.length).isLessThanOrEqualTo(data.length + 1);
        assertThat(BlobCodec.decode(encoded, 0, encoded.length, data.length)).isEqualTo(data);
    }

    @Property(tries = 200)
    void shapedDataRoundTrips(@ForAll("shaped") byte[] data) throws CorruptBlobException {
        byte[] encoded = BlobCodec.encode(data, 0, data.length);
        assertThat(encoded.length).isLessThanOrEqualTo(data.length + 1);
        assertThat(BlobCodec.decode(encoded, 0, encoded.length, data.length)).isEqualTo(data);
    }

    @Property(tries = 300)
    void everyModeRoundTripsFromAnyRange(@ForAll("shaped") byte[] data, @ForAll Compression mode,
            @ForAll @IntRange(max = 9) int before, @ForAll @IntRange(max = 9) int after) throws CorruptBlobException {
        byte[] padded = new byte[before + data.length + after];
        Arrays.fill(padded, (byte) 0x77);
        System.arraycopy(data, 0, padded, before, data.length);
        byte[] encoded = BlobCodec.encode(padded, before, data.length, mode);
        assertThat(BlobCodec.mode(encoded, 0)).isEqualTo(mode.code());

        byte[] stored = new byte[after + encoded.length + before];
        System.arraycopy(encoded, 0, stored, after, encoded.length);
        assertThat(BlobCodec.decode(stored, after, encoded.length, data.length)).isEqualTo(data);
    }

    /**
     * Encoding into a reused buffer gives exactly the bytes a fresh array gets, whatever
     * the buffer held before (a larger blob, say) and wherever the data sat in its stream.
     */
    @Property(tries = 200)
    void encodingIntoAReusedBufferEqualsAFreshArray(@ForAll("shaped") byte[] first, @ForAll("shaped") byte[] second,
            @ForAll @IntRange(max = 7) int streamOffset) throws CorruptBlobException {
        Buf out = new Buf();
        for (byte[] data : List.of(first, second, first)) {
            BlobCodec.encode(data, 0, data.length, streamOffset, out);
            byte[] fresh = BlobCodec.encode(data, 0, data.length, streamOffset);
            assertThat(Arrays.copyOf(out.array(), out.length())).isEqualTo(fresh);
            assertThat(BlobCodec.decode(out.array(), 0, out.length(), data.length)).isEqualTo(data);
        }
    }

    /** Decoding into a reused buffer yields the data whatever the buffer held, in every mode. */
    @Property(tries = 200)
    void decodingIntoAReusedBufferYieldsTheData(@ForAll("shaped") byte[] first, @ForAll("shaped") byte[] second,
            @ForAll Compression mode) throws CorruptBlobException {
        Buf out = new Buf();
        for (byte[] data : List.of(first, second, first)) {
            byte[] encoded = BlobCodec.encode(data, 0, data.length, mode);
            BlobCodec.decode(encoded, 0, encoded.length, data.length, out);
            assertThat(out.length()).isEqualTo(data.length);
            assertThat(Arrays.copyOf(out.array(), out.length())).isEqualTo(data);
        }
    }

    /** Damage to a zstd body is detected, never decoded into wrong bytes. */
    @Property(tries = 500)
    void damagedZstdBodyIsCorruptNeverWrong(@ForAll("shaped") byte[] data, @ForAll boolean shuffled,
            @ForAll long damageSeed) {
        Compression mode = shuffled ? Compression.SHUFFLE4_ZSTD : Compression.ZSTD;
        byte[] encoded = BlobCodec.encode(data, 0, data.length, mode);
        Random random = new Random(damageSeed);
        byte[] damaged = encoded.clone();
        int flips = 1 + random.nextInt(3);
        for (int i = 0; i < flips; i++) {
            int at = 1 + random.nextInt(damaged.length - 1);
            damaged[at] ^= (byte) (1 + random.nextInt(255));
        }
        try {
            assertThat(BlobCodec.decode(damaged, 0, damaged.length, data.length)).isEqualTo(data);
        } catch (CorruptBlobException expected) {
            // detected
        }
    }

    /** Whatever happens to a blob, decode throws nothing but CorruptBlobException. */
    @Property(tries = 1000)
    void anyDamageYieldsOnlyCorruptBlobException(@ForAll("shaped") byte[] data, @ForAll Compression mode,
            @ForAll long damageSeed, @ForAll @IntRange(min = -2, max = 2) int lengthError) {
        byte[] encoded = BlobCodec.encode(data, 0, data.length, mode);
        byte[] damaged = damage(encoded, new Random(damageSeed));
        int rawLength = Math.max(0, data.length + lengthError);
        assertThatCode(() -> {
            try {
                byte[] decoded = BlobCodec.decode(damaged, 0, damaged.length, rawLength);
                assertThat(decoded).hasSize(rawLength);
            } catch (CorruptBlobException expected) {
                // detected
            }
        }).doesNotThrowAnyException();
    }

    /** Flips, truncates, extends or replaces the mode byte, at random. */
    private static byte[] damage(byte[] encoded, Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> {
                byte[] flipped = encoded.clone();
                flipped[random.nextInt(flipped.length)] ^= (byte) (1 + random.nextInt(255));
                yield flipped;
            }
            case 1 -> Arrays.copyOf(encoded, random.nextInt(encoded.length));
            case 2 -> {
                byte[] longer = Arrays.copyOf(encoded, encoded.length + 1 + random.nextInt(16));
                longer[encoded.length] = (byte) random.nextInt();
                yield longer;
            }
            default -> {
                byte[] remoded = encoded.clone();
                remoded[0] = (byte) random.nextInt(256);
                yield remoded;
            }
        };
    }

    @Provide
    Arbitrary<byte[]> shaped() {
        return Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.integers().between(0, 70_000),
                Arbitraries.longs()).as(BlobCodecProperties::make);
    }

    private static byte[] make(Kind kind, int length, long seed) {
        return switch (kind) {
            case RANDOM -> CodecFixtures.random(seed, length);
            case TEXT -> CodecFixtures.text(seed, length);
            case BFLOAT16 -> CodecFixtures.bfloat16Floats(seed, length / 4);
            case ZEROS -> new byte[length];
        };
    }

    /** Data at any offset of its stream round-trips, whatever lead the byte planes need. */
    @Property(tries = 300)
    void anyStreamOffsetRoundTrips(@ForAll("shaped") byte[] data, @ForAll long streamOffset) throws Exception {
        byte[] encoded = BlobCodec.encode(data, 0, data.length, streamOffset);
        assertThat(BlobCodec.decode(encoded, 0, encoded.length, data.length)).isEqualTo(data);
    }
}
