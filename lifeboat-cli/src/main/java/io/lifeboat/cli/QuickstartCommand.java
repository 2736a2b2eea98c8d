package io.lifeboat.cli;

import io.lifeboat.core.BackupListener;
import io.lifeboat.core.BackupOptions;
import io.lifeboat.core.CheckOptions;
import io.lifeboat.core.CheckReport;
import io.lifeboat.core.Repository;
import io.lifeboat.core.RestoreOptions;
import io.lifeboat.core.RestoreResult;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.internal.crypto.KdfParams;
import io.lifeboat.core.internal.engine.BackupEngine;
import io.lifeboat.core.internal.engine.CheckEngine;
import io.lifeboat.core.internal.engine.RestoreEngine;
import io.lifeboat.core.storage.BlobInfo;
import io.lifeboat.core.storage.local.LocalBlobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The main job, first version: a toy disaster on this machine. Generates an AI workspace,
 * backs it up twice (the second time after a training step changed part of it), deletes
 * it, restores it, verifies every byte and reports what it cost: data and stored size,
 * dedup, throughput and the recovery time.
 */
@Command(name = "quickstart", description = {"Run a complete backup -> disaster -> restore demonstration on this machine.",
        "Needs nothing external; leaves its workspace, repository and restore under --dir."})
final class QuickstartCommand implements Callable<Integer> {
    private final Context ctx;

    @Option(names = "--dir", paramLabel = "DIR", description = "Where to work (default: a new directory under the system temp dir).")
    Path dir;

    @Option(names = "--files", paramLabel = "N", description = "Dataset files to generate (default: ${DEFAULT-VALUE}).")
    int files = 3000;

    @Option(names = "--tensor-mib", paramLabel = "MiB", description = "Size of each model checkpoint (default: ${DEFAULT-VALUE}).")
    int tensorMiB = 32;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    QuickstartCommand(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        if (files < 1 || files > 1_000_000 || tensorMiB < 1 || tensorMiB > 4096) {
            throw new UsageException("--files must be 1..1000000 and --tensor-mib 1..4096");
        }
        Path base = prepareDir();
        Path workspace = base.resolve("workspace");
        Path repoDir = base.resolve("repository");
        Path restored = base.resolve("restored");
        Path passwordFile = base.resolve("password");
        step("Working in " + base);

        step("1/7 Generating an AI workspace: " + files + " dataset files, 2 checkpoints of " + tensorMiB + " MiB, a config");
        QuickstartWorkspace ws = new QuickstartWorkspace(workspace, 42);
        ws.generate(files, tensorMiB);

        char[] pass = newPassphrase(passwordFile);
        step("2/7 Creating an encrypted repository at " + repoDir + " (passphrase in " + passwordFile + ")");
        Repository.InitOptions init = Repository.InitOptions.defaults(RepoCommand.hostname(ctx), RepoCommand.username())
                .withKdf(KdfParams.DEFAULT);
        Map<String, Object> report = new LinkedHashMap<>();
        try (Repository repo = Repository.init(LocalBlobStore.create(repoDir), pass, init)) {
            step("3/7 First backup");
            Timed<Snapshot> first = backup(repo, workspace);
            step("4/7 A training step: new checkpoint tensors, appended dataset lines; second backup");
            ws.trainingStep();
            Map<String, String> expected = QuickstartWorkspace.checksums(workspace);
            long dataBytes = QuickstartWorkspace.size(workspace);
            Timed<Snapshot> second = backup(repo, workspace);

            step("5/7 Disaster: deleting the workspace");
            QuickstartWorkspace.deleteTree(workspace);

            step("6/7 Restoring the latest snapshot and verifying every byte");
            long t0 = System.nanoTime();
            RestoreResult result = new RestoreEngine(repo, new RestoreOptions(restored, List.of(),
                    2 * BackupOptions.defaultThreads())).run(repo.findSnapshot("latest"));
            Path restoredWorkspace = restored.resolve(workspace.toString().substring(1));
            Map<String, String> actual = QuickstartWorkspace.checksums(restoredWorkspace);
            Duration rto = Duration.ofNanos(System.nanoTime() - t0);
            List<String> mismatches = compare(expected, actual);

            step("7/7 Checking the repository (every byte of every pack)");
            CheckReport check = new CheckEngine(repo, new CheckOptions(true, 100, 2 * BackupOptions.defaultThreads())).run();

            long stored = 0;
            for (BlobInfo b : repo.store().list("")) {
                stored += b.size();
            }
            report.put("directory", base.toString());
            report.put("repository", repoDir.toString());
            report.put("dataBytes", dataBytes);
            report.put("files", expected.size());
            report.put("storedBytes", stored);
            report.put("logicalBytesBackedUp", first.value.summary().totalBytes() + second.value.summary().totalBytes());
            report.put("dedupRatio", (double) (first.value.summary().totalBytes() + second.value.summary().totalBytes()) / stored);
            report.put("firstBackupSeconds", first.seconds());
            report.put("firstBackupMiBps", first.value.summary().bytesRead() / first.seconds() / (1 << 20));
            report.put("secondBackupSeconds", second.seconds());
            report.put("secondBackupNewBytes", second.value.summary().bytesAdded());
            report.put("secondBackupUnmodifiedFiles", second.value.summary().filesUnmodified());
            report.put("restoreSeconds", rto.toNanos() / 1e9);
            report.put("rtoSeconds", rto.toNanos() / 1e9);
            report.put("rpoSeconds", 0.0);
            report.put("verifiedFiles", actual.size());
            report.put("mismatches", mismatches);
            report.put("damaged", result.damaged());
            report.put("checkErrors", check.errors());
            boolean ok = mismatches.isEmpty() && result.damaged().isEmpty() && check.ok();
            report.put("ok", ok);
            print(report, first, second);
            return ok ? ExitCodes.OK : ExitCodes.INTEGRITY;
        } finally {
            java.util.Arrays.fill(pass, '\0');
        }
    }

    private Path prepareDir() throws IOException {
        if (dir == null) {
            return Files.createTempDirectory("lifeboat-quickstart-");
        }
        Path d = dir.toAbsolutePath().normalize();
        if (Files.exists(d)) {
            try (var entries = Files.list(d)) {
                if (entries.findAny().isPresent()) {
                    throw new UsageException("--dir " + d + " is not empty; give a new or empty directory");
                }
            }
        }
        return Files.createDirectories(d);
    }

    private static char[] newPassphrase(Path file) throws IOException {
        byte[] raw = new byte[24];
        new SecureRandom().nextBytes(raw);
        String pass = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Files.writeString(file, pass + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return pass.toCharArray();
    }

    private record Timed<T>(T value, long nanos) {
        double seconds() {
            return Math.max(nanos, 1) / 1e9;
        }
    }

    private Timed<Snapshot> backup(Repository repo, Path workspace) throws IOException {
        long t0 = System.nanoTime();
        BackupOptions options = new BackupOptions(List.of(workspace), null, null, List.of(),
                new TreeMap<>(Map.of("source", "quickstart")), "ai-workspace", "dataset", RepoCommand.hostname(ctx),
                RepoCommand.username(), null, BackupOptions.defaultThreads(), ctx.clock());
        BackupListener warnings = new BackupListener() {
            @Override
            public void warning(String path, String message) {
                ctx.err().println("warning: " + path + ": " + message);
            }
        };
        Snapshot s = new BackupEngine(repo, options, warnings).run();
        long nanos = System.nanoTime() - t0;
        Snapshot.Summary sum = s.summary();
        step(String.format("    snapshot %s: %d files (%d unchanged), %s read, %s new, stored as %s, %.2f s",
                s.id().shortHex(), sum.files(), sum.filesUnmodified(), Format.bytes(sum.bytesRead()),
                Format.bytes(sum.bytesAdded()), Format.bytes(sum.storedBytesAdded()), nanos / 1e9));
        return new Timed<>(s, nanos);
    }

    private static List<String> compare(Map<String, String> expected, Map<String, String> actual) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : expected.entrySet()) {
            String got = actual.get(e.getKey());
            if (got == null) {
                out.add(e.getKey() + ": missing");
            } else if (!got.equals(e.getValue())) {
                out.add(e.getKey() + ": content differs");
            }
        }
        for (String k : actual.keySet()) {
            if (!expected.containsKey(k)) {
                out.add(k + ": unexpected");
            }
        }
        return out;
    }

    private void step(String line) {
        if (!json) {
            ctx.err().println(line);
        }
    }

    private void print(Map<String, Object> r, Timed<Snapshot> first, Timed<Snapshot> second) throws IOException {
        if (json) {
            ctx.out().println(RepoCommand.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r));
            return;
        }
        var out = ctx.out();
        out.println();
        out.println("Lifeboat quickstart: " + ((boolean) r.get("ok") ? "RECOVERED" : "FAILED"));
        out.printf("  data protected     %s in %d files%n", Format.bytes((long) r.get("dataBytes")), (int) r.get("files"));
        out.printf("  stored             %s for two snapshots (%s logical): dedup+compression %s%n",
                Format.bytes((long) r.get("storedBytes")), Format.bytes((long) r.get("logicalBytesBackedUp")),
                Format.ratio((double) r.get("dedupRatio")));
        out.printf("  first backup       %.2f s (%.1f MiB/s)%n", first.seconds(), (double) r.get("firstBackupMiBps"));
        out.printf("  second backup      %.2f s: %d files unchanged and not re-read, %s new%n", second.seconds(),
                (long) r.get("secondBackupUnmodifiedFiles"), Format.bytes((long) r.get("secondBackupNewBytes")));
        out.printf("  restore + verify   %.2f s  <- RTO of this disaster%n", (double) r.get("rtoSeconds"));
        out.printf("  RPO                0 s (the last backup ran just before the disaster)%n");
        out.printf("  verified           %d files byte for byte, %d mismatches; check --read-data: %s%n",
                (int) r.get("verifiedFiles"), ((List<?>) r.get("mismatches")).size(),
                ((List<?>) r.get("checkErrors")).isEmpty() ? "clean" : "ERRORS");
        out.printf("  everything is in   %s%n", r.get("directory"));
        out.printf("  try                LIFEBOAT_REPO=%s LIFEBOAT_PASSWORD_FILE=%s bin/lifeboat snapshots%n",
                r.get("repository"), Path.of((String) r.get("directory")).resolve("password"));
    }

}
