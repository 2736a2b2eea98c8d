package io.lifeboat.cli;

import io.lifeboat.catalog.RecoveryPoint;
import io.lifeboat.catalog.RecoveryPoints;
import io.lifeboat.dr.AuditLog;
import io.lifeboat.dr.Protector;
import io.lifeboat.dr.ReplicationRunner;
import io.lifeboat.dr.SiteAccess;
import io.lifeboat.dr.plan.Plan;
import io.lifeboat.dr.plan.PlanReader;
import io.lifeboat.dr.plan.Site;
import io.lifeboat.dr.replicate.Replicator;
import io.lifeboat.core.BackupOptions;
import io.lifeboat.core.CheckOptions;
import io.lifeboat.core.CheckReport;
import io.lifeboat.core.Repository;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.internal.crypto.KdfParams;
import io.lifeboat.core.internal.engine.CheckEngine;
import io.lifeboat.core.internal.engine.KeylessCheck;
import io.lifeboat.core.storage.BlobInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The main job: a regional disaster on this machine. Generates an AI workspace and a
 * protection plan with two sites standing for two regions of different jurisdictions,
 * protects the workspace by the plan (twice: before and after a training step),
 * replicates it to the second site, then destroys the primary site's repository and the
 * workspace, restores the latest recovery point from the second site, verifies every
 * byte and reports the achieved RPO and the restore time.
 */
@Command(name = "quickstart", description = {"Run a complete protect -> replicate -> regional disaster -> restore",
        "demonstration on this machine. Needs nothing external; leaves its workspace, plan, sites and",
        "restore under --dir."})
final class QuickstartCommand implements Callable<Integer> {
    static final String PRIMARY = "eu-west";
    static final String SECONDARY = "us-east";
    /** The residency domain of the workspace's assets: allowed in both regions. */
    static final String DOMAIN = "eu+us";
    static final List<String> ASSETS = List.of("training-data", "checkpoints", "train-config");

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
        Path sitesDir = base.resolve("sites");
        Path restored = base.resolve("restored");
        Path passwordFile = base.resolve("password");
        Path planFile = base.resolve("lifeboat.yaml");
        step("Working in " + base);

        step("1/8 Generating an AI workspace: " + files + " dataset files, 2 checkpoints of " + tensorMiB + " MiB, a config");
        QuickstartWorkspace ws = new QuickstartWorkspace(workspace, 42);
        ws.generate(files, tensorMiB);
        char[] pass = newPassphrase(passwordFile);
        java.util.Arrays.fill(pass, '\0');

        step("2/8 Writing a protection plan (" + planFile.getFileName() + "): site " + PRIMARY + " (eu, primary) and "
                + SECONDARY + " (us, secondary) under " + sitesDir);
        Files.writeString(planFile, plan(sitesDir));
        PlanReader.Result read = PlanReader.read(planFile);
        if (read.plan() == null) {
            throw new IllegalStateException("quickstart wrote an invalid plan: " + read.problems());
        }
        Plan plan = read.plan();
        SiteAccess sites = new SiteAccess(ctx.env(), s -> RepoCommand.readPasswordFile(s.passwordFile()), KdfParams.DEFAULT,
                RepoCommand.hostname(ctx), RepoCommand.username());
        AuditLog audit = new AuditLog(base.resolve("lifeboat-audit.log"), ctx.clock(), RepoCommand.username() + "@"
                + RepoCommand.hostname(ctx));
        Protector protector = new Protector(plan, sites, audit, ctx.clock(), java.time.ZoneId.systemDefault(), ctx.env(),
                BackupOptions.defaultThreads());

        step("3/8 protect: first backup of every asset to " + PRIMARY + ", and a recovery point");
        Timed<Protector.Report> first = timed(() -> protector.run(false, Set.of()));
        describe(first);
        step("4/8 A training step (new checkpoint tensors, appended dataset lines), then protect again");
        ws.trainingStep();
        Map<String, String> expected = QuickstartWorkspace.checksums(workspace);
        long dataBytes = QuickstartWorkspace.size(workspace);
        Timed<Protector.Report> second = timed(() -> protector.run(true, Set.of()));
        describe(second);

        step("5/8 replicate: copying the encrypted objects " + SECONDARY + " lacks");
        Timed<List<ReplicationRunner.Copy>> copies = timed(() -> new ReplicationRunner(plan, sites, audit,
                Replicator.Options.defaults()).run(null, new Replicator.Listener() { }));
        long replicated = 0;
        for (ReplicationRunner.Copy c : copies.value) {
            if (c.result() == null) {
                throw new IllegalStateException("replication to " + c.site() + " did not happen: "
                        + (c.refused() != null ? c.refused() : c.failed()));
            }
            replicated += c.result().totalCopied().bytes();
        }
        step(String.format("    %s copied in %.2f s", Format.bytes(replicated), copies.seconds()));

        step("6/8 Disaster: region " + PRIMARY + " is lost (its repository and the workspace are deleted)");
        java.time.Instant disaster = ctx.clock().instant();
        QuickstartWorkspace.deleteTree(sitesDir.resolve(PRIMARY));
        QuickstartWorkspace.deleteTree(workspace);

        step("7/8 Restoring the latest recovery point from " + SECONDARY + " and verifying every byte");
        Site secondary = plan.site(SECONDARY).orElseThrow();
        Map<String, Object> report = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        try (Repository replica = sites.open(secondary, DOMAIN)) {
            RecoveryPoints points = new RecoveryPoints(replica, ctx.clock(), RepoCommand.username());
            RecoveryPoint rp = points.find("latest", null);
            RecoveryPoints.Restored result = points.restore(rp, restored, false, 2 * BackupOptions.defaultThreads());
            Map<String, String> actual = new java.util.TreeMap<>();
            java.time.Instant dataTime = null;
            for (RecoveryPoints.MemberResult m : result.members()) {
                actual.putAll(QuickstartWorkspace.checksums(restored.resolve(m.dir()).resolve(workspace.toString().substring(1))));
                java.time.Instant t = replica.loadSnapshot(m.member().snapshot()).time();
                dataTime = dataTime == null || t.isBefore(dataTime) ? t : dataTime;
            }
            Duration rto = Duration.ofNanos(System.nanoTime() - t0);
            List<String> mismatches = compare(expected, actual);

            step("8/8 Checking the replica: every byte of every pack, with the key and without it");
            CheckReport check = new CheckEngine(replica, new CheckOptions(true, 100, 2 * BackupOptions.defaultThreads())).run();
            CheckReport keyless = new KeylessCheck(replica.store(), 100, 2 * BackupOptions.defaultThreads()).run();

            long stored = 0;
            for (BlobInfo b : replica.store().list("")) {
                stored += b.size();
            }
            Snapshot.Summary secondData = summary(second.value, "training-data");
            Duration rpo = Duration.between(dataTime, disaster);
            report.put("directory", base.toString());
            report.put("plan", planFile.toString());
            report.put("primary", sitesDir.resolve(PRIMARY).toString());
            report.put("secondary", SiteAccess.url(secondary, DOMAIN));
            report.put("dataBytes", dataBytes);
            report.put("files", expected.size());
            report.put("storedBytes", stored);
            report.put("replicatedBytes", replicated);
            report.put("firstProtectSeconds", first.seconds());
            report.put("secondProtectSeconds", second.seconds());
            report.put("replicateSeconds", copies.seconds());
            report.put("secondBackupUnmodifiedFiles", secondData.filesUnmodified());
            report.put("secondBackupNewBytes", totalAdded(second.value));
            report.put("firstBackupMiBps", first.value.outcomes().stream().mapToLong(o -> o.snapshot().summary().bytesRead())
                    .sum() / first.seconds() / (1 << 20));
            report.put("recoveryPoint", rp.id().hex());
            report.put("restoreSeconds", rto.toNanos() / 1e9);
            report.put("rtoSeconds", rto.toNanos() / 1e9);
            report.put("rpoSeconds", rpo.toNanos() / 1e9);
            report.put("verifiedFiles", actual.size());
            report.put("mismatches", mismatches);
            report.put("damaged", result.members().stream().flatMap(m -> m.result() == null ? java.util.stream.Stream.empty()
                    : m.result().damaged().stream()).toList());
            report.put("checkErrors", check.errors());
            report.put("keylessCheckErrors", keyless.errors());
            report.put("manifest", result.manifest().toString());
            boolean ok = mismatches.isEmpty() && !result.damaged() && check.ok() && keyless.ok();
            report.put("ok", ok);
            print(report);
            return ok ? ExitCodes.OK : ExitCodes.INTEGRITY;
        }
    }

    private static String plan(Path sitesDir) {
        StringBuilder assets = new StringBuilder();
        String[][] spec = {{"training-data", "dataset", "workspace/dataset"}, {"checkpoints", "checkpoint", "workspace/models"},
                {"train-config", "config", "workspace/config"}};
        for (String[] a : spec) {
            assets.append("""
                      - name: %s
                        kind: %s
                        paths: [%s]
                        policy:
                          schedule: 15m
                          rpo: 30m
                          rto: 15m
                          retention: {keep-last: 10}
                          residency: [eu, us]
                          replicate-to: [%s]
                    """.formatted(a[0], a[1], a[2], SECONDARY));
        }
        return """
                # Written by 'lifeboat quickstart': two regions on this machine.
                version: 1
                sites:
                  - name: %s
                    repository: file:%s
                    jurisdiction: eu
                    role: primary
                    standby: hot
                    password-file: password
                  - name: %s
                    repository: file:%s
                    jurisdiction: us
                    role: secondary
                    standby: warm
                    password-file: password
                assets:
                """.formatted(PRIMARY, sitesDir.resolve(PRIMARY), SECONDARY, sitesDir.resolve(SECONDARY)) + assets;
    }

    private void describe(Timed<Protector.Report> r) {
        for (Protector.Outcome o : r.value.outcomes()) {
            if (o.action() != Protector.Action.BACKED_UP) {
                throw new IllegalStateException(o.asset() + ": " + o.action() + " " + o.message());
            }
            Snapshot.Summary sum = o.snapshot().summary();
            step(String.format("    %-14s snapshot %s: %d files (%d unchanged), %s read, %s new, stored as %s",
                    o.asset(), o.snapshot().id().shortHex(), sum.files(), sum.filesUnmodified(), Format.bytes(sum.bytesRead()),
                    Format.bytes(sum.bytesAdded()), Format.bytes(sum.storedBytesAdded())));
        }
        step(String.format("    %.2f s", r.seconds()));
    }

    private static Snapshot.Summary summary(Protector.Report r, String asset) {
        return r.outcomes().stream().filter(o -> o.asset().equals(asset)).findFirst().orElseThrow().snapshot().summary();
    }

    private static long totalAdded(Protector.Report r) {
        return r.outcomes().stream().mapToLong(o -> o.snapshot().summary().bytesAdded()).sum();
    }

    private interface Step<T> {
        T run() throws Exception;
    }

    private static <T> Timed<T> timed(Step<T> step) throws Exception {
        long t0 = System.nanoTime();
        T value = step.run();
        return new Timed<>(value, System.nanoTime() - t0);
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

    private void print(Map<String, Object> r) throws IOException {
        if (json) {
            ctx.out().println(RepoCommand.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r));
            return;
        }
        var out = ctx.out();
        out.println();
        out.println("Lifeboat quickstart: " + ((boolean) r.get("ok") ? "RECOVERED" : "FAILED"));
        out.printf("  data protected     %s in %d files, 3 assets, by the plan %s%n", Format.bytes((long) r.get("dataBytes")),
                (int) r.get("files"), r.get("plan"));
        out.printf("  protect            %.2f s first (%.1f MiB/s), %.2f s after the training step (%d files unchanged,"
                        + " not re-read; %s new)%n", (double) r.get("firstProtectSeconds"), (double) r.get("firstBackupMiBps"),
                (double) r.get("secondProtectSeconds"), (long) r.get("secondBackupUnmodifiedFiles"),
                Format.bytes((long) r.get("secondBackupNewBytes")));
        out.printf("  replicate          %s to %s in %.2f s, encrypted as stored%n", Format.bytes((long) r.get("replicatedBytes")),
                SECONDARY, (double) r.get("replicateSeconds"));
        out.printf("  disaster           region %s lost: repository and workspace deleted%n", PRIMARY);
        out.printf("  restore + verify   %.2f s from %s  <- RTO of this disaster%n", (double) r.get("rtoSeconds"), SECONDARY);
        out.printf("  RPO achieved       %.2f s (the age of the restored data when the region was lost)%n",
                (double) r.get("rpoSeconds"));
        out.printf("  verified           %d files byte for byte, %d mismatches; check --read-data of the replica: %s;"
                        + " without the key: %s%n", (int) r.get("verifiedFiles"), ((List<?>) r.get("mismatches")).size(),
                ((List<?>) r.get("checkErrors")).isEmpty() ? "clean" : "ERRORS",
                ((List<?>) r.get("keylessCheckErrors")).isEmpty() ? "clean" : "ERRORS");
        out.printf("  manifest           %s%n", r.get("manifest"));
        out.printf("  everything is in   %s%n", r.get("directory"));
        out.printf("  try                bin/lifeboat plan status --plan %s   (the lost region shows as breached)%n",
                r.get("plan"));
    }
}
