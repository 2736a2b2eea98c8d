package io.lifeboat.bench.micro;

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
 * Reference for the RAW path of {@code BlobCodec}: copying a 1 MiB chunk into a new array,
 * which is what RAW encode (besides its probe) and RAW decode do. Bytes per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Threads(1)
@Fork(1)
public class CopyBench {
    static final int SIZE = MicroInputs.MIB;

    private byte[] data;

    @Setup
    public void setup() {
        data = MicroInputs.random(SIZE, MicroInputs.SEED);
    }

    @Benchmark
    @OperationsPerInvocation(SIZE)
    public byte[] copy1MiB() {
        return data.clone();
    }
}
