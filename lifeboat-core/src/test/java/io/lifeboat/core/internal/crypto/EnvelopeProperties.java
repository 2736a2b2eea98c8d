package io.lifeboat.core.internal.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.internal.io.Buf;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class EnvelopeProperties {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Envelope envelope = new Envelope(randomKey());

    @Property
    void openReturnsWhatWasSealed(@ForAll @Size(max = 5000) byte[] plain) throws Exception {
        byte[] sealed = envelope.seal(plain);

        assertThat(sealed).hasSize(plain.length + Envelope.OVERHEAD);
        assertThat(envelope.open(sealed)).isEqualTo(plain);
    }

    @Property
    void sealAndOpenHonourOffsets(@ForAll @Size(max = 500) byte[] plain, @ForAll @IntRange(max = 40) int before,
            @ForAll @IntRange(max = 40) int after) throws Exception {
        byte[] padded = embed(plain, before, after);
        byte[] sealed = envelope.seal(padded, before, plain.length);

        assertThat(envelope.open(embed(sealed, after, before), after, sealed.length)).isEqualTo(plain);
    }

    /** Sealing into a reused buffer, larger or smaller than needed, opens to the plaintext. */
    @Property
    void sealingIntoAReusedBufferOpens(@ForAll @Size(max = 5000) byte[] first, @ForAll @Size(max = 5000) byte[] second,
            @ForAll @IntRange(max = 40) int before) throws Exception {
        Buf out = new Buf();
        for (byte[] plain : List.of(first, second, first)) {
            envelope.seal(embed(plain, before, 3), before, plain.length, out);

            assertThat(out.length()).isEqualTo(plain.length + Envelope.OVERHEAD);
            assertThat(envelope.open(out.array(), 0, out.length())).isEqualTo(plain);
        }
    }

    /** Opening into a reused buffer gives the plaintext; a changed byte fails and leaves nothing readable. */
    @Property
    void openingIntoAReusedBufferAuthenticates(@ForAll @Size(max = 5000) byte[] first, @ForAll @Size(max = 5000) byte[] second,
            @ForAll @IntRange(min = 0) int where) throws Exception {
        Buf out = new Buf();
        for (byte[] plain : List.of(first, second)) {
            byte[] sealed = envelope.seal(plain);
            envelope.open(embed(sealed, 5, 0), 5, sealed.length, out);
            assertThat(Arrays.copyOf(out.array(), out.length())).isEqualTo(plain);

            sealed[where % sealed.length] ^= 1;
            assertThatThrownBy(() -> envelope.open(sealed, 0, sealed.length, out))
                    .isInstanceOf(AuthenticationException.class);
            assertThat(out.length()).isZero();
        }
    }

    @Property
    void anyFlippedBitFailsAuthentication(@ForAll @Size(max = 300) byte[] plain, @ForAll @IntRange(min = 0) int where) {
        byte[] sealed = envelope.seal(plain);
        int bit = where % (8 * sealed.length);
        sealed[bit / 8] ^= (byte) (1 << (bit % 8));

        assertThatThrownBy(() -> envelope.open(sealed))
                .isInstanceOf(AuthenticationException.class)
                .hasMessage("authentication failed: wrong key or corrupted data");
    }

    @Property
    void anyTruncationFailsAuthentication(@ForAll @Size(max = 300) byte[] plain, @ForAll @IntRange(min = 0) int cut) {
        byte[] sealed = envelope.seal(plain);
        int keep = cut % sealed.length;

        assertThatThrownBy(() -> envelope.open(Arrays.copyOf(sealed, keep))).isInstanceOf(AuthenticationException.class);
    }

    @Property
    void anyExtensionFailsAuthentication(@ForAll @Size(max = 300) byte[] plain, @ForAll @Size(min = 1, max = 40) byte[] extra) {
        byte[] sealed = envelope.seal(plain);
        byte[] longer = Arrays.copyOf(sealed, sealed.length + extra.length);
        System.arraycopy(extra, 0, longer, sealed.length, extra.length);

        assertThatThrownBy(() -> envelope.open(longer)).isInstanceOf(AuthenticationException.class);
    }

    @Property
    void twoSealsOfTheSamePlaintextDiffer(@ForAll @Size(max = 300) byte[] plain) {
        byte[] first = envelope.seal(plain);
        byte[] second = envelope.seal(plain);

        assertThat(Arrays.copyOf(first, Envelope.NONCE_LENGTH)).isNotEqualTo(Arrays.copyOf(second, Envelope.NONCE_LENGTH));
        assertThat(first).isNotEqualTo(second);
    }

    @Property(tries = 100)
    void anotherKeyFailsAuthentication(@ForAll @Size(max = 300) byte[] plain) {
        byte[] sealed = envelope.seal(plain);
        Envelope other = new Envelope(randomKey());

        assertThatThrownBy(() -> other.open(sealed)).isInstanceOf(AuthenticationException.class);
    }

    private static byte[] embed(byte[] data, int before, int after) {
        byte[] out = new byte[before + data.length + after];
        RANDOM.nextBytes(out);
        System.arraycopy(data, 0, out, before, data.length);
        return out;
    }

    static byte[] randomKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return key;
    }
}
