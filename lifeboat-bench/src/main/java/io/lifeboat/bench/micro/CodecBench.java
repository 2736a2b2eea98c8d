package io.lifeboat.bench.micro;

import io.lifeboat.core.internal.codec.BlobCodec;
import io.lifeboat.core.internal.codec.Compression;
import io.lifeboat.core.internal.codec.CorruptBlobException;
import java.util.concurrent.TimeUnit;
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
 * {@link BlobCodec} on a 1 MiB chunk through its public API: the automatic choice picks
 * RAW for random bytes, ZSTD for JSON lines and SHUFFLE4_ZSTD for bfloat16 tensors, which
 * the setup checks. So {@code encode} includes the 64 KiB probe, as in a backup. Scores are
 * raw (uncompressed) bytes per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class CodecBench {
    static final int SIZE = MicroInputs.MIB;

    @Param({"RANDOM", "JSONL", "BF16"})
    public MicroInputs.Kind kind;

    private byte[] data;
    private byte[] encoded;

    @Setup
    public void setup() {
        data = MicroInputs.of(kind, SIZE);
        encoded = BlobCodec.encode(data, 0, SIZE);
        Compression expected = switch (kind) {
            case RANDOM -> Compression.RAW;
            case JSONL -> Compression.ZSTD;
            case BF16 -> Compression.SHUFFLE4_ZSTD;
        };
        if (BlobCodec.mode(encoded, 0) != expected.code()) {
            throw new IllegalStateException(kind + " encoded in mode " + BlobCodec.mode(encoded, 0) + ", not " + expected);
        }
        System.out.printf("%n%s -> %s, ratio %.3f%n", kind, expected, (double) encoded.length / SIZE);
    }

    @Benchmark
    @OperationsPerInvocation(SIZE)
    public byte[] encode() {
        return BlobCodec.encode(data, 0, SIZE);
    }

    @Benchmark
    @OperationsPerInvocation(SIZE)
    public byte[] decode() throws CorruptBlobException {
        return BlobCodec.decode(encoded, 0, encoded.length, SIZE);
    }
}
