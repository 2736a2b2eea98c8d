package io.lifeboat.core.internal.codec;

/**
 * Single-core throughput of {@link BlobCodec#encode} and {@link BlobCodec#decode} on
 * 64 MiB of random bytes and of bfloat16-rounded float32 weights, as 1 MiB blobs (about
 * the default chunk size) and as one 64 MiB blob. Not a test: run by hand, e.g.
 * {@code java -cp target/classes:target/test-classes:$ZSTD_JAR io.lifeboat.core.internal.codec.BlobCodecBench}.
 */
public final class BlobCodecBench {
    private static final int SIZE = 64 << 20;
    private static final int ROUNDS = 5;

    private BlobCodecBench() {
    }

    public static void main(String[] args) throws CorruptBlobException {
        byte[] random = CodecFixtures.random(1, SIZE);
        byte[] floats = CodecFixtures.bfloat16Floats(2, SIZE / 4);
        for (int blob : new int[] {1 << 20, SIZE}) {
            report("random", random, blob);
            report("bfloat16-like float32", floats, blob);
        }
        long plain = 0;
        for (int i = 0; i < SIZE; i += 1 << 20) {
            plain += BlobCodec.encode(floats, i, 1 << 20, Compression.ZSTD).length;
        }
        System.out.printf("bfloat16-like float32 as plain ZSTD (1 MiB blobs): stored %5.1f%%%n", 100.0 * plain / SIZE);
    }

    private static void report(String name, byte[] data, int blob) throws CorruptBlobException {
        long bestEncode = Long.MAX_VALUE;
        long bestDecode = Long.MAX_VALUE;
        byte[][] encoded = new byte[data.length / blob][];
        for (int round = 0; round < ROUNDS; round++) {
            long start = System.nanoTime();
            for (int i = 0; i < encoded.length; i++) {
                encoded[i] = BlobCodec.encode(data, i * blob, blob);
            }
            bestEncode = Math.min(bestEncode, System.nanoTime() - start);
            start = System.nanoTime();
            for (byte[] e : encoded) {
                BlobCodec.decode(e, 0, e.length, blob);
            }
            bestDecode = Math.min(bestDecode, System.nanoTime() - start);
        }
        long stored = 0;
        for (byte[] e : encoded) {
            stored += e.length;
        }
        System.out.printf("%-22s blobs of %5d KiB: encode %6.0f MB/s, decode %6.0f MB/s, stored %5.1f%% (mode %s)%n",
                name, blob >> 10, 1e3 * data.length / bestEncode, 1e3 * data.length / bestDecode,
                100.0 * stored / data.length, Compression.fromCode(BlobCodec.mode(encoded[0], 0)).orElseThrow());
    }
}
