package io.lifeboat.cli;

import io.lifeboat.core.Id;
import io.lifeboat.core.Repository;
import io.lifeboat.core.internal.engine.IndexRepair;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "repair", description = "Rebuild what damage or an interrupted run left out.",
        subcommands = {RepairCommand.Index.class})
final class RepairCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand: index");
    }

    @Command(name = "index", description = {
            "Index every pack that no readable index file lists, from the pack's own header, then",
            "remove the damaged index files. Safe while backups run; deletes nothing else.",
            "Exit 10 if some pack's header cannot be read (check names it), 0 otherwise."})
    static final class Index extends RepoCommand {
        @Option(names = {"-n", "--dry-run"}, description = "Read everything, report what would be done, write nothing.")
        boolean dryRun;

        @Option(names = "--threads", paramLabel = "N", description = "Packs read at once (default: twice the cores, at most 16).")
        int threads = Math.min(16, 2 * Math.max(2, Runtime.getRuntime().availableProcessors()));

        Index(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() throws Exception {
            try (Repository repository = openRepository()) {
                // Not alongside a prune: it could index a pack the prune is deleting.
                io.lifeboat.core.internal.engine.Session session = dryRun ? null
                        : io.lifeboat.core.internal.engine.PruneEngine.beginExclusive(repository, "repair", hostname(),
                                username(), ctx.clock(),
                                io.lifeboat.core.internal.engine.PruneEngine.DEFAULT_MAX_CLOCK_SKEW);
                IndexRepair.Report r;
                try {
                    r = new IndexRepair(repository, threads).run(dryRun);
                } finally {
                    if (session != null) {
                        session.close();
                    }
                }
                if (json) {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("dry_run", dryRun);
                    o.put("packs", r.packs());
                    o.put("packs_already_indexed", r.packsIndexed());
                    o.put("packs_reindexed", r.packsReindexed().stream().map(Id::hex).toList());
                    o.put("blobs_reindexed", r.blobsReindexed());
                    o.put("damaged_index_files", r.damagedIndexFiles());
                    o.put("index_files_written", r.indexFilesWritten().stream().map(Id::hex).toList());
                    o.put("index_files_removed", r.indexFilesRemoved());
                    o.put("unreadable_packs", r.unreadablePacks());
                    printJson(o);
                } else {
                    report(r);
                }
                return r.complete() ? ExitCodes.OK : ExitCodes.INTEGRITY;
            }
        }

        private void report(IndexRepair.Report r) {
            String would = dryRun ? "would " : "";
            ctx.out().println(r.packs() + " packs, " + r.packsIndexed() + " listed by a readable index file");
            for (String d : r.damagedIndexFiles()) {
                ctx.out().println("damaged index file " + d + (dryRun ? " (would be removed)" : ""));
            }
            if (r.packsReindexed().isEmpty() && r.damagedIndexFiles().isEmpty()) {
                ctx.out().println("the index lists every readable pack: nothing to repair");
            } else {
                ctx.out().println(would + "index " + r.packsReindexed().size() + " packs (" + r.blobsReindexed() + " blobs) in "
                        + (dryRun ? "new index files" : r.indexFilesWritten().size() + " new index file"
                        + (r.indexFilesWritten().size() == 1 ? "" : "s")) + "; " + would + "remove "
                        + r.damagedIndexFiles().size() + " damaged index file" + (r.damagedIndexFiles().size() == 1 ? "" : "s"));
            }
            for (String u : r.unreadablePacks()) {
                ctx.err().println("cannot index (header unreadable): " + u);
            }
        }
    }
}
