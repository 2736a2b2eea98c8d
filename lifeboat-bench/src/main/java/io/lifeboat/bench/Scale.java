package io.lifeboat.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scale benchmark (issue 3): many small files, Lifeboat against restic. Per round, in an
 * order rotated every round: a fresh repository and the first backup by each tool; then 1%
 * of the files change, once; then per tool the incremental backup and the restore of one
 * single (changed) file, checked against the source, after which the tool's repository is
 * deleted to keep the disk free.
 *
 * <p>{@code Scale [--files N] [--rounds R] [--tools lifeboat,restic] [--work DIR] [--results FILE]
 * [--lifeboat PATH] [--java-home DIR] [--repo-root DIR] [--command TEXT] [--keep]}
 */
public final class Scale {
    static final List<Report.Step> STEPS = List.of(
            new Report.Step("init", "Fresh repository (init)", 0),
            new Report.Step("backup-v1", "First backup", 1),
            new Report.Step("backup-v2", "Incremental backup (1% of the files changed)", 1),
            new Report.Step("restore-one", "Restore of one file", 0));

    public static void main(String[] args) throws Exception {
        Map<String, String> o = Macro.options(args, Map.of("--files", "1000000", "--rounds", "1", "--tools", "lifeboat,restic",
                "--work", "bench/work", "--lifeboat", "bin/lifeboat", "--java-home", System.getProperty("java.home"), "--repo-root",
                ".", "--command", "(not given)"));
        int files = Integer.parseInt(o.get("--files").replace("_", "").replace(",", ""));
        Harness.Common common = Harness.Common.of(o, "scale");
        int rounds = common.rounds();
        List<String> tools = common.tools();
        Path work = common.work();
        Path lifeboat = common.lifeboat();
        Path repoRoot = common.repoRoot();
        Path results = common.results();
        // Each file takes a 4 KiB block at least; each repository may hold as much again.
        long needed = (long) files * 4096 * (1 + tools.size()) + (1L << 30);
        if (Harness.freeBytes(work) < needed) {
            throw new IllegalStateException(Harness.fmt("not enough free space in %s: %.1f GiB free, about %.1f GiB needed", work,
                    Harness.freeBytes(work) / 1073741824.0, needed / 1073741824.0));
        }
        String machine = Harness.machine(o.get("--java-home"));
        String started = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"));
        long t0 = System.nanoTime();

        Path data = work.resolve("small-files");
        Path logs = work.resolve("logs-scale");
        Harness.deleteTree(logs);
        Report report = new Report();
        Map<String, Tool> byName = new LinkedHashMap<>();
        for (String t : tools) {
            byName.put(t, Tool.of(t, work, lifeboat));
        }
        if (byName.get("lifeboat") instanceof Tool.Lifeboat l) {
            Files.writeString(l.passwordFile(), Tool.PASSPHRASE + "\n");
        }
        SmallFiles tree = new SmallFiles(data, files, 42);
        int one = Math.max(0, files / 2 / 100 * 100); // a changed file near the middle
        long v1Bytes = 0, v2Bytes = 0;
        int changed = 0;
        List<String> orders = new ArrayList<>();

        for (int round = 0; round < rounds; round++) {
            List<String> order = new ArrayList<>(tools);
            java.util.Collections.rotate(order, -round);
            orders.add(String.join(", ", order));
            System.err.println("== round " + (round + 1) + " of " + rounds + ": " + String.join(", ", order));
            Harness.deleteTree(data);
            long g = System.nanoTime();
            tree.generate();
            System.err.printf("generated %d files in %.1f s%n", files, (System.nanoTime() - g) / 1e9);
            v1Bytes = Macro.treeBytes(data);
            for (String name : order) {
                Tool tool = byName.get(name);
                Harness.deleteTree(tool.repo);
                Harness.deleteTree(tool.cache);
                Harness.step(report, round, name, "init", tool.command("init", tool.init()), logs);
                Harness.step(report, round, name, "backup-v1", tool.command("backup-v1", tool.backup(data, "v1")), logs);
                report.size(name, "v1", Harness.duBytes(tool.repo));
            }

            changed = tree.change();
            v2Bytes = Macro.treeBytes(data);
            Path source = tree.path(one);
            String expected = Harness.sha256(source);

            for (String name : order) {
                Tool tool = byName.get(name);
                Harness.step(report, round, name, "backup-v2", tool.command("backup-v2", tool.backup(data, "v2")), logs);
                report.size(name, "v2", Harness.duBytes(tool.repo));

                Path target = work.resolve("restore-" + name);
                Harness.deleteTree(target);
                Files.createDirectories(target);
                Harness.step(report, round, name, "restore-one",
                        tool.command("restore-one", tool.restore("v2", target, source), tool.restoreCwd(target)), logs);
                Path restored = target.resolve(source.toString().substring(1));
                long regular;
                try (var s = Files.walk(target)) {
                    regular = s.filter(Files::isRegularFile).count();
                }
                if (!Files.isRegularFile(restored) || !Harness.sha256(restored).equals(expected) || regular != 1) {
                    throw new IllegalStateException("WRONG RESTORE: " + name + " restored " + regular + " files; " + restored
                            + (Files.isRegularFile(restored) ? " differs from the source" : " is missing"));
                }
                System.err.println("           restore verified: the one file is identical to the source");
                Harness.deleteTree(target);
                Harness.deleteTree(tool.repo); // keep the disk free: this tool's steps of this round are done
                Harness.deleteTree(tool.cache);
            }
        }
        if (!o.containsKey("--keep")) {
            Harness.deleteTree(data);
        }

        double minutes = (System.nanoTime() - t0) / 60e9;
        StringBuilder md = Harness.reportHeader("Lifeboat scale benchmark (many small files)", started,
                o.get("--command"), repoRoot, "rounds: " + rounds, minutes, machine);
        md.append("## Files\n\n");
        md.append(Harness.fmt("- First backup: %d files of 1-4 KiB in directories of %d, %d bytes (%.1f MiB)%n", files,
                SmallFiles.PER_DIRECTORY, v1Bytes, v1Bytes / 1048576.0));
        md.append(Harness.fmt("- Incremental: %d files (1%%) with a line appended, %d bytes in all%n", changed, v2Bytes));
        md.append("- Restore of one file: `").append(tree.path(one)).append("` (a changed one), checked by SHA-256\n");
        md.append("- Tool order per round: ").append(String.join("; ", orders.stream().map(s -> "(" + s + ")").toList())).append("\n\n");
        md.append("## Results\n\n");
        md.append("Medians over the rounds, the range (min–max) in parentheses when there is more than one round. ")
                .append("MB/s = the size of the tree (10^6 bytes) / wall time. CPU util = (user+sys)/wall.\n\n");
        for (Report.Step s : STEPS) {
            long bytes = switch (s.key()) {
                case "backup-v1" -> v1Bytes;
                case "backup-v2" -> v2Bytes;
                default -> 0;
            };
            md.append(report.stepTable(s, tools, bytes));
        }
        Map<String, String> sizeKeys = new LinkedHashMap<>();
        sizeKeys.put("v1", "after the first backup");
        sizeKeys.put("v2", "after the incremental");
        md.append(report.storedTable(tools, sizeKeys));
        md.append("Issue 3's target: faster than restic with a peak memory no higher than restic's ")
                .append("(speed-up >= 1 and peak RSS ratio <= 1 for the backups).\n\n");
        md.append(report.ratioTable(STEPS.subList(1, STEPS.size()), tools));
        md.append(report.rawTable());
        md.append("Logs of every command: `").append(logs).append("` (not kept in git).\n");

        Files.createDirectories(results.toAbsolutePath().getParent());
        Files.writeString(results, md);
        System.out.print(md);
        System.err.println("results written to " + results);
    }
}
