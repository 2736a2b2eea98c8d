package io.lifeboat.core.internal.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The native and the JDK AES-GCM are interchangeable: each opens what the other sealed. */
class GcmProviderProperties {
    @Test
    void theNativeProviderLoadsOnThisPlatform() {
        // The build machines are Linux x86-64, where Conscrypt ships its library; if this
        // fails, Lifeboat still works but falls back to the slower JDK implementation.
        assertThat(GcmProvider.name()).isEqualTo("conscrypt");
    }

    @Property(tries = 200)
    void jdkAndNativeAreInterchangeable(@ForAll @Size(32) byte[] key, @ForAll @Size(max = 70_000) byte[] plain)
            throws Exception {
        Envelope envelope = new Envelope(key); // uses the native provider
        byte[] sealedNatively = envelope.seal(plain);
        assertThat(jdk(Cipher.DECRYPT_MODE, key, sealedNatively)).isEqualTo(plain);

        byte[] sealedByJdk = jdk(Cipher.ENCRYPT_MODE, key, plain);
        assertThat(envelope.open(sealedByJdk)).isEqualTo(plain);
        sealedByJdk[sealedByJdk.length - 1] ^= 1;
        assertThatThrownBy(() -> envelope.open(sealedByJdk)).isInstanceOf(AuthenticationException.class);
    }

    /** The reusable-buffer path (direct buffers into Conscrypt) writes and reads the same format. */
    @Property(tries = 200)
    void theBufferPathIsInterchangeableWithTheJdk(@ForAll @Size(32) byte[] key, @ForAll @Size(max = 70_000) byte[] plain)
            throws Exception {
        Envelope envelope = new Envelope(key);
        io.lifeboat.core.internal.io.Buf out = new io.lifeboat.core.internal.io.Buf();
        envelope.seal(plain, 0, plain.length, out);
        assertThat(jdk(Cipher.DECRYPT_MODE, key, java.util.Arrays.copyOf(out.array(), out.length()))).isEqualTo(plain);

        byte[] sealedByJdk = jdk(Cipher.ENCRYPT_MODE, key, plain);
        envelope.open(sealedByJdk, 0, sealedByJdk.length, out);
        assertThat(java.util.Arrays.copyOf(out.array(), out.length())).isEqualTo(plain);
    }

    /** Seals (nonce || ct || tag with an all-zero nonce) or opens with the JDK's own provider. */
    private static byte[] jdk(int mode, byte[] key, byte[] in) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
        if (mode == Cipher.ENCRYPT_MODE) {
            byte[] nonce = new byte[Envelope.NONCE_LENGTH];
            c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            byte[] ct = c.doFinal(in);
            byte[] out = new byte[nonce.length + ct.length];
            System.arraycopy(ct, 0, out, nonce.length, ct.length);
            return out;
        }
        c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, in, 0, Envelope.NONCE_LENGTH));
        return c.doFinal(in, Envelope.NONCE_LENGTH, in.length - Envelope.NONCE_LENGTH);
    }
}
