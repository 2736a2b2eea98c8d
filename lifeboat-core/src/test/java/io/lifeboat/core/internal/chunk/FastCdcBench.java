package io.lifeboat.core.internal.chunk;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * Single-core throughput of {@link FastCdc#nextCut} with the default sizes on 64 MiB of
 * random bytes and of bfloat16-rounded float32 values. Not a test: run by hand, e.g.
 * {@code java -cp target/classes:target/test-classes io.lifeboat.core.internal.chunk.FastCdcBench}.
 */
public final class FastCdcBench {
    private static final int SIZE = 64 << 20;
    private static final int ROUNDS = 10;

    private FastCdcBench() {
    }

    public static void main(String[] args) {
        FastCdc cdc = new FastCdc(ChunkerParams.DEFAULT, new byte[32]);
        report("random", cdc, random());
        report("bfloat16-like float32", cdc, bfloat16Floats());
    }

    private static void report(String name, FastCdc cdc, byte[] data) {
        long best = Long.MAX_VALUE;
        int chunks = 0;
        for (int round = 0; round < ROUNDS; round++) {
            long start = System.nanoTime();
            chunks = chunkAll(cdc, data);
            best = Math.min(best, System.nanoTime() - start);
        }
        System.out.printf("FastCdc.nextCut %-22s %6.2f GB/s (%d chunks, best of %d)%n",
                name, (double) data.length / best, chunks, ROUNDS);
    }

    private static int chunkAll(FastCdc cdc, byte[] data) {
        int count = 0;
        for (int pos = 0; pos < data.length; count++) {
            pos += cdc.nextCut(data, pos, data.length - pos);
        }
        return count;
    }

    static byte[] random() {
        byte[] data = new byte[SIZE];
        new Random(1).nextBytes(data);
        return data;
    }

    /** Gaussian weights with the low 16 bits of each float32 cleared, little-endian. */
    static byte[] bfloat16Floats() {
        Random random = new Random(2);
        ByteBuffer buf = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        while (buf.hasRemaining()) {
            float weight = (float) (random.nextGaussian() * 0.02);
            buf.putInt(Float.floatToRawIntBits(weight) & 0xFFFF0000);
        }
        return buf.array();
    }
}
