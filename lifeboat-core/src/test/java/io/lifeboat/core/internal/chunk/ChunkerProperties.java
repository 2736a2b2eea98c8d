package io.lifeboat.core.internal.chunk;

import static io.lifeboat.core.internal.chunk.ChunkingFixtures.SMALL;
import static io.lifeboat.core.internal.chunk.ChunkingFixtures.TINY;
import static io.lifeboat.core.internal.chunk.ChunkingFixtures.cuts;
import static io.lifeboat.core.internal.chunk.ChunkingFixtures.random;
import static io.lifeboat.core.internal.chunk.ChunkingFixtures.seed;
import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.internal.io.BufferPool;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class ChunkerProperties {

    /** Shapes of input that reach different paths of the cut rule. */
    enum Shape { RANDOM, ZEROS, REPEATING, RANDOM_WITH_ZERO_RUNS }

    @Property(tries = 300)
    void chunksFromAShortReadingChannelConcatenateToTheInput(@ForAll("inputs") byte[] input, @ForAll long readSeed,
            @ForAll boolean tiny) throws IOException {
        ChunkerParams params = tiny ? TINY : SMALL;
        Chunker chunker = new Chunker(new FastCdc(params, seed(3)), new ShortReadChannel(input, readSeed));
        List<Chunk> chunks = drain(chunker);
        assertReassembles(chunks, input, params);
        assertThat(chunker.bytesRead()).isEqualTo(input.length);
    }

    @Property(tries = 300)
    void chunksFromAShortReadingStreamConcatenateToTheInput(@ForAll("inputs") byte[] input, @ForAll long readSeed,
            @ForAll boolean tiny) throws IOException {
        ChunkerParams params = tiny ? TINY : SMALL;
        Chunker chunker = new Chunker(new FastCdc(params, seed(3)), new ShortReadStream(input, readSeed));
        List<Chunk> chunks = drain(chunker);
        assertReassembles(chunks, input, params);
        assertThat(chunker.bytesRead()).isEqualTo(input.length);
    }

    @Property(tries = 100)
    void readSplittingNeverMovesACut(@ForAll("inputs") byte[] input, @ForAll long readSeed) throws IOException {
        FastCdc cdc = new FastCdc(TINY, seed(9));
        List<Integer> ends = drain(new Chunker(cdc, new ShortReadChannel(input, readSeed))).stream()
                .map(c -> (int) c.end()).toList();
        assertThat(ends).isEqualTo(cuts(cdc, input));
    }

    @Property(tries = 100)
    void chunksOwnTheirArrays(@ForAll @Size(max = 20_000) byte[] input) throws IOException {
        List<Chunk> chunks = drain(new Chunker(new FastCdc(TINY, seed(1)), new ShortReadStream(input, 5)));
        byte[] snapshot = concat(chunks);
        for (Chunk c : chunks) {
            // Each array is the chunk's own: scribbling on one must not show in another.
            Arrays.fill(c.data(), (byte) 0x5a);
        }
        assertThat(snapshot).isEqualTo(input);
        assertThat(chunks.stream().map(Chunk::data).distinct().count()).isEqualTo(chunks.size());
    }

    /**
     * A chunker whose chunk and read arrays come from a pool, each chunk's array given back
     * as soon as it was consumed (so later chunks reuse it), cuts where an unpooled one
     * does and yields the same bytes.
     */
    @Property(tries = 30)
    void pooledArraysGiveTheSameChunks(@ForAll @IntRange(max = 1_500_000) int length, @ForAll long seed,
            @ForAll long readSeed) throws IOException {
        pooledRun(length, seed, readSeed);
    }

    /**
     * The pool does recycle: a long input has more chunks than there are size classes, so
     * some chunk's array must come back. (Whether a short random input reuses any array
     * depends on its chunks' sizes, so the property above checks only the bytes and cuts.)
     */
    @Example
    void pooledArraysAreReused() throws IOException {
        assertThat(pooledRun(8_000_000, 42, 7)).as("arrays reused").isPositive();
    }

    /** Chunks {@code length} pseudo-random bytes through a pool; asserts bytes and cuts, returns how many arrays came back. */
    private int pooledRun(int length, long seed, long readSeed) throws IOException {
        ChunkerParams params = new ChunkerParams(BufferPool.MIN_POOLED, 128 * 1024, 256 * 1024);
        byte[] input = withZeroRuns(random(seed, length), seed);
        FastCdc cdc = new FastCdc(params, seed(4));
        BufferPool pool = new BufferPool(2 * params.maxSize(), 4L * params.maxSize());
        Set<byte[]> arraysSeen = Collections.newSetFromMap(new IdentityHashMap<>());
        int reused = 0;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Integer> ends = new ArrayList<>();
        Chunker chunker = new Chunker(cdc, new ShortReadChannel(input, readSeed), length, pool);
        for (Chunk c = chunker.next(); c != null; c = chunker.next()) {
            reused += arraysSeen.add(c.data()) ? 0 : 1;
            out.write(c.data(), 0, c.length());
            ends.add((int) c.end());
            pool.release(c.data());
        }
        chunker.release();

        assertThat(out.toByteArray()).isEqualTo(input);
        assertThat(ends).isEqualTo(cuts(cdc, input));
        return reused;
    }

    @Property(tries = 5)
    void allZeroInputIsCutAtMax(@ForAll @IntRange(max = 100_000) int length, @ForAll long readSeed) throws IOException {
        List<Chunk> chunks = drain(new Chunker(new FastCdc(SMALL, seed(0)), new ShortReadChannel(new byte[length], readSeed)));
        for (int i = 0; i < chunks.size() - 1; i++) {
            assertThat(chunks.get(i).length()).isEqualTo(SMALL.maxSize());
        }
    }

    @Provide
    Arbitrary<byte[]> inputs() {
        Arbitrary<byte[]> arbitrary = Arbitraries.bytes().array(byte[].class).ofMaxSize(3000);
        Arbitrary<byte[]> shaped = Combinators.combine(
                Arbitraries.of(Shape.class), Arbitraries.integers().between(0, 120_000), Arbitraries.longs())
                .as(ChunkerProperties::shaped);
        return Arbitraries.oneOf(arbitrary, shaped);
    }

    private static byte[] shaped(Shape shape, int length, long seed) {
        return switch (shape) {
            case RANDOM -> random(seed, length);
            case ZEROS -> new byte[length];
            case REPEATING -> repeating(length);
            case RANDOM_WITH_ZERO_RUNS -> withZeroRuns(random(seed, length), seed);
        };
    }

    private static byte[] repeating(int length) {
        byte[] data = new byte[length];
        for (int i = 0; i < length; i++) {
            data[i] = (byte) (i % 251);
        }
        return data;
    }

    private static byte[] withZeroRuns(byte[] data, long seed) {
        Random random = new Random(seed);
        for (int run = 0; run < data.length / 10_000; run++) {
            int from = random.nextInt(data.length);
            Arrays.fill(data, from, Math.min(data.length, from + random.nextInt(40_000)), (byte) 0);
        }
        return data;
    }

    private static List<Chunk> drain(Chunker chunker) throws IOException {
        List<Chunk> chunks = new ArrayList<>();
        for (Chunk c = chunker.next(); c != null; c = chunker.next()) {
            chunks.add(c);
        }
        assertThat(chunker.next()).as("stays at EOF").isNull();
        return chunks;
    }

    private static void assertReassembles(List<Chunk> chunks, byte[] input, ChunkerParams params) {
        assertThat(concat(chunks)).isEqualTo(input);
        long offset = 0;
        for (Chunk c : chunks) {
            assertThat(c.offset()).isEqualTo(offset);
            assertThat(c.length()).isPositive();
            offset += c.length();
        }
        for (int i = 0; i < chunks.size() - 1; i++) {
            assertThat(chunks.get(i).length()).isBetween(params.minSize() + 1, params.maxSize());
        }
    }

    private static byte[] concat(List<Chunk> chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Chunk c : chunks) {
            out.write(c.data(), 0, c.length());
        }
        return out.toByteArray();
    }

    /** A channel that returns 1..n bytes per read, n random. */
    private static final class ShortReadChannel implements ReadableByteChannel {
        private final byte[] data;
        private final Random random;
        private int pos;

        ShortReadChannel(byte[] data, long seed) {
            this.data = data;
            this.random = new Random(seed);
        }

        @Override
        public int read(ByteBuffer dst) {
            if (pos == data.length) {
                return -1;
            }
            int n = Math.min(Math.min(dst.remaining(), data.length - pos), 1 + random.nextInt(5000));
            dst.put(data, pos, n);
            pos += n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    /** A stream that returns 1..n bytes per read, n random. */
    private static final class ShortReadStream extends InputStream {
        private final byte[] data;
        private final Random random;
        private int pos;

        ShortReadStream(byte[] data, long seed) {
            this.data = data;
            this.random = new Random(seed);
        }

        @Override
        public int read() {
            return pos < data.length ? data[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos == data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, data.length - pos), 1 + random.nextInt(5000));
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
