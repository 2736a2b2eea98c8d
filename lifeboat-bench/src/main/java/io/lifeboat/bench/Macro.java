package io.lifeboat.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The whole-process macro benchmark (issue 3): Lifeboat, restic and borg on the same
 * corpus in the same run, interleaved and repeated.
 *
 * <p>Per round, in an order rotated every round: a fresh repository and the first backup of
 * version 1 by each tool; then the corpus becomes version 2 in place, once; then per tool
 * the incremental backup of version 2, a full restore into a fresh directory (checked
 * byte for byte against version 2's checksum manifest: a wrong restore fails the run), a
 * full data verification and the repository's size. Every command runs under GNU time.
 *
 * <p>{@code Macro [--scale F] [--rounds R] [--tools lifeboat,restic,borg] [--work DIR]
 * [--results FILE] [--lifeboat PATH] [--java-home DIR] [--repo-root DIR] [--command TEXT] [--keep]}
 */
public final class Macro {
    static final List<Report.Step> STEPS = List.of(
            new Report.Step("init", "Fresh repository (init)", 0),
            new Report.Step("backup-v1", "First backup (version 1)", 5),
            new Report.Step("backup-v2", "Incremental backup (version 2)", 4),
            new Report.Step("restore", "Full restore (version 2)", 4),
            new Report.Step("check", "Full data verification", 3));

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args, Map.of("--scale", "1.0", "--rounds", "3", "--tools", "lifeboat,restic,borg", "--work",
                "bench/work", "--lifeboat", "bin/lifeboat", "--java-home", System.getProperty("java.home"), "--repo-root", ".",
                "--command", "(not given)"));
        double scale = Double.parseDouble(o.get("--scale"));
        Harness.Common common = Harness.Common.of(o, "macro");
        int rounds = common.rounds();
        List<String> tools = common.tools();
        Path work = common.work();
        Path lifeboat = common.lifeboat();
        Path repoRoot = common.repoRoot();
        Path results = common.results();
        String machine = Harness.machine(o.get("--java-home"));
        String started = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"));
        long t0 = System.nanoTime();

        Path pristine = pristineCorpus(work, o.get("--scale"));
        long v1Bytes = treeBytes(pristine);
        long needed = (long) (v1Bytes * (2.5 + tools.size() * 1.2 + 1.5));
        if (Harness.freeBytes(work) < needed) {
            throw new IllegalStateException(Harness.fmt("not enough free space in %s: %.1f GiB free, about %.1f GiB needed", work,
                    Harness.freeBytes(work) / 1073741824.0, needed / 1073741824.0));
        }

        Path data = work.resolve("data");
        Path logs = work.resolve("logs");
        Harness.deleteTree(logs);
        Report report = new Report();
        Map<String, Tool> byName = new LinkedHashMap<>();
        for (String t : tools) {
            byName.put(t, Tool.of(t, work, lifeboat));
        }
        if (byName.get("lifeboat") instanceof Tool.Lifeboat l) {
            Files.writeString(l.passwordFile(), Tool.PASSPHRASE + "\n");
        }
        TreeMap<String, String> v2Manifest = null;
        long v1Files = 0, v2Files = 0, v2Bytes = 0;
        List<String> orders = new ArrayList<>();

        for (int round = 0; round < rounds; round++) {
            List<String> order = new ArrayList<>(tools);
            java.util.Collections.rotate(order, -round);
            orders.add(String.join(", ", order));
            System.err.println("== round " + (round + 1) + " of " + rounds + ": " + String.join(", ", order));
            Harness.deleteTree(data);
            Harness.copyTree(pristine, data);
            if (round == 0) {
                v1Files = treeFiles(data);
            }
            for (String name : order) {
                Tool tool = byName.get(name);
                Harness.deleteTree(tool.repo);
                Harness.deleteTree(tool.cache);
                Harness.step(report, round, name, "init", tool.command("init", tool.init()), logs);
                Harness.step(report, round, name, "backup-v1", tool.command("backup-v1", tool.backup(data, "v1")), logs);
                report.size(name, "v1", Harness.duBytes(tool.repo));
            }

            new Corpus(data, scale, 42).toVersion2();
            TreeMap<String, String> manifest = Harness.manifest(data);
            if (v2Manifest == null) {
                v2Manifest = manifest;
                v2Files = Harness.manifestFiles(manifest);
                v2Bytes = Harness.manifestBytes(manifest);
            } else {
                Harness.requireSame("version 2 of round " + (round + 1) + " (the generator must be deterministic)", v2Manifest, manifest);
            }

            for (String name : order) {
                Tool tool = byName.get(name);
                Harness.step(report, round, name, "backup-v2", tool.command("backup-v2", tool.backup(data, "v2")), logs);
                report.size(name, "v2", Harness.duBytes(tool.repo));

                Path target = work.resolve("restore-" + name);
                Harness.deleteTree(target);
                Files.createDirectories(target);
                Harness.step(report, round, name, "restore",
                        tool.command("restore", tool.restore("v2", target, null), tool.restoreCwd(target)), logs);
                Path restored = target.resolve(data.toString().substring(1)); // absolute paths are recreated below the target
                Harness.requireSame(name + "'s restore in round " + (round + 1), manifest, Harness.manifest(restored));
                System.err.println("           restore verified: " + manifest.size() + " entries identical to version 2");
                Harness.deleteTree(target);

                Harness.step(report, round, name, "check", tool.command("check", tool.check()), logs);
            }
            for (Tool tool : byName.values()) {
                Harness.deleteTree(tool.repo);
                Harness.deleteTree(tool.cache);
            }
        }
        if (!o.containsKey("--keep")) {
            Harness.deleteTree(data);
        }

        double minutes = (System.nanoTime() - t0) / 60e9;
        StringBuilder md = Harness.reportHeader("Lifeboat macro benchmark", started, o.get("--command"), repoRoot,
                "rounds: " + rounds + "; scale: " + o.get("--scale"), minutes, machine);
        md.append("## Corpus\n\n");
        md.append(Harness.fmt("- Version 1: %d files, %d bytes (%.1f MiB)%n", v1Files, v1Bytes, v1Bytes / 1048576.0));
        md.append(Harness.fmt("- Version 2: %d files, %d bytes (%.1f MiB); every restore was identical to it (SHA-256 of every file)%n",
                v2Files, v2Bytes, v2Bytes / 1048576.0));
        md.append("- Tool order per round: ").append(String.join("; ", orders.stream().map(s -> "(" + s + ")").toList())).append("\n\n");
        md.append("## Results\n\n");
        md.append("Medians over the rounds, the range (min–max) in parentheses when there is more than one round. ")
                .append("MB/s = the size of the version the step covers (10^6 bytes) / wall time. ")
                .append("CPU util = (user+sys)/wall; the machine's maximum is its number of CPUs.\n\n");
        for (Report.Step s : STEPS) {
            long bytes = switch (s.key()) {
                case "backup-v1" -> v1Bytes;
                case "backup-v2", "restore", "check" -> v2Bytes;
                default -> 0;
            };
            md.append(report.stepTable(s, tools, bytes));
        }
        Map<String, String> sizeKeys = new LinkedHashMap<>();
        sizeKeys.put("v1", "after version 1");
        sizeKeys.put("v2", "after version 2");
        md.append(report.storedTable(tools, sizeKeys));
        md.append("Issue 3's target: stored size <= 0.85x restic's.\n\n");
        md.append(report.ratioTable(STEPS.subList(1, STEPS.size()), tools));
        md.append(report.rawTable());
        md.append("Logs of every command: `").append(logs).append("` (not kept in git).\n");

        Files.createDirectories(results.toAbsolutePath().getParent());
        Files.writeString(results, md);
        System.out.print(md);
        System.err.println("results written to " + results);
    }

    /** The pristine version 1 of the corpus at a scale: generated once into the work directory, reused by later runs. */
    static Path pristineCorpus(Path work, String scale) throws IOException, InterruptedException {
        Path pristine = work.resolve(Harness.fmt("corpus-v1-scale-%s", scale));
        Path done = work.resolve(pristine.getFileName() + ".complete");
        if (!Files.exists(done)) {
            Harness.deleteTree(pristine);
            System.err.println("generating the corpus (version 1, scale " + scale + ") in " + pristine);
            new Corpus(pristine, Double.parseDouble(scale), 42).generate();
            Files.writeString(done, "seed 42\n");
        }
        return pristine;
    }

    static long treeBytes(Path root) throws IOException {
        try (var s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    static long treeFiles(Path root) throws IOException {
        try (var s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    /** {@code --name value} pairs (and bare {@code --keep}) over the defaults. */
    static Map<String, String> options(String[] args, Map<String, String> defaults) {
        Map<String, String> o = new LinkedHashMap<>(defaults);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--keep")) {
                o.put(a, "true");
            } else if (a.startsWith("--") && i + 1 < args.length) {
                if (!defaults.containsKey(a) && !a.equals("--results") && !a.equals("--files")) {
                    throw new IllegalArgumentException("unknown option " + a);
                }
                o.put(a, args[++i]);
            } else {
                throw new IllegalArgumentException("unexpected argument " + a);
            }
        }
        return o;
    }
}
