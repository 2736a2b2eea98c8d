package io.lifeboat.core.internal.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class EnvelopeTest {
    private final byte[] key = EnvelopeProperties.randomKey();
    private final Envelope envelope = new Envelope(key);

    @Test
    void overheadIsNonceAndTag() {
        assertThat(Envelope.OVERHEAD).isEqualTo(28);
        assertThat(envelope.seal(new byte[0])).hasSize(28);
    }

    @Test
    void inputShorterThanOverheadFailsAuthenticationNotWithARuntimeException() {
        for (int len = 0; len < Envelope.OVERHEAD; len++) {
            byte[] tooShort = new byte[len];
            assertThatThrownBy(() -> envelope.open(tooShort))
                    .isInstanceOf(AuthenticationException.class)
                    .hasMessage("authentication failed: wrong key or corrupted data");
        }
    }

    @Test
    void formatIsNonceThenStandardGcmCiphertextAndTag() throws Exception {
        byte[] plain = "the format is nonce || ciphertext || tag".getBytes();
        byte[] sealed = envelope.seal(plain);

        Cipher reference = Cipher.getInstance("AES/GCM/NoPadding");
        reference.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, sealed, 0, 12));
        assertThat(reference.doFinal(sealed, 12, sealed.length - 12)).isEqualTo(plain);
    }

    @Test
    void rejectsKeysOfTheWrongLength() {
        assertThatThrownBy(() -> new Envelope(new byte[16])).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16");
    }

    @Test
    void keyArrayMayBeZeroedAfterConstruction() throws Exception {
        byte[] mine = EnvelopeProperties.randomKey();
        Envelope e = new Envelope(mine);
        byte[] sealed = e.seal(new byte[] {1, 2, 3});
        java.util.Arrays.fill(mine, (byte) 0);

        assertThat(e.open(sealed)).containsExactly(1, 2, 3);
    }

    @Test
    void manyThreadsSealAndOpenConcurrently() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                byte seed = (byte) t;
                results.add(pool.submit(() -> {
                    start.await();
                    int ok = 0;
                    for (int i = 0; i < 500; i++) {
                        byte[] plain = new byte[i];
                        java.util.Arrays.fill(plain, seed);
                        if (java.util.Arrays.equals(envelope.open(envelope.seal(plain)), plain)) {
                            ok++;
                        }
                    }
                    return ok;
                }));
            }
            start.countDown();
            for (Future<Integer> r : results) {
                assertThat(r.get()).isEqualTo(500);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
