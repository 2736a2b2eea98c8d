package io.lifeboat.bench.micro;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * Bare {@code AES/GCM/NoPadding} with a 256-bit key from the JDK's provider (SunJCE) and
 * from Conscrypt (BoringSSL), without the Envelope's random nonce and array handling: a
 * counter nonce, output into a reused array. Plaintext bytes per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class GcmBench {
    static final int LARGE = 1 << 20;
    static final int SMALL = 16 << 10;
    static final int TAG_BITS = 128;

    @Param({"SunJCE", "Conscrypt"})
    public String provider;

    private byte[] data;
    private byte[] dataSmall;
    private byte[] outLarge;
    private byte[] outSmall;
    private SecretKeySpec key;
    private Cipher cipher;
    private final byte[] nonce = new byte[12];
    private long counter;
    private final byte[] nonceLarge = {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0x80};
    private final byte[] nonceSmall = {2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0x80};
    private byte[] sealedLarge;
    private byte[] sealedSmall;

    @Setup
    public void setup() throws GeneralSecurityException {
        data = MicroInputs.random(LARGE, MicroInputs.SEED);
        dataSmall = java.util.Arrays.copyOf(data, SMALL);
        // Every array exactly sized, as the Envelope's output: Conscrypt's JNI copies whole
        // arrays, so a 1 MiB output array for a 16 KiB message costs more than the encryption.
        outLarge = new byte[LARGE + TAG_BITS / 8];
        outSmall = new byte[SMALL + TAG_BITS / 8];
        key = new SecretKeySpec(MicroInputs.random(32, MicroInputs.SEED + 4), "AES");
        Provider p = provider.equals("Conscrypt") ? org.conscrypt.Conscrypt.newProvider() : null;
        cipher = p == null ? Cipher.getInstance("AES/GCM/NoPadding", provider) : Cipher.getInstance("AES/GCM/NoPadding", p);
        sealedLarge = sealWith(nonceLarge, LARGE);
        sealedSmall = sealWith(nonceSmall, SMALL);
    }

    private byte[] sealWith(byte[] iv, int len) throws GeneralSecurityException {
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
        return cipher.doFinal(len == LARGE ? data : dataSmall, 0, len);
    }

    /** Encrypts under the next counter nonce (both providers refuse a key and nonce twice in a row); the setup's nonces end in 0x80, so never collide. */
    private int seal(int len) throws GeneralSecurityException {
        long c = ++counter;
        for (int i = 0; i < 8; i++) {
            nonce[i] = (byte) (c >>> (8 * i));
        }
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
        return len == LARGE
                ? cipher.doFinal(data, 0, len, outLarge, 0)
                : cipher.doFinal(dataSmall, 0, len, outSmall, 0);
    }

    private int open(byte[] sealed, byte[] iv) throws GeneralSecurityException {
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
        return cipher.doFinal(sealed, 0, sealed.length, sealed == sealedLarge ? outLarge : outSmall, 0);
    }

    @Benchmark
    @OperationsPerInvocation(LARGE)
    public int seal1MiB() throws GeneralSecurityException {
        return seal(LARGE);
    }

    @Benchmark
    @OperationsPerInvocation(SMALL)
    public int seal16KiB() throws GeneralSecurityException {
        return seal(SMALL);
    }

    @Benchmark
    @OperationsPerInvocation(LARGE)
    public int open1MiB() throws GeneralSecurityException {
        return open(sealedLarge, nonceLarge);
    }

    @Benchmark
    @OperationsPerInvocation(SMALL)
    public int open16KiB() throws GeneralSecurityException {
        return open(sealedSmall, nonceSmall);
    }
}
