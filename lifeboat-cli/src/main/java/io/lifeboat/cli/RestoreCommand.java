package io.lifeboat.cli;

import io.lifeboat.core.BackupOptions;
import io.lifeboat.core.Repository;
import io.lifeboat.core.RestoreOptions;
import io.lifeboat.core.RestoreResult;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.internal.engine.RestoreEngine;
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
        "(exit code 10) and every other file is still restored."})
final class RestoreCommand extends RepoCommand {
    @Parameters(index = "0", paramLabel = "SNAPSHOT", description = "Snapshot id (or a unique prefix), or 'latest'.")
    String snapshot;

    @Option(names = {"-t", "--target"}, required = true, paramLabel = "DIR", description = "Directory to restore into.")
    Path target;

    @Option(names = {"-i", "--include"}, paramLabel = "GLOB",
            description = "Restore only paths matching (as 'ls' shows them, e.g. '/data/**.csv'); repeatable.")
    List<String> includes = new ArrayList<>();

    @Option(names = "--threads", paramLabel = "N", description = "Parallel pack readers (default: twice the cores).")
    int threads = 2 * BackupOptions.defaultThreads();

    RestoreCommand(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() throws Exception {
        try (Repository repository = openRepository()) {
            Snapshot s = repository.findSnapshot(snapshot);
            long start = System.nanoTime();
            RestoreResult result = new RestoreEngine(repository, new RestoreOptions(target, includes, threads)).run(s);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            report(s, result, took);
            return result.damaged().isEmpty() ? ExitCodes.OK : ExitCodes.INTEGRITY;
        }
    }

    private void report(Snapshot s, RestoreResult r, Duration took) throws Exception {
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("snapshot", s.id().hex());
            out.put("target", target.toAbsolutePath().normalize().toString());
            out.put("files", r.files());
            out.put("dirs", r.dirs());
            out.put("symlinks", r.symlinks());
            out.put("bytes", r.bytes());
            out.put("durationMillis", took.toMillis());
            out.put("damaged", r.damaged());
            printJson(out);
            return;
        }
        for (RestoreResult.Damaged d : r.damaged()) {
            ctx.err().println("damaged: " + d.path() + ": " + d.reason());
        }
        long damaged = r.damaged().size();
        ctx.out().printf("restored snapshot %s to %s: %d files%s, %d directories, %d symlinks, %s in %s (%s)%n",
                s.id().shortHex(), target.toAbsolutePath().normalize(), r.files() - damaged,
                damaged == 0 ? "" : " (" + damaged + " more damaged)", r.dirs(), r.symlinks(),
                Format.bytes(r.bytes()), Format.duration(took), Format.rate(r.bytes(), took));
        if (!r.damaged().isEmpty()) {
            ctx.err().println("lifeboat: " + r.damaged().size() + " file(s) could not be restored exactly (see above)");
        }
    }
}
