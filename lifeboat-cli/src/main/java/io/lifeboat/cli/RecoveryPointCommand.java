package io.lifeboat.cli;

import io.lifeboat.catalog.ModelRegistry;
import io.lifeboat.catalog.RecoveryPoint;
import io.lifeboat.catalog.RecoveryPoints;
import io.lifeboat.catalog.RegistryView;
import io.lifeboat.core.Repository;
import io.lifeboat.core.RestoreOptions;
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

@Command(name = "recovery-point", description = {"Consistency groups: the snapshots of several assets that belong together,",
        "with the model registry as it stood, restored together into one directory layout."},
        subcommands = {RecoveryPointCommand.Create.class, RecoveryPointCommand.ListPoints.class,
                RecoveryPointCommand.Restore.class})
final class RecoveryPointCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand: create, list or restore");
    }

    @Command(name = "create", description = {"Record a recovery point of the latest snapshot of each asset named (or of",
            "every asset), with the registry as it stands. A model may be named MODEL@VERSION or MODEL@ALIAS;",
            "the dataset each member model version was trained on joins as its lineage."})
    static final class Create extends RepoCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The recovery point's name (names may repeat: the newest wins).")
        String name;

        @Option(names = "--asset", paramLabel = "ASSET", description = "An asset to include (repeatable).")
        List<String> assets = new ArrayList<>();

        @Option(names = "--all", description = "Include every asset of the repository.")
        boolean all;

        Create(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() throws Exception {
            if (all == !assets.isEmpty()) {
                throw new UsageException(all ? "give either --asset or --all, not both" : "name at least one --asset, or --all");
            }
            try {
                io.lifeboat.catalog.Names.requireRecoveryPoint(name);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            try (Repository repository = openRepository()) {
                RecoveryPoint rp = new RecoveryPoints(repository, ctx.clock(), CatalogSupport.who(this))
                        .create(name, assets, all);
                if (json) {
                    printJson(CatalogSupport.recoveryPointJson(rp));
                    return ExitCodes.OK;
                }
                for (RecoveryPoint.Member m : rp.members()) {
                    info("  " + m.asset() + ": snapshot " + m.snapshot().shortHex()
                            + (m.model() == null ? "" : " (" + m.model() + "@" + m.version()
                            + (m.role() == RecoveryPoint.Role.LINEAGE ? " lineage" : "") + ")"));
                }
                ctx.out().println("recovery point " + rp.name() + " (" + rp.id().shortHex() + ") recorded: "
                        + rp.members().size() + " member" + (rp.members().size() == 1 ? "" : "s"));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", description = "List recovery points, oldest first.")
    static final class ListPoints extends ModelCommand.ReadingCommand {
        ListPoints(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() throws Exception {
            try (Repository repository = openRepository()) {
                RegistryView view = view(new ModelRegistry(repository, ctx.clock(), CatalogSupport.who(this)));
                if (json) {
                    printJson(view.recoveryPoints().stream().map(CatalogSupport::recoveryPointJson).toList());
                    return ExitCodes.OK;
                }
                ctx.out().printf("%-8s  %-24s  %-19s  %s%n", "ID", "NAME", "TIME", "MEMBERS");
                for (RecoveryPoint rp : view.recoveryPoints()) {
                    ctx.out().printf("%-8s  %-24s  %-19s  %s%n", rp.id().shortHex(), rp.name(), Format.time(rp.time()),
                            String.join(", ", rp.members().stream().map(m -> m.asset()
                                    + (m.model() == null ? "" : "@" + m.version())).toList()));
                }
                if (view.recoveryPoints().isEmpty()) {
                    info("no recovery points" + (view.asOf() == null ? "" : " as of " + view.asOf()));
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "restore", description = {"Restore every member of a recovery point into DIR/<asset>/ and write",
            "DIR/" + RecoveryPoints.MANIFEST + " (assets, snapshots, model versions and aliases, checksums).",
            "Secret assets are restored only with --include-secrets."})
    static final class Restore extends ModelCommand.ReadingCommand {
        @Parameters(index = "0", paramLabel = "NAME|latest", description = "The recovery point (the newest of that name), or latest.")
        String name;

        @Option(names = {"-t", "--target"}, required = true, paramLabel = "DIR", description = "Directory to restore into.")
        Path target;

        @Option(names = "--include-secrets", description = "Also restore secret assets (they are skipped otherwise).")
        boolean includeSecrets;

        @Option(names = "--threads", paramLabel = "N", description = "Parallel pack readers (default: twice the cores, at most 16).")
        int threads = RestoreOptions.defaultThreads();

        Restore(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() throws Exception {
            RestoreCommand.checkTarget(target);
            try (Repository repository = openRepository()) {
                RecoveryPoints points = new RecoveryPoints(repository, ctx.clock(), CatalogSupport.who(this));
                RecoveryPoint rp = view(new ModelRegistry(repository, ctx.clock(), CatalogSupport.who(this)))
                        .recoveryPoint(name);
                info("restoring recovery point " + rp.name() + " (" + rp.id().shortHex() + ", " + Format.time(rp.time()) + ")");
                long start = System.nanoTime();
                RecoveryPoints.Restored r = points.restore(rp, target, includeSecrets, threads);
                report(r, Duration.ofNanos(System.nanoTime() - start));
                if (r.damaged()) {
                    return ExitCodes.INTEGRITY;
                }
                boolean conflicts = r.members().stream().anyMatch(m -> m.result() != null && !m.result().conflicts().isEmpty());
                return conflicts ? ExitCodes.FAILURE : ExitCodes.OK;
            }
        }

        private void report(RecoveryPoints.Restored r, Duration took) throws Exception {
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("recoveryPoint", CatalogSupport.recoveryPointJson(r.point()));
                o.put("target", target.toAbsolutePath().normalize().toString());
                o.put("manifest", r.manifest().toString());
                o.put("durationMillis", took.toMillis());
                o.put("members", r.members().stream().map(m -> {
                    Map<String, Object> mo = new LinkedHashMap<>();
                    mo.put("asset", m.member().asset());
                    mo.put("dir", m.dir());
                    mo.put("restored", m.skipped() == null);
                    mo.put("skipped", m.skipped());
                    mo.put("files", m.result() == null ? 0 : m.result().filesRestored());
                    mo.put("bytes", m.result() == null ? 0 : m.result().bytes());
                    mo.put("damaged", m.result() == null ? List.of() : m.result().damaged());
                    mo.put("conflicts", m.result() == null ? List.of() : m.result().conflicts());
                    return mo;
                }).toList());
                printJson(o);
                return;
            }
            for (RecoveryPoints.MemberResult m : r.members()) {
                if (m.skipped() != null) {
                    ctx.err().println((m.skipped().startsWith("missing") ? "damaged: " : "skipped: ") + m.member().asset()
                            + ": " + m.skipped());
                    continue;
                }
                for (io.lifeboat.core.RestoreResult.Damaged d : m.result().damaged()) {
                    ctx.err().println("damaged: " + m.dir() + d.path() + ": " + d.reason());
                }
                for (io.lifeboat.core.RestoreResult.Conflict c : m.result().conflicts()) {
                    ctx.err().println("conflict: " + m.dir() + c.path() + ": " + c.reason());
                }
                info(String.format("  %-24s -> %s/ (%d files, %s)", m.member().asset(), m.dir(), m.result().filesRestored(),
                        Format.bytes(m.result().bytes())));
            }
            ctx.out().println("restored recovery point " + r.point().name() + " to " + target.toAbsolutePath().normalize()
                    + " in " + Format.duration(took) + "; manifest " + r.manifest());
        }
    }
}
