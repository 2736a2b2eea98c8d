package io.lifeboat.core.internal.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.Id;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

class ChunkIdHasherTest {

    @Property
    void matchesAnIndependentHmacSha256(@ForAll @Size(32) byte[] key, @ForAll @Size(max = 2000) byte[] data) {
        assertThat(new ChunkIdHasher(key).hash(data)).isEqualTo(referenceHmac(key, data));
    }

    @Property
    void hashesOnlyTheGivenRange(@ForAll @Size(32) byte[] key, @ForAll @Size(max = 300) byte[] data,
            @ForAll @IntRange(max = 20) int before, @ForAll @IntRange(max = 20) int after) {
        byte[] padded = new byte[before + data.length + after];
        java.util.Arrays.fill(padded, (byte) 0x5a);
        System.arraycopy(data, 0, padded, before, data.length);

        assertThat(new ChunkIdHasher(key).hash(padded, before, data.length)).isEqualTo(referenceHmac(key, data));
    }

    @Property
    void differentKeysGiveDifferentIds(@ForAll @Size(32) byte[] key, @ForAll @IntRange(max = 255) int bit,
            @ForAll @Size(max = 300) byte[] data) {
        byte[] otherKey = key.clone();
        otherKey[bit / 8] ^= (byte) (1 << (bit % 8));

        assertThat(new ChunkIdHasher(key).hash(data)).isNotEqualTo(new ChunkIdHasher(otherKey).hash(data));
    }

    @Test
    void knownAnswer() {
        // HMAC-SHA256 with key 0x00..0x1f over "abc", computed with `openssl dgst -sha256 -mac HMAC -macopt hexkey:...`.
        byte[] key = new byte[32];
        for (int i = 0; i < 32; i++) {
            key[i] = (byte) i;
        }
        Id id = new ChunkIdHasher(key).hash("abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

        assertThat(id.hex()).isEqualTo(KNOWN_ANSWER);
    }

    @Test
    void rejectsKeysOfTheWrongLength() {
        assertThatThrownBy(() -> new ChunkIdHasher(new byte[31])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("31");
    }

    static final String KNOWN_ANSWER = "f0133729c4163dede81e21cd47839256da58171238c8a0d874397c73b14e1e47";

    /** HMAC-SHA256 by Bouncy Castle's lightweight API, independent of the JDK's Mac. */
    private static Id referenceHmac(byte[] key, byte[] data) {
        HMac mac = new HMac(new SHA256Digest());
        mac.init(new KeyParameter(key));
        mac.update(data, 0, data.length);
        byte[] out = new byte[32];
        mac.doFinal(out, 0);
        return Id.of(out);
    }
}
