package io.lifeboat.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * A deterministic tree of many small files for the scale benchmark: N files of 1-4 KiB of
 * text lines, 1,000 to a directory ({@code d-0000/f-000000.txt}). {@link #change} appends a
 * line to every hundredth file (1% of them), as a log or dataset that grows would.
 */
public final class SmallFiles {
    static final int PER_DIRECTORY = 1000;
    private static final byte[] LETTERS = "etaoinshrdlucmfwypvbgkjqxz".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final Path root;
    private final int files;
    private final long seed;

    public SmallFiles(Path root, int files, long seed) {
        if (files < 1) {
            throw new IllegalArgumentException("files must be at least 1: " + files);
        }
        this.root = root;
        this.files = files;
        this.seed = seed;
    }

    Path path(int i) {
        return root.resolve(String.format(Locale.ROOT, "d-%04d", i / PER_DIRECTORY)).resolve(String.format(Locale.ROOT, "f-%06d.txt", i));
    }

    /** The files {@link #change} modifies: every hundredth. */
    static boolean changes(int i) {
        return i % 100 == 0;
    }

    int files() {
        return files;
    }

    /** Writes all files into an empty or missing directory, one directory per task. */
    public void generate() {
        int dirs = (files + PER_DIRECTORY - 1) / PER_DIRECTORY;
        IntStream.range(0, dirs).parallel().forEach(d -> {
            try {
                Files.createDirectories(path(d * PER_DIRECTORY).getParent());
                for (int i = d * PER_DIRECTORY; i < Math.min(files, (d + 1) * PER_DIRECTORY); i++) {
                    SplittableRandom r = new SplittableRandom(seed * 1_000_003L + i);
                    Files.write(path(i), text(r, 1024 + r.nextInt(3 * 1024 + 1)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Appends one line to 1% of the files; returns how many changed. */
    public int change() throws IOException {
        int n = 0;
        for (int i = 0; i < files; i++) {
            if (changes(i)) {
                SplittableRandom r = new SplittableRandom(seed * 7_000_003L + i);
                Files.write(path(i), text(r, 40 + r.nextInt(80)), StandardOpenOption.APPEND);
                n++;
            }
        }
        return n;
    }

    /** Lines of random words, exactly {@code size} bytes, ending in a newline. */
    private static byte[] text(SplittableRandom r, int size) {
        byte[] b = new byte[size];
        int col = 0;
        for (int i = 0; i < size - 1; i++) {
            if (col > 60 + r.nextInt(20)) {
                b[i] = '\n';
                col = 0;
            } else if (col > 0 && r.nextInt(6) == 0 && b[i - 1] != ' ') {
                b[i] = ' ';
                col++;
            } else {
                b[i] = LETTERS[(int) Math.min(LETTERS.length - 1, Math.floor(Math.pow(r.nextDouble(), 2) * LETTERS.length))];
                col++;
            }
        }
        b[size - 1] = '\n';
        return b;
    }

    /** {@code SmallFiles DIR [--files N] [--seed N] [--change]}: --change modifies 1% of an existing tree. */
    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: SmallFiles DIR [--files N] [--seed N] [--change]");
            System.exit(2);
        }
        int files = 1_000_000;
        long seed = 42;
        boolean change = false;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--files" -> files = Integer.parseInt(args[++i].replace("_", "").replace(",", ""));
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--change" -> change = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        SmallFiles s = new SmallFiles(Path.of(args[0]), files, seed);
        long t0 = System.nanoTime();
        if (change) {
            s.change();
        } else {
            s.generate();
        }
        System.err.printf(Locale.ROOT, "%s %d small files at %s in %.1f s%n", change ? "changed 1% of" : "generated", files, args[0],
                (System.nanoTime() - t0) / 1e9);
    }
}
