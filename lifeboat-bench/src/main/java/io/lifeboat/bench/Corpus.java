package io.lifeboat.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * A deterministic AI workload to benchmark on: model checkpoints in safetensors layout and
 * a dataset of many small text files. Every byte follows from the seed and the scale, so
 * two machines (or two runs) generate identical corpora, and no download is needed.
 *
 * <p>Version 1 at scale 1: six checkpoints of 50 float32 tensors of 1,048,576 values
 * (200 MiB each: normally distributed with a per-tensor scale, rounded to bfloat16 so the
 * low 16 bits of every float are zero) and 20,000 files of 1-16 KiB of JSONL and CSV lines
 * with Zipf-distributed words: about 1.4 GB. {@link #toVersion2} changes it in place the
 * way a training run would: 3 tensors rewritten in one checkpoint and 2 in another, lines
 * appended to 2% of the small files, one new checkpoint. The scale multiplies the number
 * of checkpoints' tensors and of small files.
 */
public final class Corpus {
    static final int TENSORS = 50;
    static final int TENSOR_FLOATS = 1 << 20;
    static final int CHECKPOINTS = 6;
    static final int SMALL_FILES = 20_000;
    private static final int VOCABULARY = 4096;

    private final Path root;
    private final double scale;
    private final long seed;
    private final String[] words;

    public Corpus(Path root, double scale, long seed) {
        if (!(scale > 0 && scale <= 100)) {
            throw new IllegalArgumentException("scale must be in (0, 100]: " + scale);
        }
        this.root = root;
        this.scale = scale;
        this.seed = seed;
        this.words = vocabulary(new SplittableRandom(seed ^ 0x5eed));
    }

    int tensorsPerCheckpoint() {
        return Math.max(1, (int) Math.round(TENSORS * Math.min(1, scale)));
    }

    int checkpoints() {
        return Math.max(1, (int) Math.round(CHECKPOINTS * Math.max(1, scale)));
    }

    int smallFiles() {
        return Math.max(10, (int) Math.round(SMALL_FILES * scale));
    }

    /** Writes version 1 into an empty or missing directory. */
    public void generate() throws IOException {
        Files.createDirectories(root.resolve("checkpoints"));
        IntStream.range(0, checkpoints()).parallel().forEach(c -> unchecked(() -> writeCheckpoint(c)));
        IntStream.range(0, smallFiles()).parallel().forEach(i -> unchecked(() -> writeSmallFile(i)));
    }

    /** Turns version 1 into version 2 in place, touching only what changes. */
    public void toVersion2() throws IOException {
        rewriteTensors(checkpointPath(0), 0, new int[] {3, 17, 41});
        rewriteTensors(checkpointPath(Math.min(1, checkpoints() - 1)), 1, new int[] {8, 29});
        for (int i = 0; i < smallFiles(); i += 50) {
            SplittableRandom r = new SplittableRandom(seed * 31 + i + 1_000_000);
            Path p = smallFilePath(i);
            String more = p.toString().endsWith(".csv") ? csvRows(r, 3 + r.nextInt(10)) : jsonl(r, 3 + r.nextInt(10));
            Files.writeString(p, more, StandardOpenOption.APPEND);
        }
        writeCheckpoint(checkpoints());
    }

    Path checkpointPath(int c) {
        return root.resolve("checkpoints").resolve(String.format("model-step-%06d.safetensors", (c + 1) * 1000));
    }

    Path smallFilePath(int i) {
        String ext = i % 3 == 0 ? "csv" : "jsonl";
        return root.resolve("dataset").resolve(String.format("shard-%03d", i / 1000)).resolve(String.format("part-%06d.%s", i, ext));
    }

    // ---- checkpoints -----------------------------------------------------------------

    private byte[] header(int c) {
        StringBuilder h = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\",\"step\":\"" + (c + 1) * 1000 + "\"}");
        long offset = 0;
        long bytes = 4L * TENSOR_FLOATS;
        for (int t = 0; t < tensorsPerCheckpoint(); t++) {
            h.append(",\"model.layers.").append(t).append(".weight\":{\"dtype\":\"F32\",\"shape\":[1024,1024],\"data_offsets\":[")
                    .append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        h.append('}');
        while ((h.length() + 8) % 8 != 0) {
            h.append(' '); // safetensors pads the header so the data is 8-byte aligned
        }
        return h.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void writeCheckpoint(int c) throws IOException {
        byte[] header = header(c);
        try (OutputStream out = Files.newOutputStream(checkpointPath(c))) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
            out.write(header);
            for (int t = 0; t < tensorsPerCheckpoint(); t++) {
                out.write(tensor(c, t, 0));
            }
        }
    }

    private void rewriteTensors(Path checkpoint, int c, int[] tensors) throws IOException {
        long dataStart = 8 + header(c).length;
        try (FileChannel ch = FileChannel.open(checkpoint, StandardOpenOption.WRITE)) {
            for (int t : tensors) {
                if (t < tensorsPerCheckpoint()) {
                    ch.write(ByteBuffer.wrap(tensor(c, t, 1)), dataStart + (long) t * 4 * TENSOR_FLOATS);
                }
            }
        }
    }

    /** One tensor: N(0, scale) float32 values rounded to bfloat16, little-endian. */
    private byte[] tensor(int checkpoint, int tensor, int generation) {
        SplittableRandom r = new SplittableRandom(seed + 7919L * checkpoint + 104729L * tensor + 1_299_709L * generation);
        double scale = 0.005 + r.nextDouble() * 0.1;
        ByteBuffer buf = ByteBuffer.allocate(4 * TENSOR_FLOATS).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < TENSOR_FLOATS; i++) {
            int bits = Float.floatToRawIntBits((float) (gaussian(r) * scale));
            int rounded = (bits + 0x7fff + ((bits >>> 16) & 1)) & 0xffff0000; // round to nearest even bfloat16
            buf.putInt(rounded);
        }
        return buf.array();
    }

    private static double gaussian(SplittableRandom r) {
        // Box-Muller: SplittableRandom has no nextGaussian before Java 17's RandomGenerator default.
        double u = 1.0 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    // ---- small files -----------------------------------------------------------------

    private void writeSmallFile(int i) throws IOException {
        SplittableRandom r = new SplittableRandom(seed * 31 + i);
        Path p = smallFilePath(i);
        Files.createDirectories(p.getParent());
        int target = 1024 + r.nextInt(15 * 1024);
        StringBuilder b = new StringBuilder(target + 256);
        boolean csv = p.toString().endsWith(".csv");
        if (csv) {
            b.append("id,score,weight,text,label\n");
        }
        while (b.length() < target) {
            b.append(csv ? csvRows(r, 1) : jsonl(r, 1));
        }
        Files.writeString(p, b);
    }

    private String jsonl(SplittableRandom r, int lines) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            b.append("{\"id\":").append(r.nextInt(10_000_000)).append(",\"text\":\"").append(sentence(r, 6 + r.nextInt(40)))
                    .append("\",\"label\":").append(r.nextInt(20)).append("}\n");
        }
        return b.toString();
    }

    private String csvRows(SplittableRandom r, int rows) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            b.append(r.nextInt(10_000_000)).append(',').append(String.format(Locale.ROOT, "%.4f", r.nextDouble())).append(',')
                    .append(String.format(Locale.ROOT, "%.4f", gaussian(r))).append(',').append(sentence(r, 3 + r.nextInt(12)))
                    .append(',').append(r.nextInt(20)).append('\n');
        }
        return b.toString();
    }

    /** Words drawn from a Zipf(1) distribution over the vocabulary. */
    private String sentence(SplittableRandom r, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            // Inverse-CDF approximation of Zipf with exponent 1: rank ~ V^u.
            int rank = (int) Math.min(VOCABULARY - 1, Math.floor(Math.pow(VOCABULARY, r.nextDouble())) - 1);
            b.append(i == 0 ? "" : " ").append(words[Math.max(0, rank)]);
        }
        return b.toString();
    }

    private static String[] vocabulary(SplittableRandom r) {
        String letters = "etaoinshrdlcumwfgypbvkjxqz";
        String[] w = new String[VOCABULARY];
        for (int i = 0; i < VOCABULARY; i++) {
            int len = 2 + r.nextInt(9);
            StringBuilder b = new StringBuilder(len);
            for (int k = 0; k < len; k++) {
                b.append(letters.charAt((int) Math.min(25, Math.floor(Math.pow(r.nextDouble(), 2) * 26))));
            }
            w[i] = b.toString();
        }
        return w;
    }

    private interface IoRunnable {
        void run() throws IOException;
    }

    private static void unchecked(IoRunnable r) {
        try {
            r.run();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@code Corpus DIR [--scale F] [--seed N] [--version 1|2]}: version 2 changes an existing version 1. */
    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: Corpus DIR [--scale F] [--seed N] [--version 1|2]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        double scale = 1;
        long seed = 42;
        int version = 1;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--scale" -> scale = Double.parseDouble(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                case "--version" -> version = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Corpus corpus = new Corpus(dir, scale, seed);
        long t0 = System.nanoTime();
        if (version == 1) {
            corpus.generate();
        } else {
            corpus.toVersion2();
        }
        System.err.printf(Locale.ROOT, "corpus v%d at %s (scale %.3f) in %.1f s%n", version, dir, scale,
                (System.nanoTime() - t0) / 1e9);
    }

    static List<Path> all(Path root) throws IOException {
        try (var s = Files.walk(root)) {
            return new ArrayList<>(s.filter(Files::isRegularFile).sorted().toList());
        }
    }
}
