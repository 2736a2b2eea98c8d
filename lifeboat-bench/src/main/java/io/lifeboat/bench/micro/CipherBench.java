package io.lifeboat.bench.micro;

import io.lifeboat.core.internal.crypto.AuthenticationException;
import io.lifeboat.core.internal.crypto.Envelope;
import io.lifeboat.core.internal.crypto.GcmProvider;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * {@link Envelope} (AES-256-GCM with a random nonce, through whichever provider
 * {@link GcmProvider} picks) sealing and opening 1 MiB and 16 KiB. Plaintext bytes per
 * second. {@link GcmBench} measures the bare providers.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class CipherBench {
    static final int LARGE = 1 << 20;
    static final int SMALL = 16 << 10;

    private byte[] data;
    private byte[] dataSmall;
    private Envelope envelope;
    private byte[] sealedLarge;
    private byte[] sealedSmall;

    @Setup
    public void setup() {
        data = MicroInputs.random(LARGE, MicroInputs.SEED);
        dataSmall = java.util.Arrays.copyOf(data, SMALL); // its own array, as a 16 KiB chunk has
        envelope = new Envelope(MicroInputs.random(32, MicroInputs.SEED + 4));
        sealedLarge = envelope.seal(data, 0, LARGE);
        sealedSmall = envelope.seal(dataSmall);
        System.out.println("\nEnvelope provider: " + GcmProvider.name());
    }

    @Benchmark
    @OperationsPerInvocation(LARGE)
    public byte[] seal1MiB() {
        return envelope.seal(data, 0, LARGE);
    }

    @Benchmark
    @OperationsPerInvocation(SMALL)
    public byte[] seal16KiB() {
        return envelope.seal(dataSmall);
    }

    @Benchmark
    @OperationsPerInvocation(LARGE)
    public byte[] open1MiB() throws AuthenticationException {
        return envelope.open(sealedLarge);
    }

    @Benchmark
    @OperationsPerInvocation(SMALL)
    public byte[] open16KiB() throws AuthenticationException {
        return envelope.open(sealedSmall);
    }
}
