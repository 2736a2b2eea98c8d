package io.lifeboat.bench.micro;

import io.lifeboat.core.Id;
import io.lifeboat.core.internal.crypto.ChunkIdHasher;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
 * Chunk ids: {@link ChunkIdHasher} (HMAC-SHA256) on a 1 MiB chunk and on an 8 KiB one,
 * and plain SHA-256 from {@link MessageDigest} as the reference inside Java. Scores are
 * bytes per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class HashBench {
    static final int LARGE = 1 << 20;
    static final int SMALL = 8 << 10;

    private byte[] data;
    private ChunkIdHasher hasher;
    private MessageDigest sha256;

    @Setup
    public void setup() throws NoSuchAlgorithmException {
        data = MicroInputs.random(LARGE, MicroInputs.SEED);
        hasher = new ChunkIdHasher(MicroInputs.random(32, MicroInputs.SEED + 3));
        sha256 = MessageDigest.getInstance("SHA-256");
    }

    @Benchmark
    @OperationsPerInvocation(LARGE)
    public Id chunkId1MiB() {
        return hasher.hash(data, 0, LARGE);
    }

    @Benchmark
    @OperationsPerInvocation(SMALL)
    public Id chunkId8KiB() {
        return hasher.hash(data, 0, SMALL);
    }

    @Benchmark
    @OperationsPerInvocation(LARGE)
    public byte[] sha256_1MiB() {
        sha256.update(data, 0, LARGE);
        return sha256.digest();
    }
}
