package io.lifeboat.bench;

import io.lifeboat.core.storage.BlobStore;
import io.lifeboat.core.storage.BlobStores;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The replication benchmark (issue 7): how fast a repository of the benchmark corpus is
 * copied to a replica, Lifeboat against {@code restic copy}, to a local directory and to S3.
 *
 * <p>Once: the corpus (version 1, as in {@link Macro}) is backed up by each tool into a
 * source repository on local disk. Then per round, in an order rotated every round, each
 * tool copies its source repository to a fresh replica in a local directory and in a fresh
 * bucket of S3Proxy (in-memory backend, on loopback, started by this driver: its CPU is
 * this process's and is reported apart). Lifeboat runs {@link Replicate} in a JVM of its
 * own with the launcher's settings; restic runs {@code restic copy} into a repository made
 * by {@code restic init --copy-chunker-params} (timed apart). Every replica is then
 * verified, untimed: {@code check --read-data} and one snapshot listed. Every command runs
 * under GNU time.
 *
 * <p>{@code Replication [--scale F] [--rounds R] [--tools lifeboat,restic] [--targets file,s3] [--work DIR]
 * [--results FILE] [--lifeboat PATH] [--java-home DIR] [--repo-root DIR] [--command TEXT]}
 */
public final class Replication {
    private static final List<Report.Step> STEPS = List.of(
            new Report.Step("to-file", "Replication to a local directory (file to file)", 0),
            new Report.Step("to-s3", "Replication to S3 (S3Proxy, in memory, on loopback)", 0));

    /** The launcher's JVM settings (bin/lifeboat), without its ahead-of-time cache, which is trained on the CLI. */
    private static final List<String> JVM = List.of("-Xms64m", "-XX:MaxRAMPercentage=25", "-XX:+UseG1GC",
            "-XX:GCTimeRatio=1", "-XX:+ExitOnOutOfMemoryError", "-XX:+UnlockExperimentalVMOptions",
            "-XX:G1MaxNewSizePercent=25", "-XX:G1ExpandByPercentOfAvailable=0", "-XX:MinHeapFreeRatio=5", "-XX:MaxHeapFreeRatio=20",
            "--enable-native-access=ALL-UNNAMED");

    private final Map<String, String> o;
    private final Harness.Common common;
    private final Path base;
    private final Path logs;
    private final Report report = new Report();
    /** The S3 server's CPU seconds during each S3 step, by "round tool". */
    private final Map<String, Double> serverCpu = new HashMap<>();
    private Tool.Lifeboat lifeboat;
    private Tool.Restic restic;

    private Replication(Map<String, String> o, Harness.Common common) {
        this.o = o;
        this.common = common;
        this.base = common.work().resolve("replication");
        this.logs = common.work().resolve("logs-replication");
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = Macro.options(args, Map.of("--scale", "1.0", "--rounds", "3", "--tools", "lifeboat,restic",
                "--targets", "file,s3", "--work", "bench/work", "--lifeboat", "bin/lifeboat", "--java-home",
                System.getProperty("java.home"), "--repo-root", ".", "--command", "(not given)"));
        new Replication(o, Harness.Common.of(o, "replication")).run();
    }

    private void run() throws Exception {
        String machine = Harness.machine(o.get("--java-home"));
        String started = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"));
        long t0 = System.nanoTime();
        Path corpus = Macro.pristineCorpus(common.work(), o.get("--scale"));
        long corpusBytes = Macro.treeBytes(corpus);
        Harness.deleteTree(base);
        Harness.deleteTree(logs);
        Files.createDirectories(base);
        lifeboat = new Tool.Lifeboat(base, common.lifeboat());
        restic = new Tool.Restic(base);
        Files.writeString(lifeboat.passwordFile(), Tool.PASSPHRASE + "\n");
        Map<String, Long> sourceBytes = backUpSources(corpus);

        List<String> cases = new ArrayList<>();
        for (String target : o.get("--targets").split(",")) {
            for (String tool : common.tools()) {
                cases.add(tool + " " + target);
            }
        }
        List<String> orders = new ArrayList<>();
        for (int round = 0; round < common.rounds(); round++) {
            List<String> order = new ArrayList<>(cases);
            java.util.Collections.rotate(order, -round);
            orders.add(String.join(", ", order));
            System.err.println("== round " + (round + 1) + " of " + common.rounds() + ": " + String.join(", ", order));
            try (S3Server s3 = S3Server.start()) { // a fresh, empty server each round
                warmUp(s3);
                for (String c : order) {
                    String[] tt = c.split(" ");
                    replicate(round, tt[0], tt[1], s3);
                }
            }
        }
        Harness.deleteTree(base);
        write(started, machine, (System.nanoTime() - t0) / 60e9, corpusBytes, sourceBytes, orders);
    }

    /**
     * Puts, lists, reads and deletes a few hundred MB through the new server, so that its
     * request paths are compiled before the first timed copy, whichever tool that is.
     */
    private static void warmUp(S3Server s3) throws Exception {
        java.util.Random random = new java.util.Random(1);
        byte[] small = new byte[256 << 10];
        byte[] large = new byte[16 << 20];
        random.nextBytes(small);
        random.nextBytes(large);
        String url = "s3://" + S3Server.newBucketName() + "/warm-up";
        try (BlobStore store = BlobStores.open(url, s3.env(), Map.of(), true, false)) {
            for (int pass = 0; pass < 3; pass++) {
                for (int i = 0; i < 64; i++) {
                    store.putIfAbsent("small/" + pass + "-" + i, small);
                }
                for (int i = 0; i < 4; i++) {
                    store.putIfAbsent("large/" + pass + "-" + i, large);
                }
                for (var b : store.list("")) {
                    store.get(b.name());
                    store.delete(b.name());
                }
            }
        }
    }

    /** Each tool's source repository on local disk, holding one backup of the corpus. */
    private Map<String, Long> backUpSources(Path corpus) throws Exception {
        Map<String, Long> bytes = new LinkedHashMap<>();
        for (String name : common.tools()) {
            Tool tool = name.equals("lifeboat") ? lifeboat : restic;
            Harness.timed(tool.command("source-" + name + "-init", tool.init()), logs);
            Harness.Timing t = Harness.timed(tool.command("source-" + name + "-backup", tool.backup(corpus, "v1")), logs);
            bytes.put(name, Harness.duBytes(tool.repo));
            report.size(name, "source", bytes.get(name));
            System.err.printf("source repository of %s: backup %.1f s, %.1f MiB%n", name, t.wall(),
                    bytes.get(name) / 1048576.0);
        }
        return bytes;
    }

    private void replicate(int round, String tool, String target, S3Server s3) throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        String bucket = S3Server.newBucketName();
        Path dir = base.resolve("replica-" + tool);
        Harness.deleteTree(dir);
        if (target.equals("s3")) {
            env.putAll(s3.env());
        }
        Harness.Command copy;
        Harness.Command verify;
        if (tool.equals("lifeboat")) {
            String url = target.equals("s3") ? "s3://" + bucket + "/repo" : dir.toString();
            env.putAll(lifeboat.env());
            env.put("LIFEBOAT_REPO", url);
            copy = new Harness.Command("copy", replicateCommand(lifeboat.repo.toString(), url), env, null);
            verify = new Harness.Command("verify", List.of(common.lifeboat().toString(), "check", "--read-data"), env, null);
        } else {
            String url = target.equals("s3") ? "s3:" + s3.endpoint() + "/" + bucket + "/repo" : dir.toString();
            env.putAll(restic.env());
            env.put("RESTIC_REPOSITORY", url);
            env.put("RESTIC_FROM_REPOSITORY", restic.repo.toString());
            env.put("RESTIC_FROM_PASSWORD", Tool.PASSPHRASE);
            Harness.deleteTree(restic.cache); // cold for both repositories, every time, as Lifeboat (which has no cache)
            Harness.Timing init = Harness.timed(new Harness.Command("r" + (round + 1) + "-restic-init-" + target,
                    List.of("restic", "init", "--repository-version", "2", "--copy-chunker-params"), env, null), logs);
            report.add(round, tool, "init-" + target, init, Harness.loadAverage().split(" ")[0]);
            copy = new Harness.Command("copy", List.of("restic", "copy"), env, null);
            verify = new Harness.Command("verify", List.of("restic", "check", "--read-data"), env, null);
        }
        double cpu0 = driverCpuSeconds();
        Harness.step(report, round, tool, "to-" + target, copy, logs);
        serverCpu.put(round + " " + tool + " " + target, driverCpuSeconds() - cpu0);
        Harness.timed(new Harness.Command("r" + (round + 1) + "-" + tool + "-verify-" + target, verify.argv(), env, null),
                logs);
        System.err.println("           replica verified (check --read-data)");
        Harness.deleteTree(dir);
    }

    private List<String> replicateCommand(String from, String to) {
        Path bench = common.repoRoot().resolve("lifeboat-bench/target");
        List<String> argv = new ArrayList<>(List.of(Path.of(o.get("--java-home"), "bin", "java").toString()));
        argv.addAll(JVM);
        argv.addAll(List.of("-cp", bench.resolve("lifeboat-bench.jar") + ":" + bench.resolve("lib") + "/*",
                Replicate.class.getName(), from, to));
        return argv;
    }

    /** The CPU time of this process: the S3 server's work, the driver being idle meanwhile. */
    private static double driverCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    private void write(String started, String machine, double minutes, long corpusBytes, Map<String, Long> sourceBytes,
                       List<String> orders) throws Exception {
        List<String> tools = common.tools();
        StringBuilder md = Harness.reportHeader("Lifeboat replication benchmark", started, o.get("--command"),
                common.repoRoot(), "rounds: " + common.rounds() + "; scale: " + o.get("--scale"), minutes, machine);
        md.append("## What was copied\n\n");
        md.append(Harness.fmt("- The corpus, version 1: %d bytes (%.1f MiB), backed up once by each tool.%n", corpusBytes,
                corpusBytes / 1048576.0));
        for (var e : sourceBytes.entrySet()) {
            md.append(Harness.fmt("- %s's source repository: %d bytes (%.1f MiB), du -sb.%n", e.getKey(), e.getValue(),
                    e.getValue() / 1048576.0));
        }
        md.append("- Lifeboat: `java <launcher settings> -cp lifeboat-bench.jar:lib/* io.lifeboat.bench.Replicate SOURCE "
                + "TARGET` (the Replicator, 8 threads; no CLI command yet). restic: `restic init --repository-version 2 "
                + "--copy-chunker-params` (timed apart, below), then `restic copy`, source from RESTIC_FROM_REPOSITORY.\n");
        md.append("- Every replica was verified after its copy (untimed): `check --read-data` by the tool itself.\n");
        md.append("- Order per round: ").append(String.join("; ", orders.stream().map(s -> "(" + s + ")").toList()))
                .append("\n\n## Results\n\n");
        md.append("Medians over the rounds, the range (min–max) in parentheses. MB/s = the corpus (10^6 bytes) / wall "
                + "time; repository MB/s = the tool's source repository / wall time. CPU and RSS are the copying "
                + "process's; the S3 server's CPU is apart.\n\n");
        for (Report.Step s : STEPS) {
            if (report.values(tools.get(0), s.key(), Harness.Timing::wall).length > 0) {
                md.append(report.stepTable(s, tools, corpusBytes));
                md.append(repositoryRate(s, tools, sourceBytes));
            }
        }
        md.append(ratios(tools));
        md.append(report.rawTable());
        md.append("Logs of every command: `").append(logs).append("` (not kept in git).\n");
        Files.createDirectories(common.results().toAbsolutePath().getParent());
        Files.writeString(common.results(), md);
        System.out.print(md);
        System.err.println("results written to " + common.results());
    }

    /** Repository bytes per second and the S3 server's CPU, per tool. */
    private String repositoryRate(Report.Step s, List<String> tools, Map<String, Long> sourceBytes) {
        StringBuilder b = new StringBuilder("| tool | repository MB/s |").append(s.key().equals("to-s3") ? " S3 server CPU s |" : "")
                .append("\n|---|---:|").append(s.key().equals("to-s3") ? "---:|" : "").append('\n');
        for (String tool : tools) {
            long bytes = sourceBytes.get(tool);
            double[] rate = report.values(tool, s.key(), t -> bytes / 1e6 / Math.max(t.wall(), 0.005));
            b.append("| ").append(tool).append(" | ").append(Harness.spread(rate, "%.0f")).append(" |");
            if (s.key().equals("to-s3")) {
                double[] cpu = serverCpu.entrySet().stream().filter(e -> e.getKey().endsWith(" " + tool + " s3"))
                        .mapToDouble(Map.Entry::getValue).toArray();
                b.append(' ').append(Harness.spread(cpu, "%.2f")).append(" |");
            }
            b.append('\n');
        }
        return b.append('\n').toString();
    }

    private String ratios(List<String> tools) {
        if (!tools.contains("lifeboat") || !tools.contains("restic")) {
            return "";
        }
        StringBuilder b = new StringBuilder("### Lifeboat against restic\n\n");
        b.append("Speed-up = restic's median wall time / Lifeboat's (per-round range in parentheses); with restic's "
                + "`init`, which a copy into a new repository needs, added to its time in the last column.\n\n");
        b.append("| target | speed-up | speed-up, restic init included |\n|---|---:|---:|\n");
        for (Report.Step s : STEPS) {
            double[] l = report.values("lifeboat", s.key(), Harness.Timing::wall);
            double[] r = report.values("restic", s.key(), Harness.Timing::wall);
            double[] init = report.values("restic", "init-" + s.key().substring(3), Harness.Timing::wall);
            if (l.length == 0 || r.length == 0) {
                continue;
            }
            double[] per = report.perRoundSpeedup("restic", s.key());
            b.append("| ").append(s.title()).append(Harness.fmt(" | %.2fx (%.2f–%.2f) | %.2fx |%n",
                    Harness.median(r) / Harness.median(l), Harness.min(per), Harness.max(per),
                    (Harness.median(r) + Harness.median(init)) / Harness.median(l)));
        }
        return b.append('\n').toString();
    }
}
