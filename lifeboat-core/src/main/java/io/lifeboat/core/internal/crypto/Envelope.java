package io.lifeboat.core.internal.crypto;

import io.lifeboat.core.internal.io.Buf;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM sealing of every object and blob Lifeboat stores.
 *
 * <h2>Format</h2>
 * <pre>
 * nonce (12 bytes, random) || ciphertext (as long as the plaintext) || tag (16 bytes)
 * </pre>
 * No associated data. A sealed message is therefore exactly {@link #OVERHEAD} bytes longer
 * than its plaintext.
 *
 * <h2>Nonces</h2>
 * Every {@link #seal} draws a fresh 96-bit nonce from a {@link SecureRandom}; nonces are
 * never counters and never reused on purpose. Random nonces collide by chance: after
 * {@code q} seals under one key the probability of any collision is about
 * {@code q^2 / 2^97}. NIST SP 800-38D (section 8.3) therefore limits a key used with
 * random 96-bit nonces to 2^32 invocations, which keeps that probability below 2^-32.
 * Lifeboat seals one message per stored object or blob, so one data key stays within the
 * limit for about four billion stored objects (several petabytes at megabyte-sized
 * chunks); a repository larger than that needs a new data key. A single message may be
 * up to the Java array limit, far below GCM's 64 GiB per-message limit.
 *
 * <h2>Threads</h2>
 * Thread-safe. Each thread reuses one {@link Cipher} (the JDK's AES-GCM is accelerated by
 * CPU intrinsics) and one {@link SecureRandom}; both are initialised afresh for every
 * message.
 */
public final class Envelope {
    /** Nonce length in bytes. */
    public static final int NONCE_LENGTH = 12;
    /** Authentication tag length in bytes. */
    public static final int TAG_LENGTH = 16;
    /** Bytes a sealed message has beyond its plaintext: nonce and tag. */
    public static final int OVERHEAD = NONCE_LENGTH + TAG_LENGTH;

    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final ThreadLocal<Cipher> CIPHER = ThreadLocal.withInitial(Envelope::newCipher);
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(SecureRandom::new);
    private static final ThreadLocal<DirectPair> DIRECT = ThreadLocal.withInitial(DirectPair::new);

    private final SecretKeySpec key;

    /**
     * An envelope sealing under {@code dataKey}; the caller may zero the array afterwards.
     *
     * @throws IllegalArgumentException unless the key has 32 bytes
     */
    public Envelope(byte[] dataKey) {
        if (dataKey.length != MasterKey.KEY_LENGTH) {
            throw new IllegalArgumentException("an AES-256 key has 32 bytes, not " + dataKey.length);
        }
        this.key = new SecretKeySpec(dataKey, "AES");
    }

    /**
     * Seals {@code plain[off, off+len)} under a fresh random nonce.
     *
     * @return a new array of {@code len + OVERHEAD} bytes
     */
    public byte[] seal(byte[] plain, int off, int len) {
        Objects.checkFromIndexSize(off, len, plain.length);
        byte[] sealed = new byte[len + OVERHEAD];
        sealInto(plain, off, len, sealed);
        return sealed;
    }

    /**
     * Seals {@code plain[off, off+len)} into {@code out}, which is reused rather than a
     * new array made: {@code out.array()[0, out.length())} is the sealed message.
     * {@code plain} must not be {@code out}'s array.
     */
    public void seal(byte[] plain, int off, int len, Buf out) {
        Objects.checkFromIndexSize(off, len, plain.length);
        byte[] target = out.ensure(len + OVERHEAD);
        if (target == plain) {
            throw new IllegalArgumentException("cannot seal a buffer into itself");
        }
        DirectPair direct = DIRECT.get();
        ByteBuffer in = direct.in(len);
        in.put(plain, off, len).flip();
        ByteBuffer sealed = direct.out(len + TAG_LENGTH);
        byte[] nonce = new byte[NONCE_LENGTH];
        RANDOM.get().nextBytes(nonce);
        Cipher cipher = CIPHER.get();
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(8 * TAG_LENGTH, nonce));
            cipher.doFinal(in, sealed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        } finally {
            direct.trim();
        }
        System.arraycopy(nonce, 0, target, 0, NONCE_LENGTH);
        sealed.flip().get(target, NONCE_LENGTH, len + TAG_LENGTH);
        out.length(len + OVERHEAD);
    }

    /**
     * A thread's direct buffers for {@link #seal(byte[], int, int, Buf)} and
     * {@link #open(byte[], int, int, Buf)}. Given direct
     * buffers, Conscrypt seals without the internal copy it otherwise makes of each
     * message, an array allocated afresh whenever the message size changes: over a
     * gigabyte of garbage per gigabyte backed up.
     */
    private static final class DirectPair {
        /** Buffers grown past this (for a rare huge blob) are dropped after use. */
        private static final int RETAIN = 4 * 1024 * 1024 + 64;
        private ByteBuffer in = ByteBuffer.allocateDirect(0);
        private ByteBuffer out = ByteBuffer.allocateDirect(0);

        ByteBuffer in(int size) {
            in = in.capacity() < size ? ByteBuffer.allocateDirect(size) : in.clear();
            return in;
        }

        ByteBuffer out(int size) {
            out = out.capacity() < size ? ByteBuffer.allocateDirect(size) : out.clear();
            return out;
        }

        void trim() {
            if (in.capacity() > RETAIN) {
                in = ByteBuffer.allocateDirect(0);
            }
            if (out.capacity() > RETAIN) {
                out = ByteBuffer.allocateDirect(0);
            }
        }
    }

    /** Writes nonce, ciphertext and tag to {@code sealed[0, len + OVERHEAD)}. */
    private void sealInto(byte[] plain, int off, int len, byte[] sealed) {
        byte[] nonce = new byte[NONCE_LENGTH];
        RANDOM.get().nextBytes(nonce);
        System.arraycopy(nonce, 0, sealed, 0, NONCE_LENGTH);
        Cipher cipher = CIPHER.get();
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(8 * TAG_LENGTH, nonce));
            cipher.doFinal(plain, off, len, sealed, NONCE_LENGTH);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /** Seals a whole array; see {@link #seal(byte[], int, int)}. */
    public byte[] seal(byte[] plain) {
        return seal(plain, 0, plain.length);
    }

    /**
     * Opens {@code sealed[off, off+len)}, which {@link #seal} produced under the same key.
     *
     * @return the plaintext, {@code len - OVERHEAD} bytes
     * @throws AuthenticationException if the bytes were sealed under another key, were
     *         changed in any way, or are shorter than {@link #OVERHEAD}
     */
    public byte[] open(byte[] sealed, int off, int len) throws AuthenticationException {
        Objects.checkFromIndexSize(off, len, sealed.length);
        if (len < OVERHEAD) {
            throw new AuthenticationException();
        }
        Cipher cipher = CIPHER.get();
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(8 * TAG_LENGTH, sealed, off, NONCE_LENGTH));
            return cipher.doFinal(sealed, off + NONCE_LENGTH, len - NONCE_LENGTH);
        } catch (AEADBadTagException e) {
            throw new AuthenticationException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        }
    }

    /**
     * Opens like {@link #open(byte[], int, int)} into {@code out}, which is reused rather
     * than a new array made: {@code out.array()[0, out.length())} is the plaintext. Through
     * direct buffers, as {@link #seal(byte[], int, int, Buf)}. On failure {@code out} holds
     * garbage, never unauthenticated plaintext that a caller could mistake for data.
     */
    public void open(byte[] sealed, int off, int len, Buf out) throws AuthenticationException {
        Objects.checkFromIndexSize(off, len, sealed.length);
        if (len < OVERHEAD) {
            throw new AuthenticationException();
        }
        int plainLength = len - OVERHEAD;
        byte[] target = out.ensure(plainLength);
        if (target == sealed) {
            throw new IllegalArgumentException("cannot open a buffer into itself");
        }
        DirectPair direct = DIRECT.get();
        ByteBuffer in = direct.in(len - NONCE_LENGTH);
        in.put(sealed, off + NONCE_LENGTH, len - NONCE_LENGTH).flip();
        ByteBuffer plain = direct.out(plainLength);
        Cipher cipher = CIPHER.get();
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(8 * TAG_LENGTH, sealed, off, NONCE_LENGTH));
            cipher.doFinal(in, plain);
        } catch (AEADBadTagException e) {
            out.length(0);
            throw new AuthenticationException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        } finally {
            direct.trim();
        }
        plain.flip().get(target, 0, plainLength);
        out.length(plainLength);
    }

    /** Opens a whole array; see {@link #open(byte[], int, int)}. */
    public byte[] open(byte[] sealed) throws AuthenticationException {
        return open(sealed, 0, sealed.length);
    }

    private static Cipher newCipher() {
        try {
            java.security.Provider p = GcmProvider.get();
            return p == null ? Cipher.getInstance(TRANSFORMATION) : Cipher.getInstance(TRANSFORMATION, p);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + TRANSFORMATION, e);
        }
    }

    @Override
    public String toString() {
        return "Envelope[AES-256-GCM]";
    }
}
