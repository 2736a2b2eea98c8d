package io.lifeboat.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the whole-process benchmarks share: running a tool's command under GNU time,
 * checksum manifests to prove a restore right, order statistics and the machine's
 * description. Every failure throws: a benchmark of a failed or wrong run is worthless.
 */
final class Harness {
    private Harness() {}

    /** One timed process: wall and CPU seconds, peak resident set of the largest process. */
    record Timing(double wall, double user, double sys, long maxRssKiB) {
        double cpu() {
            return user + sys;
        }

        double utilisation() {
            return wall > 0 ? cpu() / wall : 0;
        }
    }

    /** A command with its environment and working directory; logs go to {@code logDir/label.*}. */
    record Command(String label, List<String> argv, Map<String, String> env, Path cwd) {}

    /**
     * Runs the command under {@code /usr/bin/time}, its output into log files. A non-zero
     * exit fails the benchmark, showing the end of the log.
     */
    static Timing timed(Command c, Path logDir) throws IOException, InterruptedException {
        Files.createDirectories(logDir);
        String base = c.label().replaceAll("[^A-Za-z0-9._-]", "_");
        Path timeFile = logDir.resolve(base + ".time");
        Path out = logDir.resolve(base + ".out");
        Path err = logDir.resolve(base + ".err");
        List<String> argv = new ArrayList<>(List.of("/usr/bin/time", "-f", "%e %U %S %M", "-o", timeFile.toString()));
        argv.addAll(c.argv());
        ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(c.env());
        if (c.cwd() != null) {
            pb.directory(c.cwd().toFile());
        }
        int rc = pb.start().waitFor();
        if (rc != 0) {
            throw new IllegalStateException("FAILED (exit " + rc + "): " + String.join(" ", c.argv()) + "\n--- stdout (end) ---\n"
                    + tail(out, 30) + "\n--- stderr (end) ---\n" + tail(err, 30));
        }
        List<String> lines = Files.readAllLines(timeFile);
        String last = lines.get(lines.size() - 1).trim(); // GNU time may put a status line first
        String[] f = last.split("\\s+");
        return new Timing(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]), Long.parseLong(f[3]));
    }

    /**
     * One measured step: flushes dirty pages first (so one tool's writes are not flushed
     * during the next tool's step), notes the load average, runs and records the command.
     */
    static Timing step(Report report, int round, String tool, String step, Command c, Path logDir)
            throws IOException, InterruptedException {
        sync();
        String load = loadAverage().split(" ")[0];
        System.err.printf(Locale.ROOT, "[round %d] %-8s %-12s ... ", round + 1, tool, step);
        Timing t = timed(new Command("r" + (round + 1) + "-" + tool + "-" + step, c.argv(), c.env(), c.cwd()), logDir);
        System.err.printf(Locale.ROOT, "%7.2f s wall, %7.2f s CPU, %5.0f MiB peak RSS (load %s)%n", t.wall(), t.cpu(),
                t.maxRssKiB() / 1024.0, load);
        report.add(round, tool, step, t, load);
        return t;
    }

    static void sync() throws IOException, InterruptedException {
        new ProcessBuilder("sync").inheritIO().start().waitFor();
    }

    /** Runs an untimed helper command (installers, version queries); returns its output. */
    static String output(String... argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return s;
        } catch (IOException e) {
            return "(unavailable: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }

    static String tail(Path p, int lines) {
        try {
            List<String> all = Files.readAllLines(p, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log)";
        }
    }

    // ---- file trees -------------------------------------------------------------------

    /** {@code du -sb}: apparent bytes of everything under the path. */
    static long duBytes(Path p) {
        String s = output("du", "-sb", p.toString());
        return Long.parseLong(s.split("\\s+")[0]);
    }

    static void deleteTree(Path p) throws IOException, InterruptedException {
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            // rm is much faster than a Java walk on a million files, and copes with read-only trees.
            int rc = new ProcessBuilder("rm", "-rf", "--", p.toString()).inheritIO().start().waitFor();
            if (rc != 0 || Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("could not delete " + p);
            }
        }
    }

    static void copyTree(Path from, Path to) throws IOException, InterruptedException {
        int rc = new ProcessBuilder("cp", "-a", "--", from.toString(), to.toString()).inheritIO().start().waitFor();
        if (rc != 0) {
            throw new IOException("cp -a " + from + " " + to + " failed");
        }
    }

    static long freeBytes(Path p) throws IOException {
        return Files.getFileStore(p).getUsableSpace();
    }

    /**
     * Checksum manifest of a tree: relative path to {@code "d"} for a directory,
     * {@code "l target"} for a symbolic link, {@code "f size sha256"} for a file.
     */
    static TreeMap<String, String> manifest(Path root) throws IOException {
        Map<String, String> m = new ConcurrentHashMap<>();
        List<Path> files = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (!dir.equals(root)) {
                    m.put(root.relativize(dir).toString(), "d");
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isSymbolicLink()) {
                    m.put(root.relativize(file).toString(), "l " + Files.readSymbolicLink(file));
                } else if (attrs.isRegularFile()) {
                    files.add(file);
                } else {
                    m.put(root.relativize(file).toString(), "other");
                }
                return FileVisitResult.CONTINUE;
            }
        });
        files.parallelStream().forEach(f -> {
            try {
                m.put(root.relativize(f).toString(), "f " + Files.size(f) + " " + sha256(f));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return new TreeMap<>(m);
    }

    static String sha256(Path f) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(f)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Throws, listing the first differences, unless the two manifests are equal. */
    static void requireSame(String what, Map<String, String> expected, Map<String, String> actual) {
        if (expected.equals(actual)) {
            return;
        }
        List<String> diffs = new ArrayList<>();
        int missing = 0, extra = 0, differ = 0;
        for (var e : expected.entrySet()) {
            String a = actual.get(e.getKey());
            if (a == null) {
                missing++;
                if (diffs.size() < 20) diffs.add("missing: " + e.getKey());
            } else if (!a.equals(e.getValue())) {
                differ++;
                if (diffs.size() < 20) diffs.add("differs: " + e.getKey() + " expected [" + e.getValue() + "] got [" + a + "]");
            }
        }
        for (String k : actual.keySet()) {
            if (!expected.containsKey(k)) {
                extra++;
                if (diffs.size() < 20) diffs.add("extra:   " + k);
            }
        }
        throw new IllegalStateException("WRONG RESTORE: " + what + " is not identical to the source (" + missing + " missing, "
                + differ + " different, " + extra + " extra)\n  " + String.join("\n  ", diffs));
    }

    static long manifestBytes(Map<String, String> m) {
        long sum = 0;
        for (String v : m.values()) {
            if (v.startsWith("f ")) {
                sum += Long.parseLong(v.split(" ")[1]);
            }
        }
        return sum;
    }

    static long manifestFiles(Map<String, String> m) {
        return m.values().stream().filter(v -> v.startsWith("f ")).count();
    }

    // ---- statistics -------------------------------------------------------------------

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }

    /** "median (min–max)", or the single value when there is one sample or no spread. */
    static String spread(double[] v, String fmt) {
        String med = String.format(Locale.ROOT, fmt, median(v));
        if (v.length < 2) {
            return med;
        }
        return med + " (" + String.format(Locale.ROOT, fmt, min(v)) + "–" + String.format(Locale.ROOT, fmt, max(v)) + ")";
    }

    static String fmt(String f, Object... args) {
        return String.format(Locale.ROOT, f, args);
    }

    // ---- the machine ------------------------------------------------------------------

    /** A Markdown list describing this machine and the tools' versions. */
    /** The settings every benchmark driver takes, parsed and checked once. */
    record Common(int rounds, java.util.List<String> tools, Path work, Path lifeboat, Path repoRoot, Path results) {
        static Common of(Map<String, String> o, String kind) throws IOException {
            int rounds = Integer.parseInt(o.get("--rounds"));
            if (rounds < 1) {
                throw new IllegalArgumentException("--rounds must be at least 1");
            }
            Path repoRoot = Path.of(o.get("--repo-root")).toAbsolutePath().normalize();
            String stamp = java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm"));
            Path results = Path.of(o.getOrDefault("--results",
                    repoRoot.resolve("bench/results/" + kind + "-" + stamp + ".md").toString()));
            Path work = Path.of(o.get("--work")).toAbsolutePath().normalize();
            java.nio.file.Files.createDirectories(work);
            return new Common(rounds, java.util.Arrays.asList(o.get("--tools").split(",")), work,
                    Path.of(o.get("--lifeboat")).toAbsolutePath().normalize(), repoRoot, results);
        }
    }

    /**
     * The opening of a results file, shared by every benchmark: title, the exact command,
     * the revision measured, what was run, and the machine (with the load at the end).
     */
    static StringBuilder reportHeader(String title, String started, String command, Path repoRoot, String what,
                                      double minutes, String machine) {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(title).append(", ").append(started).append("\n\n");
        md.append("Command: `").append(command).append("`\n\n");
        md.append("Lifeboat revision: ").append(lifeboatRevision(repoRoot)).append("; ").append(what).append("; took ")
                .append(fmt("%.1f", minutes)).append(" minutes.\n\n");
        md.append("## Machine\n\n").append(machine).append("- Load average at end: ").append(loadAverage()).append("\n\n");
        return md;
    }

    static String machine(String javaHome) {
        Map<String, String> lscpu = new LinkedHashMap<>();
        for (String line : output("lscpu").split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                lscpu.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
        }
        StringBuilder b = new StringBuilder();
        b.append("- CPU: ").append(lscpu.getOrDefault("Model name", "?")).append("; ")
                .append(lscpu.getOrDefault("CPU(s)", "?")).append(" CPUs (")
                .append(lscpu.getOrDefault("Socket(s)", "?")).append(" socket(s), ")
                .append(lscpu.getOrDefault("Core(s) per socket", "?")).append(" core(s) per socket, ")
                .append(lscpu.getOrDefault("Thread(s) per core", "?")).append(" thread(s) per core)");
        if (lscpu.containsKey("Hypervisor vendor")) {
            b.append("; hypervisor ").append(lscpu.get("Hypervisor vendor"));
        }
        if (lscpu.containsKey("Flags")) {
            List<String> flags = Arrays.asList(lscpu.get("Flags").split(" "));
            List<String> relevant = new ArrayList<>();
            for (String f : List.of("aes", "vaes", "pclmulqdq", "vpclmulqdq", "sha_ni", "avx2", "avx512f", "avx512bw")) {
                if (flags.contains(f)) relevant.add(f);
            }
            b.append("; flags ").append(String.join(" ", relevant));
        }
        b.append('\n');
        String mem = output("sh", "-c", "free -h | sed -n 2p");
        b.append("- Memory: ").append(mem.replaceAll("\\s+", " ")).append(" (free -h: total used free shared buff/cache available)\n");
        b.append("- Kernel: ").append(output("uname", "-srvm")).append('\n');
        b.append("- Disk (work directory): ").append(output("sh", "-c", "df -h . | sed -n 2p").replaceAll("\\s+", " ")).append('\n');
        b.append("- Java: ").append(output(javaHome + "/bin/java", "-version").replace("\n", "; ")).append('\n');
        b.append("- restic: ").append(output("restic", "version")).append('\n');
        b.append("- borg: ").append(output("borg", "--version")).append('\n');
        b.append("- Load average at start: ").append(loadAverage()).append('\n');
        return b.toString();
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    static String lifeboatRevision(Path repoRoot) {
        String rev = output("git", "-C", repoRoot.toString(), "rev-parse", "--short=12", "HEAD");
        String dirty = output("git", "-C", repoRoot.toString(), "status", "--porcelain", "--untracked-files=no");
        return rev + (dirty.isEmpty() ? "" : " (with uncommitted changes)");
    }
}
