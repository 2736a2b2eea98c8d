package io.lifeboat.bench.micro;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Deterministic inputs of the micro-benchmarks: every byte follows from the seed, so each
 * run (and the zstd CLI reference, which reads the same bytes from files) sees the same data.
 *
 * <ul>
 *   <li>{@link Kind#RANDOM}: uniform random bytes, incompressible;</li>
 *   <li>{@link Kind#BF16}: float32 values, normally distributed, rounded to bfloat16 (the low
 *       16 bits of every value are zero), little-endian, like the corpus' checkpoints;</li>
 *   <li>{@link Kind#JSONL}: JSON lines of Zipf-distributed words, like the corpus' dataset.</li>
 * </ul>
 */
public final class MicroInputs {
    /** 1 MiB: the average chunk of {@code ChunkerParams.DEFAULT}, the unit of hashing, compression and sealing. */
    public static final int MIB = 1 << 20;
    /** Seed of every input; the key material of the benchmarks is derived from it too. */
    static final long SEED = 20240601L;

    public enum Kind { RANDOM, BF16, JSONL }

    private MicroInputs() {
    }

    /** {@code n} bytes of the given kind; {@code n} must be a multiple of 4 for {@code BF16}. */
    public static byte[] of(Kind kind, int n) {
        return switch (kind) {
            case RANDOM -> random(n, SEED);
            case BF16 -> bf16(n, SEED);
            case JSONL -> jsonl(n, SEED);
        };
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /** Tensors of 1 Mi floats each with its own scale, as in a checkpoint. */
    static byte[] bf16(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        ByteBuffer buf = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        double scale = 0;
        for (int i = 0; buf.remaining() >= 4; i++) {
            if (i % (1 << 20) == 0) {
                scale = 0.005 + r.nextDouble() * 0.1;
            }
            double g = Math.sqrt(-2 * Math.log(1.0 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
            int bits = Float.floatToRawIntBits((float) (g * scale));
            buf.putInt((bits + 0x7fff + ((bits >>> 16) & 1)) & 0xffff0000); // round to nearest even bfloat16
        }
        return buf.array();
    }

    /** Lines {@code {"id":N,"text":"w w w","label":N}}, cut to exactly {@code n} bytes. */
    static byte[] jsonl(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        String[] words = new String[4096];
        for (int i = 0; i < words.length; i++) {
            StringBuilder w = new StringBuilder();
            for (int k = 2 + r.nextInt(9); k > 0; k--) {
                w.append((char) ('a' + (int) (Math.pow(r.nextDouble(), 2) * 26)));
            }
            words[i] = w.toString();
        }
        StringBuilder b = new StringBuilder(n + 1024);
        while (b.length() < n) {
            b.append("{\"id\":").append(r.nextInt(10_000_000)).append(",\"text\":\"");
            for (int k = 6 + r.nextInt(40); k > 0; k--) {
                int rank = (int) Math.min(words.length - 1, Math.pow(words.length, r.nextDouble()) - 1); // Zipf(1)
                b.append(words[rank]).append(k > 1 ? " " : "");
            }
            b.append("\",\"label\":").append(r.nextInt(20)).append("}\n");
        }
        byte[] all = b.toString().getBytes(StandardCharsets.US_ASCII);
        return java.util.Arrays.copyOf(all, n);
    }

    /** The four byte planes of {@code data} (its length a multiple of 4): what SHUFFLE4_ZSTD hands to zstd. */
    static byte[] planes(byte[] data) {
        int q = data.length / 4;
        byte[] p = new byte[data.length];
        for (int i = 0; i < q; i++) {
            for (int k = 0; k < 4; k++) {
                p[k * q + i] = data[4 * i + k];
            }
        }
        return p;
    }

    /**
     * Writes the samples of the references: {@code MicroInputs DIR}: the 1 MiB ones the zstd
     * CLI compresses and the 64 MiB ones the C chunker (bench/gearcdc.c) cuts.
     */
    public static void main(String[] args) throws IOException {
        Path dir = Files.createDirectories(Path.of(args[0]));
        Files.write(dir.resolve("random-64m.bin"), of(Kind.RANDOM, 64 << 20));
        Files.write(dir.resolve("bf16-64m.bin"), of(Kind.BF16, 64 << 20));
        Files.write(dir.resolve("random.bin"), of(Kind.RANDOM, MIB));
        Files.write(dir.resolve("jsonl.bin"), of(Kind.JSONL, MIB));
        Files.write(dir.resolve("bf16-planes.bin"), planes(of(Kind.BF16, MIB)));
    }
}
