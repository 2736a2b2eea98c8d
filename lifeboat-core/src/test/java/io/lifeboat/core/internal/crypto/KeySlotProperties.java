package io.lifeboat.core.internal.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Damage to a stored key slot never escapes as a RuntimeException and never yields another key. */
class KeySlotProperties {
    private static final char[] PASSPHRASE = "tr0ub4dor&3".toCharArray();
    private static final MasterKey KEY = MasterKey.generate(new SecureRandom());
    private static final byte[] JSON =
            KeySlot.create(PASSPHRASE, KEY, KdfParams.TESTING, "host", "user", Clock.systemUTC()).toJson();

    @Property(tries = 300)
    void anyChangedByteIsRefusedOrHarmless(@ForAll @IntRange(min = 0) int where, @ForAll @IntRange(min = 1, max = 255) int xor) {
        byte[] damaged = JSON.clone();
        damaged[where % damaged.length] ^= (byte) xor;

        assertRefusedOrSameKey(damaged);
    }

    @Property(tries = 200)
    void anyTruncationIsRefused(@ForAll @IntRange(min = 0) int cut) {
        byte[] truncated = java.util.Arrays.copyOf(JSON, cut % JSON.length);

        assertRefusedOrSameKey(truncated);
    }

    private static void assertRefusedOrSameKey(byte[] json) {
        KeySlot slot;
        try {
            slot = KeySlot.fromJson(json);
        } catch (IOException e) {
            assertThat(e).isInstanceOf(MalformedKeySlotException.class);
            return;
        }
        try {
            assertThat(slot.unwrap(PASSPHRASE).encode()).isEqualTo(KEY.encode());
        } catch (WrongPassphraseException e) {
            // refused: the damage hit an authenticated field
        }
    }
}
