package io.lifeboat.bench.micro;

import io.lifeboat.core.internal.chunk.Chunk;
import io.lifeboat.core.internal.chunk.Chunker;
import io.lifeboat.core.internal.chunk.ChunkerParams;
import io.lifeboat.core.internal.chunk.FastCdc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Content-defined chunking of a 64 MiB buffer with {@link ChunkerParams#DEFAULT}. Scores
 * are input bytes per second (one operation = one byte).
 *
 * <p>{@code gearEveryByte} is the in-Java reference: the same gear hash over every byte,
 * with no cut test and no skipping. {@code nextCut} skips the first {@code minSize - 64}
 * bytes of each chunk, so it can beat it per input byte.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "--enable-native-access=ALL-UNNAMED"})
public class ChunkerBench {
    static final int SIZE = 64 << 20;

    @Param({"RANDOM", "BF16"})
    public MicroInputs.Kind kind;

    private byte[] data;
    private FastCdc cdc;
    private long[] gear;

    @Setup
    public void setup() {
        data = MicroInputs.of(kind, SIZE);
        cdc = new FastCdc(ChunkerParams.DEFAULT, MicroInputs.random(FastCdc.SEED_LENGTH, MicroInputs.SEED + 1));
        gear = new java.util.SplittableRandom(MicroInputs.SEED + 2).longs(256).toArray();
    }

    /** FastCdc#nextCut straight over the buffer: the cut rule alone. Returns the number of chunks. */
    @Benchmark
    @OperationsPerInvocation(SIZE)
    public int nextCut() {
        int chunks = 0;
        for (int off = 0; off < SIZE; chunks++) {
            off += cdc.nextCut(data, off, SIZE - off);
        }
        return chunks;
    }

    /** Chunker over a ByteArrayInputStream: the cut rule plus the stream copy into each chunk's own (new) array. */
    @Benchmark
    @OperationsPerInvocation(SIZE)
    public void chunkerStream(Blackhole bh) throws IOException {
        Chunker chunker = new Chunker(cdc, new ByteArrayInputStream(data));
        for (Chunk c; (c = chunker.next()) != null; ) {
            bh.consume(c);
        }
    }

    /** Reference: the gear hash over every byte, no test, no skip; bound by its 1-cycle dependency chain. */
    @Benchmark
    @OperationsPerInvocation(SIZE)
    public long gearEveryByte() {
        final long[] g = gear;
        final byte[] d = data;
        long h = 0;
        for (int i = 0; i < d.length; i++) {
            h = (h << 1) + g[d[i] & 0xff];
        }
        return h;
    }
}
