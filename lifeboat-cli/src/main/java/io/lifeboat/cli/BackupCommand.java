package io.lifeboat.cli;

import io.lifeboat.core.BackupListener;
import io.lifeboat.core.BackupOptions;
import io.lifeboat.core.Repository;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.internal.engine.BackupEngine;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "backup", description = {"Back up files and directories (or a stream) into a new snapshot.",
        "A secret (a credential, key or token) is read from an environment variable",
        "(--secret-env) or a file (--secret-file), never from the command line; its value",
        "is never printed."})
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

    @Option(names = "--secret-env", paramLabel = "VAR", description = "Back up the value of environment variable VAR"
            + " as a secret: a one-file snapshot (file VAR) of kind secret. Needs --asset. The value is read from the"
            + " environment, never from the command line, where other users (ps) and shell history would see it.")
    String secretEnv;

    @Option(names = "--secret-file", paramLabel = "FILE", description = "Back up the content of FILE as a secret:"
            + " a one-file snapshot named after FILE, of kind secret. Needs --asset. Restored owner-only (mode 0600),"
            + " and only with 'restore --include-secrets'.")
    Path secretFile;

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
        boolean secret = secretEnv != null || secretFile != null;
        if (secret) {
            validateSecret();
        } else {
            validate();
        }
        byte[] value = secret ? readSecret() : null;
        try {
            return backup(value);
        } finally {
            if (value != null) {
                // The bytes of a secret live no longer than the backup. (An environment
                // variable's value is also a String in the environment, which cannot be cleared.)
                Arrays.fill(value, (byte) 0);
            }
        }
    }

    /** Backs up the paths, standard input, or {@code secret} (the value of --secret-env/--secret-file) if not null. */
    private int backup(byte[] secret) throws Exception {
        try (Repository repository = openRepository()) {
            BackupOptions options;
            if (secret != null) {
                options = new BackupOptions(List.of(), new ByteArrayInputStream(secret), secretName(), List.of(),
                        parseTags(tags), asset, Snapshot.SECRET_KIND, host != null ? host : hostname(), username(), null,
                        threads, ctx.clock());
            } else {
                options = new BackupOptions(stdin ? List.of() : paths, stdin ? ctx.in() : null,
                        stdin ? stdinFilename : null, excludes, parseTags(tags), asset, kind,
                        host != null ? host : hostname(), username(), force ? BackupOptions.NO_PARENT : parent, threads,
                        ctx.clock());
            }
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

    /**
     * Checks --secret-env and --secret-file: one secret, nothing else to back up, an asset
     * name, no other kind, and a variable that is set or a file that exists. Messages name
     * the variable or the file, never the value.
     */
    private void validateSecret() {
        String option = secretEnv != null ? "--secret-env" : "--secret-file";
        if (secretEnv != null && secretFile != null) {
            throw new UsageException("give either --secret-env or --secret-file, not both: one secret per snapshot");
        }
        if (stdin || !paths.isEmpty()) {
            throw new UsageException(option + " backs up one secret: give no paths and no --stdin with it");
        }
        if (asset == null || asset.isEmpty()) {
            throw new UsageException(option + " needs --asset NAME: the name the secret is listed and restored by");
        }
        if (kind != null && !kind.equals(Snapshot.SECRET_KIND)) {
            throw new UsageException(option + " backs up a secret: --kind must be secret (or left out), not '" + kind + "'");
        }
        if (secretEnv != null) {
            if (!plainName(secretEnv)) {
                throw new UsageException("'" + secretEnv + "' cannot name a file: --secret-env needs a variable name"
                        + " without '/'");
            }
            if (ctx.env(secretEnv) == null) {
                throw new UsageException("environment variable " + secretEnv + " is not set or is empty; nothing was backed up");
            }
        } else if (!Files.isRegularFile(secretFile)) {
            throw new UsageException("secret file " + secretFile + " does not exist or is not a regular file");
        }
    }

    private static boolean plainName(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0
                && name.indexOf('\0') < 0;
    }

    /** The secret's bytes: the variable's value (UTF-8) or the file's content. */
    private byte[] readSecret() throws java.io.IOException {
        if (secretEnv != null) {
            return ctx.env(secretEnv).getBytes(StandardCharsets.UTF_8);
        }
        byte[] content = Files.readAllBytes(secretFile);
        if (content.length == 0) {
            throw new UsageException("secret file " + secretFile + " is empty; nothing was backed up");
        }
        return content;
    }

    /** The secret's file name in the snapshot: the variable's name, or the secret file's. */
    private String secretName() {
        return secretEnv != null ? secretEnv : secretFile.getFileName().toString();
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
