package io.lifeboat.cli;

import io.lifeboat.catalog.CatalogNotFoundException;
import io.lifeboat.catalog.CatalogRefusedException;
import io.lifeboat.catalog.ModelRegistry;
import io.lifeboat.catalog.ModelVersion;
import io.lifeboat.catalog.RegistryView;
import io.lifeboat.core.BackupListener;
import io.lifeboat.core.BackupOptions;
import io.lifeboat.core.IntegrityException;
import io.lifeboat.core.Repository;
import io.lifeboat.core.Snapshot;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "model", description = {"The model registry: versions, aliases, metrics and lineage, stored in the",
        "repository as append-only events. Commands that read it take --as-of TIME."},
        subcommands = {ModelCommand.Register.class, ModelCommand.ListModels.class, ModelCommand.Show.class,
                ModelCommand.Alias.class, ModelCommand.Restore.class, ModelCommand.Delete.class,
                ModelCommand.Undelete.class})
final class ModelCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "missing subcommand: register, list, show, alias, restore, delete or undelete");
    }

    /** A model command: opens the registry of the repository. */
    abstract static class RegistryCommand extends RepoCommand {
        RegistryCommand(Context ctx) {
            super(ctx);
        }

        ModelRegistry registry(Repository repository) {
            return new ModelRegistry(repository, ctx.clock(), CatalogSupport.who(this));
        }

        /** Warns about catalog events that could not be read or did not fit. */
        void warnProblems(RegistryView view) {
            for (String p : view.problems()) {
                ctx.err().println("warning: " + p);
            }
        }

        /** {@code NAME@VERSION} -> the version number, or a usage error. */
        static int versionOf(String ref) {
            int at = ref.indexOf('@');
            String v = at < 0 ? "" : ref.substring(at + 1);
            if (v.isEmpty() || !v.chars().allMatch(Character::isDigit) || v.length() > 9) {
                throw new UsageException("'" + ref + "' does not name a version: use NAME@VERSION, e.g. fraud-model@3");
            }
            return Integer.parseInt(v);
        }

        static String nameOf(String ref) {
            int at = ref.indexOf('@');
            return at < 0 ? ref : ref.substring(0, at);
        }
    }

    /** Adds {@code --as-of} to a reading command. */
    abstract static class ReadingCommand extends RegistryCommand {
        @Option(names = "--as-of", paramLabel = "TIME",
                description = "Read the registry as it was then: an ISO-8601 time, a local time '2026-11-23 10:15', a date, or an age (30m, 2h, 7d).")
        String asOf;

        ReadingCommand(Context ctx) {
            super(ctx);
        }

        RegistryView view(ModelRegistry registry) throws java.io.IOException {
            RegistryView v = registry.view(CatalogSupport.asOf(ctx, asOf));
            warnProblems(v);
            return v;
        }
    }

    @Command(name = "register", description = "Store a model's artifacts as a snapshot and register them as its next version.")
    static final class Register extends RegistryCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The model's name.")
        String name;

        @Option(names = "--path", required = true, paramLabel = "DIR|FILE", description = "Artifacts to store (repeatable).")
        List<Path> paths = new ArrayList<>();

        @Option(names = "--metric", paramLabel = "KEY=NUMBER", description = "An evaluation result, e.g. accuracy=0.93 (repeatable).")
        List<String> metrics = new ArrayList<>();

        @Option(names = "--param", paramLabel = "KEY=VALUE", description = "A training parameter, e.g. lr=3e-4 (repeatable).")
        List<String> params = new ArrayList<>();

        @Option(names = "--dataset", paramLabel = "SNAPSHOT|ASSET@latest",
                description = "The dataset it was trained on: a snapshot id, or the latest snapshot of an asset.")
        String dataset;

        @Option(names = "--code-rev", paramLabel = "REV", description = "The code revision that trained it (a git commit, a tag).")
        String codeRev;

        @Option(names = "--alias", paramLabel = "ALIAS", description = "Point this alias (e.g. staging) at the new version.")
        String alias;

        @Option(names = "--threads", paramLabel = "N", description = "Worker threads per stage (default: the number of cores, at most 8).")
        int threads = BackupOptions.defaultThreads();

        Register(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() throws Exception {
            ModelRegistry.Registration r;
            try {
                r = new ModelRegistry.Registration(name, CatalogSupport.metrics(metrics),
                        CatalogSupport.pairs("--param", params), dataset, codeRev, alias);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            for (Path p : paths) {
                if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    throw new UsageException("model artifacts not found: " + p);
                }
            }
            try (Repository repository = openRepository()) {
                BackupOptions artifacts = new BackupOptions(paths, null, null, List.of(), new java.util.TreeMap<>(),
                        name, "model", hostname(), username(), null, threads, ctx.clock());
                BackupListener listener = new BackupListener() {
                    @Override
                    public void warning(String path, String message) {
                        ctx.err().println("warning: " + path + ": " + message);
                    }
                };
                ModelRegistry.RegisteredVersion done = registry(repository).register(r, artifacts, listener);
                ModelVersion v = done.version();
                if (json) {
                    printJson(CatalogSupport.versionJson(v));
                } else {
                    ctx.out().println("registered " + v.ref() + " (snapshot " + v.snapshot().shortHex() + ", "
                            + Format.bytes(done.snapshot().summary().totalBytes()) + ")"
                            + (v.aliases().isEmpty() ? "" : "; " + String.join(", ", v.aliases()) + " -> " + v.version()));
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", description = "List the registered models.")
    static final class ListModels extends ReadingCommand {
        ListModels(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() throws Exception {
            try (Repository repository = openRepository()) {
                RegistryView view = view(registry(repository));
                if (json) {
                    List<Map<String, Object>> out = new ArrayList<>();
                    for (RegistryView.Model m : view.models().values()) {
                        Map<String, Object> o = new LinkedHashMap<>();
                        o.put("name", m.name());
                        o.put("versions", m.liveVersions().size());
                        o.put("deletedVersions", m.versions().size() - m.liveVersions().size());
                        o.put("latest", m.latest().map(ModelVersion::version).orElse(null));
                        o.put("aliases", m.aliases());
                        out.add(o);
                    }
                    printJson(out);
                    return ExitCodes.OK;
                }
                ctx.out().printf("%-24s  %8s  %6s  %-19s  %s%n", "NAME", "VERSIONS", "LATEST", "UPDATED", "ALIASES");
                for (RegistryView.Model m : view.models().values()) {
                    Instant updated = m.versions().values().stream().map(ModelVersion::registered).max(Instant::compareTo)
                            .orElse(null);
                    List<String> aliases = new ArrayList<>();
                    m.aliases().forEach((a, v) -> aliases.add(a + "->" + v));
                    ctx.out().printf("%-24s  %8d  %6s  %-19s  %s%n", m.name(), m.liveVersions().size(),
                            m.latest().map(v -> Integer.toString(v.version())).orElse("-"),
                            updated == null ? "-" : Format.time(updated), String.join(", ", aliases));
                }
                if (view.models().isEmpty()) {
                    info("no models registered" + (view.asOf() == null ? "" : " as of " + view.asOf()));
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", description = "Show a model's versions, or one version: artifacts, metrics, params, lineage, who and when.")
    static final class Show extends ReadingCommand {
        @Parameters(index = "0", paramLabel = "NAME[@VERSION|@ALIAS]", description = "A model, or one of its versions.")
        String ref;

        Show(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() throws Exception {
            try (Repository repository = openRepository()) {
                RegistryView view = view(registry(repository));
                if (ref.indexOf('@') < 0) {
                    showModel(view.model(ref));
                } else {
                    showVersion(repository, view.resolve(ref));
                }
            }
            return ExitCodes.OK;
        }

        private void showModel(RegistryView.Model m) throws Exception {
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("name", m.name());
                o.put("aliases", m.aliases());
                o.put("versions", m.versions().values().stream().map(CatalogSupport::versionJson).toList());
                printJson(o);
                return;
            }
            ctx.out().println("model " + m.name());
            ctx.out().printf("%7s  %-8s  %-19s  %-20s  %-16s  %s%n", "VERSION", "SNAPSHOT", "REGISTERED", "ALIASES", "STATE", "METRICS");
            for (ModelVersion v : m.versions().values()) {
                ctx.out().printf("%7d  %-8s  %-19s  %-20s  %-16s  %s%n", v.version(), v.snapshot().shortHex(),
                        Format.time(v.registered()), String.join(",", v.aliases()), v.live() ? "live" : "deleted",
                        CatalogSupport.metricsLine(v.metrics()));
            }
        }

        private void showVersion(Repository repository, ModelVersion v) throws Exception {
            Snapshot artifacts = load(repository, v.snapshot());
            Snapshot dataset = v.lineage() == null ? null : load(repository, v.lineage().datasetSnapshot());
            if (json) {
                Map<String, Object> o = CatalogSupport.versionJson(v);
                o.put("artifacts", artifacts == null ? null : Map.of("paths", artifacts.paths(),
                        "files", artifacts.summary().files(), "bytes", artifacts.summary().totalBytes(),
                        "time", artifacts.time().toString()));
                if (v.lineage() != null) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> l = (Map<String, Object>) o.get("lineage");
                    l.put("datasetPresent", dataset != null);
                    if (dataset != null) {
                        l.put("datasetTime", dataset.time().toString());
                        l.put("datasetPaths", dataset.paths());
                    }
                }
                printJson(o);
                return;
            }
            var out = ctx.out();
            out.println("model     " + v.ref() + (v.live() ? "" : "  (deleted " + Format.time(v.deleted().time()) + " by "
                    + v.deleted().who() + (v.deleted().reason().isEmpty() ? "" : ": " + v.deleted().reason()) + ")"));
            out.println("aliases   " + (v.aliases().isEmpty() ? "-" : String.join(", ", v.aliases())));
            out.println("registered " + Format.time(v.registered()) + " by " + v.registeredBy());
            out.println("artifacts snapshot " + v.snapshot().shortHex() + (artifacts == null ? " (removed by a prune)"
                    : ": " + String.join(", ", artifacts.paths()) + " - " + artifacts.summary().files() + " files, "
                    + Format.bytes(artifacts.summary().totalBytes())));
            out.println("metrics   " + (v.metrics().isEmpty() ? "-" : CatalogSupport.metricsLine(v.metrics())));
            List<String> params = new ArrayList<>();
            v.params().forEach((k, p) -> params.add(k + "=" + p));
            out.println("params    " + (params.isEmpty() ? "-" : String.join(", ", params)));
            if (v.lineage() == null) {
                out.println("dataset   -");
            } else {
                out.println("dataset   snapshot " + v.lineage().datasetSnapshot().shortHex()
                        + (v.lineage().datasetAsset() == null ? "" : " of asset " + v.lineage().datasetAsset())
                        + (dataset == null ? " (no longer in the repository)"
                        : ", taken " + Format.time(dataset.time()) + ": " + String.join(", ", dataset.paths())));
            }
            out.println("code rev  " + (v.codeRev() == null ? "-" : v.codeRev()));
        }

        /** A snapshot, soft-deleted or not; null if a prune removed it. */
        private static Snapshot load(Repository repository, io.lifeboat.core.Id id) throws Exception {
            try {
                return repository.loadSnapshot(id);
            } catch (IntegrityException e) {
                if (e.getCause() instanceof io.lifeboat.core.storage.NoSuchBlobException) {
                    return null;
                }
                throw e;
            }
        }
    }

    @Command(name = "alias", description = {"Point an alias at a version: promote, or roll back by pointing it back."})
    static final class Alias extends RegistryCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The model.")
        String name;

        @Parameters(index = "1", paramLabel = "ALIAS", description = "The alias, e.g. production.")
        String alias;

        @Parameters(index = "2", paramLabel = "VERSION", description = "The version it should point at.")
        int version;

        Alias(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() throws Exception {
            try {
                io.lifeboat.catalog.Names.requireAlias(alias);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            try (Repository repository = openRepository()) {
                int previous = registry(repository).alias(name, alias, version);
                if (json) {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("model", name);
                    o.put("alias", alias);
                    o.put("version", version);
                    o.put("previous", previous == 0 ? null : previous);
                    printJson(o);
                } else {
                    ctx.out().println(name + "@" + alias + " -> " + version
                            + (previous == 0 ? " (new alias)" : previous == version ? " (unchanged)" : " (was " + previous + ")"));
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "restore", description = "Restore a version's artifacts into a directory, verifying every chunk.")
    static final class Restore extends ReadingCommand {
        @Parameters(index = "0", paramLabel = "NAME[@VERSION|@ALIAS]", description = "The version (default: the newest live one).")
        String ref;

        @Option(names = {"-t", "--target"}, required = true, paramLabel = "DIR", description = "Directory to restore into.")
        Path target;

        @Option(names = "--threads", paramLabel = "N", description = "Parallel pack readers (default: twice the cores, at most 16).")
        int threads = io.lifeboat.core.RestoreOptions.defaultThreads();

        Restore(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() throws Exception {
            RestoreCommand.checkTarget(target);
            try (Repository repository = openRepository()) {
                ModelVersion v = view(registry(repository)).resolve(ref);
                if (!v.live()) {
                    throw new CatalogRefusedException(v.ref() + " was deleted at " + v.deleted().time() + "; 'model undelete "
                            + v.ref() + "' brings it back, or --as-of an earlier time restores it as it was");
                }
                Snapshot s;
                try {
                    s = repository.loadSnapshot(v.snapshot());
                } catch (IntegrityException e) {
                    if (e.getCause() instanceof io.lifeboat.core.storage.NoSuchBlobException) {
                        throw new CatalogNotFoundException(v.ref() + ": its snapshot " + v.snapshot().shortHex()
                                + " was removed by a prune after the version was deleted");
                    }
                    throw e;
                }
                info("restoring " + v.ref() + " (snapshot " + s.id().shortHex() + ")");
                return RestoreCommand.restore(this, repository, s, target, List.of(), threads, 0);
            }
        }
    }

    @Command(name = "delete", description = {"Soft-delete a version: 'model undelete' brings it back until a prune after",
            "the grace period removes its data. A version an alias points at cannot be deleted."})
    static final class Delete extends RegistryCommand {
        @Parameters(index = "0", paramLabel = "NAME@VERSION", description = "The version to delete.")
        String ref;

        @Option(names = "--reason", paramLabel = "TEXT", description = "Why, recorded with the deletion.")
        String reason;

        Delete(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() throws Exception {
            int version = versionOf(ref);
            try (Repository repository = openRepository()) {
                ModelVersion.Deletion d = registry(repository).delete(nameOf(ref), version, reason);
                if (json) {
                    printJson(Map.of("model", nameOf(ref), "version", version, "deleted", d.time().toString()));
                } else {
                    ctx.out().println("deleted " + nameOf(ref) + "@" + version + "; 'lifeboat model undelete " + nameOf(ref)
                            + "@" + version + "' brings it back until a prune removes it");
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "undelete", description = "Bring back a soft-deleted version, if a prune has not removed its data yet.")
    static final class Undelete extends RegistryCommand {
        @Parameters(index = "0", paramLabel = "NAME@VERSION", description = "The version to bring back.")
        String ref;

        Undelete(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() throws Exception {
            int version = versionOf(ref);
            try (Repository repository = openRepository()) {
                registry(repository).undelete(nameOf(ref), version);
                if (json) {
                    printJson(Map.of("model", nameOf(ref), "version", version, "undeleted", true));
                } else {
                    ctx.out().println("undeleted " + nameOf(ref) + "@" + version);
                }
            }
            return ExitCodes.OK;
        }
    }
}
