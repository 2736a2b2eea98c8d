package io.lifeboat.core.internal.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class MasterKeyTest {
    private final MasterKey key = MasterKey.generate(new SecureRandom());

    @Test
    void encodingIsDataKeyThenChunkIdKeyThenChunkerSeed() {
        byte[] encoded = key.encode();

        assertThat(encoded).hasSize(96);
        assertThat(Arrays.copyOfRange(encoded, 0, 32)).isEqualTo(key.dataKey());
        assertThat(Arrays.copyOfRange(encoded, 32, 64)).isEqualTo(key.chunkIdKey());
        assertThat(Arrays.copyOfRange(encoded, 64, 96)).isEqualTo(key.chunkerSeed());
    }

    @Test
    void decodeInvertsEncode() {
        assertThat(MasterKey.decode(key.encode()).encode()).isEqualTo(key.encode());
    }

    @Test
    void decodeCopiesSoTheCallerMayZeroItsArray() {
        byte[] encoded = key.encode();
        MasterKey decoded = MasterKey.decode(encoded);
        Arrays.fill(encoded, (byte) 0);

        assertThat(decoded.encode()).isEqualTo(key.encode());
    }

    @Test
    void accessorsReturnCopies() {
        key.dataKey()[0] ^= 1;
        key.chunkIdKey()[0] ^= 1;
        key.chunkerSeed()[0] ^= 1;
        key.encode()[0] ^= 1;

        assertThat(MasterKey.decode(key.encode()).dataKey()).isEqualTo(key.dataKey());
        assertThat(key.encode()).startsWith(key.dataKey());
    }

    @Test
    void decodeRejectsWrongLengths() {
        assertThatThrownBy(() -> MasterKey.decode(new byte[95])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("95");
        assertThatThrownBy(() -> MasterKey.decode(new byte[97])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void generatedKeysDifferAndTheirPartsDiffer() {
        MasterKey other = MasterKey.generate(new SecureRandom());

        assertThat(other.encode()).isNotEqualTo(key.encode());
        assertThat(key.dataKey()).isNotEqualTo(key.chunkIdKey()).isNotEqualTo(key.chunkerSeed());
    }

    @Test
    void toStringRevealsNoKeyBytes() {
        String shown = key.toString();

        for (byte[] secret : new byte[][] {key.dataKey(), key.chunkIdKey(), key.chunkerSeed(), key.encode()}) {
            assertThat(shown).doesNotContainIgnoringCase(HexFormat.of().formatHex(secret, 0, 4))
                    .doesNotContain(Base64.getEncoder().encodeToString(Arrays.copyOf(secret, 6)));
        }
        assertThat(shown).isEqualTo("MasterKey[redacted]");
    }
}
