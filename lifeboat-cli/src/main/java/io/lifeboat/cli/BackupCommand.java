package io.lifeboat.cli;

import io.lifeboat.core.BackupListener;
import io.lifeboat.core.BackupOptions;
import io.lifeboat.core.Repository;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.internal.engine.BackupEngine;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "backup", description = "Back up files and directories (or a stream) into a new snapshot.")
final class BackupCommand extends RepoCommand {
    static final Set<String> KINDS = io.lifeboat.catalog.Assets.KINDS;

    @Parameters(paramLabel = "PATH", arity = "0..*", description = "Files and directories to back up.")
    List<Path> paths = new ArrayList<>();

    @Option(names = "--stdin", description = "Back up standard input as one file.")
    boolean stdin;

    @Option(names = "--stdin-filename", paramLabel = "NAME", description = "File name for --stdin (default: ${DEFAULT-VALUE}).")
    String stdinFilename = "stdin";

    @Option(names = {"-e", "--exclude"}, paramLabel = "GLOB", description = "Skip entries whose name or absolute path matches.")
    List<String> excludes = new ArrayList<>();

    @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "Label the snapshot (repeatable).")
    List<String> tags = new ArrayList<>();

    @Option(names = "--asset", paramLabel = "NAME", description = "The asset this snapshot protects.")
    String asset;

    @Option(names = "--kind", paramLabel = "KIND", description = "Asset kind: dataset, model, checkpoint, config, secret, environment.")
    String kind;

    @Option(names = "--parent", paramLabel = "SNAPSHOT", description = "Compare against this snapshot (default: the latest of the same paths and host).")
    String parent;

    @Option(names = "--force", description = "Read every file again, even those unchanged since the parent.")
    boolean force;

    @Option(names = "--host", paramLabel = "NAME", description = "Host name to record (default: this machine's).")
    String host;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads per stage (default: the number of cores, at most 8).")
    int threads = BackupOptions.defaultThreads();

    BackupCommand(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() throws Exception {
        validate();
        try (Repository repository = openRepository()) {
            BackupOptions options = new BackupOptions(stdin ? List.of() : paths, stdin ? ctx.in() : null,
                    stdin ? stdinFilename : null, excludes, parseTags(tags), asset, kind,
                    host != null ? host : hostname(), username(), force ? BackupOptions.NO_PARENT : parent, threads,
                    ctx.clock());
            List<String> warnings = new ArrayList<>();
            BackupListener listener = new BackupListener() {
                @Override
                public void warning(String path, String message) {
                    synchronized (warnings) {
                        warnings.add(path + ": " + message);
                    }
                    if (!json) {
                        ctx.err().println("warning: " + path + ": " + message);
                    }
                }
            };
            BackupEngine engine = new BackupEngine(repository, options, listener);
            long start = System.nanoTime();
            Snapshot snapshot;
            try (Progress p = Progress.start(ctx, quiet || json, () -> progressLine(engine.stats(), start))) {
                snapshot = engine.run();
            }
            report(snapshot, warnings);
        }
        return ExitCodes.OK;
    }

    private void validate() {
        if (stdin && !paths.isEmpty()) {
            throw new UsageException("give either paths or --stdin, not both");
        }
        if (!stdin && paths.isEmpty()) {
            throw new UsageException("nothing to back up: give at least one path, or --stdin");
        }
        if (kind != null && !KINDS.contains(kind)) {
            throw new UsageException("unknown asset kind '" + kind + "' (one of: "
                    + String.join(", ", new java.util.TreeSet<>(KINDS)) + ")");
        }
        for (Path p : paths) {
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new UsageException("path to back up does not exist: " + p);
            }
        }
    }

    static SortedMap<String, String> parseTags(List<String> raw) {
        SortedMap<String, String> out = new TreeMap<>();
        for (String t : raw) {
            int eq = t.indexOf('=');
            String key = eq < 0 ? t : t.substring(0, eq);
            if (key.isEmpty()) {
                throw new UsageException("tag '" + t + "' has no key (use KEY=VALUE)");
            }
            out.put(key, eq < 0 ? "" : t.substring(eq + 1));
        }
        return out;
    }

    private static String progressLine(BackupEngine.Stats s, long start) {
        Duration d = Duration.ofNanos(System.nanoTime() - start);
        return String.format("[%s] %d files, %s read, %s new (%s)", Format.duration(d), s.files.get(),
                Format.bytes(s.bytesRead.get()), Format.bytes(s.bytesAdded.get()), Format.rate(s.bytesRead.get(), d));
    }

    private void report(Snapshot s, List<String> warnings) throws Exception {
        Snapshot.Summary sum = s.summary();
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("snapshot", s.id().hex());
            out.put("parent", s.parent() == null ? null : s.parent().hex());
            out.put("summary", sum);
            out.put("warnings", warnings);
            printJson(out);
            return;
        }
        Duration took = Duration.ofMillis(sum.durationMillis());
        info(String.format("Files: %d new, %d changed, %d unmodified; %d directories, %d symlinks", sum.filesNew(),
                sum.filesChanged(), sum.filesUnmodified(), sum.dirs(), sum.symlinks()));
        info(String.format("Data:  %s processed, %s read, %s new stored as %s in %s (%s)", Format.bytes(sum.totalBytes()),
                Format.bytes(sum.bytesRead()), Format.bytes(sum.bytesAdded()), Format.bytes(sum.storedBytesAdded()),
                Format.duration(took), Format.rate(sum.bytesRead(), took)));
        if (!warnings.isEmpty()) {
            info(warnings.size() + " warning(s); the snapshot holds what could be read.");
        }
        ctx.out().println("snapshot " + s.id().shortHex() + " saved");
    }
}
