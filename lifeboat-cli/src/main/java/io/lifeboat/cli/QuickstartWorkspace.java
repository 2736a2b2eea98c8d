package io.lifeboat.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A small, deterministic AI workspace: a dataset of JSONL and CSV shards, two model
 * checkpoints in safetensors layout (float32 tensors rounded to bfloat16 precision, as a
 * bf16-trained model saved in fp32 has), and a training config.
 */
final class QuickstartWorkspace {
    private static final String[] WORDS = {"the", "model", "loss", "gradient", "token", "batch", "epoch", "layer",
            "attention", "weight", "data", "label", "train", "eval", "sample", "vector", "query", "key", "value",
            "embedding", "optimizer", "learning", "rate", "dropout", "norm", "residual", "head", "logit", "softmax",
            "checkpoint"};
    static final int TENSORS_PER_CHECKPOINT = 8;

    private final Path root;
    private final SplittableRandom random;
    private int tensorMiB;

    QuickstartWorkspace(Path root, long seed) {
        this.root = root;
        this.random = new SplittableRandom(seed);
    }

    void generate(int files, int tensorMiB) throws IOException {
        this.tensorMiB = tensorMiB;
        Path dataset = Files.createDirectories(root.resolve("dataset"));
        for (int i = 0; i < files; i++) {
            Path shard = dataset.resolve(String.format("shard-%03d", i / 500));
            Files.createDirectories(shard);
            if (i % 3 == 0) {
                Files.writeString(shard.resolve(String.format("part-%05d.csv", i)), csv(1 + random.nextInt(40)));
            } else {
                Files.writeString(shard.resolve(String.format("part-%05d.jsonl", i)), jsonl(1 + random.nextInt(30)));
            }
        }
        Path models = Files.createDirectories(root.resolve("models"));
        writeCheckpoint(models.resolve("checkpoint-000100.safetensors"), tensorMiB);
        writeCheckpoint(models.resolve("checkpoint-000200.safetensors"), tensorMiB);
        Path config = Files.createDirectories(root.resolve("config"));
        Files.writeString(config.resolve("train.yaml"), """
                model: quickstart-transformer
                layers: 8
                hidden: 512
                optimizer: {name: adamw, lr: 0.0003, betas: [0.9, 0.95]}
                data: {path: ../dataset, shuffle: true, seed: 42}
                checkpoint_every: 100
                """);
    }

    /** Rewrites two tensors of the newest checkpoint and appends lines to 2% of the dataset. */
    void trainingStep() throws IOException {
        Path ckpt = root.resolve("models/checkpoint-000200.safetensors");
        long tensorBytes = tensorBytes(tensorMiB);
        long dataStart = dataOffset(ckpt);
        try (FileChannel ch = FileChannel.open(ckpt, StandardOpenOption.WRITE)) {
            for (int t : new int[] {1, 5}) {
                ByteBuffer buf = tensor(tensorBytes, 0.02f + t * 0.001f);
                ch.write(buf, dataStart + t * tensorBytes);
            }
        }
        List<Path> shards;
        try (Stream<Path> s = Files.walk(root.resolve("dataset"))) {
            shards = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (int i = 0; i < shards.size(); i += 50) {
            Path p = shards.get(i);
            String more = p.toString().endsWith(".csv") ? csvRows(5) : jsonl(5);
            Files.writeString(p, more, StandardOpenOption.APPEND);
        }
    }

    private String jsonl(int lines) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            b.append("{\"id\":").append(random.nextInt(1_000_000)).append(",\"text\":\"").append(sentence(8 + random.nextInt(24)))
                    .append("\",\"label\":").append(random.nextInt(10)).append("}\n");
        }
        return b.toString();
    }

    private String csv(int rows) {
        return "id,feature_a,feature_b,text,label\n" + csvRows(rows);
    }

    private String csvRows(int rows) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            b.append(random.nextInt(1_000_000)).append(',').append(String.format("%.5f", random.nextDouble()))
                    .append(',').append(String.format("%.5f", random.nextGaussian())).append(',')
                    .append(sentence(4 + random.nextInt(8))).append(',').append(random.nextInt(10)).append('\n');
        }
        return b.toString();
    }

    private String sentence(int words) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < words; i++) {
            // Zipf-like: low indices are far more frequent.
            int w = (int) Math.min(WORDS.length - 1, Math.floor(Math.pow(random.nextDouble(), 3) * WORDS.length));
            b.append(i == 0 ? "" : " ").append(WORDS[w]);
        }
        return b.toString();
    }

    private static long tensorBytes(int checkpointMiB) {
        long perTensor = (long) checkpointMiB * 1024 * 1024 / TENSORS_PER_CHECKPOINT;
        return perTensor - perTensor % 4;
    }

    private void writeCheckpoint(Path path, int mib) throws IOException {
        long tensorBytes = tensorBytes(mib);
        StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        for (int t = 0; t < TENSORS_PER_CHECKPOINT; t++) {
            long n = tensorBytes / 4;
            header.append(",\"layers.").append(t).append(".weight\":{\"dtype\":\"F32\",\"shape\":[").append(n / 256)
                    .append(",256],\"data_offsets\":[").append(offset).append(',').append(offset + tensorBytes).append("]}");
            offset += tensorBytes;
        }
        header.append('}');
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(path)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length);
            out.write(len.array());
            out.write(json);
            for (int t = 0; t < TENSORS_PER_CHECKPOINT; t++) {
                ByteBuffer buf = tensor(tensorBytes, 0.02f + t * 0.001f);
                out.write(buf.array(), 0, buf.limit());
            }
        }
    }

    private static long dataOffset(Path safetensors) throws IOException {
        try (FileChannel ch = FileChannel.open(safetensors, StandardOpenOption.READ)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(len, 0);
            return 8 + len.flip().getLong();
        }
    }

    /** Normally distributed float32 values rounded to bfloat16 precision, little-endian. */
    private ByteBuffer tensor(long bytes, float scale) {
        ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
        while (buf.remaining() >= 4) {
            float v = (float) random.nextGaussian() * scale;
            buf.putInt(Float.floatToRawIntBits(v) & 0xffff0000);
        }
        return buf.flip();
    }

    /** SHA-256 of every regular file, and the target of every symlink, by relative path. */
    static Map<String, String> checksums(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.forEach(paths::add);
        }
        for (Path p : paths) {
            if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                out.put(root.relativize(p).toString(), sha256(p));
            }
        }
        return out;
    }

    private static String sha256(Path p) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (var in = Files.newInputStream(p)) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) {
                    md.update(buf, 0, n);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static long size(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    static void deleteTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
