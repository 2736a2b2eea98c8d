package io.lifeboat.cli;

import io.lifeboat.core.Repository;
import io.lifeboat.core.RestoreOptions;
import io.lifeboat.core.RestoreResult;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.internal.engine.RestoreEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "restore", description = {"Restore a snapshot into a directory, verifying every chunk.",
        "The snapshot's absolute paths are recreated below the target. Damaged files are reported",
        "and kept aside as NAME" + RestoreEngine.DAMAGED_SUFFIX + " (exit code 10); every other file is still",
        "restored. A non-empty directory where the snapshot has a file is left alone and reported",
        "as a conflict (exit code 1 when there is no damage). If 'latest' had to skip a damaged",
        "snapshot, it is restored with a warning and exit code 10. A snapshot of kind secret is",
        "restored only with --include-secrets, its files owner-only."})
final class RestoreCommand extends RepoCommand {
    @Parameters(index = "0", paramLabel = "SNAPSHOT", description = "Snapshot id (or a unique prefix), 'latest', or an asset's NAME@latest or NAME@ID.")
    String snapshot;

    @Option(names = {"-t", "--target"}, required = true, paramLabel = "DIR", description = "Directory to restore into.")
    Path target;

    @Option(names = {"-i", "--include"}, paramLabel = "GLOB",
            description = "Restore only paths matching (as 'ls' shows them, e.g. '/data/**.csv'); repeatable.")
    List<String> includes = new ArrayList<>();

    @Option(names = "--include-secrets", description = "Allow restoring a snapshot of kind secret (backup"
            + " --secret-env, --secret-file, --kind secret). Its files are written owner-only: group and others get no access.")
    boolean includeSecrets;

    @Option(names = "--threads", paramLabel = "N",
            description = "Parallel pack readers (default: twice the cores, at most 16).")
    int threads = RestoreOptions.defaultThreads();

    RestoreCommand(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() throws Exception {
        checkTarget(target);
        try (Repository repository = openRepository()) {
            Found found = findSnapshot(repository, snapshot);
            Snapshot s = found.snapshot();
            if (s.isSecret() && !includeSecrets) {
                // Checked before anything is written: a secret lands on disk only when asked for.
                throw new UsageException("snapshot " + s.id().shortHex() + " holds secrets (kind secret)"
                        + (s.asset() == null ? "" : " of asset '" + s.asset() + "'")
                        + ": add --include-secrets to restore it; nothing was restored");
            }
            return restore(this, repository, s, target, includes, threads, found.damagedSkipped());
        }
    }

    /** Refuses a restore target that exists and is not a directory, before anything is read. */
    static void checkTarget(Path target) {
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new UsageException("restore target " + target + " exists and is not a directory");
        }
    }

    /**
     * Restores one snapshot for command {@code c}, with progress, and reports the outcome on
     * its streams (or as JSON).
     *
     * @param damagedSkipped how many damaged snapshots resolving the reference passed over
     * @return the exit code: 10 if anything was damaged (or a damaged snapshot was skipped),
     *         1 if something in the target was in the way, else 0
     */
    static int restore(RepoCommand c, Repository repository, Snapshot s, Path target, List<String> includes, int threads,
                       int damagedSkipped) throws Exception {
        Context ctx = c.ctx;
        RestoreEngine engine = new RestoreEngine(repository, new RestoreOptions(target, includes, threads));
        long start = System.nanoTime();
        RestoreResult result;
        try (Progress p = Progress.start(ctx, c.quiet || c.json, () -> progressLine(engine.progress(), start))) {
            result = engine.run(s);
        } finally {
            if (!c.json) {
                for (String w : engine.damagedIndexFiles()) {
                    ctx.err().println("warning: damaged index file skipped: " + w);
                }
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        report(c, target, s, result, took);
        if (!result.damaged().isEmpty() || damagedSkipped > 0) {
            // Damage outranks conflicts: a skipped damaged snapshot means 'latest' may
            // be an older recovery point than the newest backup.
            return ExitCodes.INTEGRITY;
        }
        return result.conflicts().isEmpty() ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    static String progressLine(RestoreEngine.Progress p, long start) {
        Duration d = Duration.ofNanos(System.nanoTime() - start);
        long files = p.files.get();
        long bytes = p.bytes.get();
        long filesTotal = p.filesTotal;
        long bytesTotal = p.bytesTotal;
        return String.format("[%s] %d%s files, %s%s restored (%s)", Format.duration(d), files,
                filesTotal < 0 ? "" : "/" + filesTotal, Format.bytes(bytes),
                bytesTotal < 0 ? "" : " of " + Format.bytes(bytesTotal), Format.rate(bytes, d));
    }

    private static void report(RepoCommand c, Path target, Snapshot s, RestoreResult r, Duration took) throws Exception {
        Context ctx = c.ctx;
        if (c.json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("snapshot", s.id().hex());
            out.put("target", target.toAbsolutePath().normalize().toString());
            out.put("files", r.files());
            out.put("filesRestored", r.filesRestored());
            out.put("dirs", r.dirs());
            out.put("symlinks", r.symlinks());
            out.put("bytes", r.bytes());
            out.put("durationMillis", took.toMillis());
            out.put("damaged", r.damaged());
            out.put("conflicts", r.conflicts());
            out.put("damagedIndexFiles", r.damagedIndexFiles());
            c.printJson(out);
            return;
        }
        for (RestoreResult.Damaged d : r.damaged()) {
            ctx.err().println("damaged: " + d.path() + ": " + d.reason()
                    + (d.salvagedTo() == null ? "" : "; what could be read is in " + d.salvagedTo()));
        }
        for (RestoreResult.Conflict conflict : r.conflicts()) {
            ctx.err().println("conflict: " + conflict.path() + ": " + conflict.reason());
        }
        List<String> notes = new ArrayList<>();
        if (r.filesDamaged() > 0) {
            notes.add(r.filesDamaged() + " more damaged");
        }
        if (r.filesConflicted() > 0) {
            notes.add(r.filesConflicted() + " more in conflict");
        }
        ctx.out().printf("restored snapshot %s to %s: %d files%s, %d directories, %d symlinks, %s in %s (%s)%n",
                s.id().shortHex(), target.toAbsolutePath().normalize(), r.filesRestored(),
                notes.isEmpty() ? "" : " (" + String.join(", ", notes) + ")", r.dirs(), r.symlinks(),
                Format.bytes(r.bytes()), Format.duration(took), Format.rate(r.bytes(), took));
        if (!r.damaged().isEmpty()) {
            ctx.err().println("lifeboat: " + r.damaged().size() + " entr" + (r.damaged().size() == 1 ? "y" : "ies")
                    + " could not be restored exactly (see above)");
        }
        if (!r.conflicts().isEmpty()) {
            ctx.err().println("lifeboat: " + r.conflicts().size() + " entr" + (r.conflicts().size() == 1 ? "y was" : "ies were")
                    + " not restored because something in the target is in the way (see above)");
        }
    }
}
