package io.lifeboat.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.core.Repository;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.storage.BlobStore;
import io.lifeboat.core.storage.BlobStores;
import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;

/**
 * Options every repository command shares, and how they turn into an open repository.
 * The passphrase comes from {@code --password-file}, {@code LIFEBOAT_PASSWORD_FILE},
 * {@code LIFEBOAT_PASSWORD}, or a prompt when a person is at a terminal; it is never
 * printed or logged.
 */
abstract class RepoCommand implements Callable<Integer> {
    static final ObjectMapper JSON = new ObjectMapper();

    protected final Context ctx;

    @Option(names = {"-r", "--repo"}, paramLabel = "URL",
            description = "Repository: a path or file:/path (default: $LIFEBOAT_REPO).")
    String repo;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "Read the passphrase from the first line of FILE (default: $LIFEBOAT_PASSWORD_FILE, then $LIFEBOAT_PASSWORD).")
    Path passwordFile;

    @Option(names = "--json", description = "Print results as JSON.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "Print only results and errors.")
    boolean quiet;

    protected RepoCommand(Context ctx) {
        this.ctx = ctx;
    }

    @Option(names = "--s3-endpoint", paramLabel = "URL",
            description = "Endpoint of an S3-compatible store (default: $AWS_ENDPOINT_URL_S3, then $AWS_ENDPOINT_URL).")
    String s3Endpoint;

    @Option(names = "--s3-path-style", description = "Address buckets by path, not by host name (automatic for an IP address or localhost).")
    boolean s3PathStyle;

    /** The repository URL as given (a path, file:/path, s3://..., azure://...), or a usage error. */
    protected String location() {
        String url = repo != null ? repo : ctx.env("LIFEBOAT_REPO");
        if (url == null) {
            throw new UsageException("no repository given: use --repo or set LIFEBOAT_REPO");
        }
        if (url.isEmpty()) {
            throw new UsageException("empty repository path");
        }
        return url;
    }

    /** Backend options from the command line. */
    protected Map<String, String> storeOptions() {
        Map<String, String> o = new HashMap<>();
        if (s3Endpoint != null) {
            o.put("s3-endpoint", s3Endpoint);
        }
        if (s3PathStyle) {
            o.put("s3-path-style", "true");
        }
        return o;
    }

    /** Opens the store of an existing repository. */
    protected BlobStore openStore() throws IOException {
        try {
            return BlobStores.open(location(), ctx.env(), storeOptions(), false, false);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** Opens the store for a new repository, making its directory, bucket or container if need be. */
    protected BlobStore createStore(boolean retentionLocks) throws IOException {
        try {
            return BlobStores.open(location(), ctx.env(), storeOptions(), true, retentionLocks);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** Opens and unlocks the repository. */
    protected Repository openRepository() throws IOException {
        BlobStore store = openStore();
        Repository.readConfig(store); // "not a repository" before asking for a passphrase
        char[] pass = passphrase();
        try {
            return Repository.open(store, pass);
        } finally {
            Arrays.fill(pass, '\0');
        }
    }

    /**
     * Loads the repository's index, warning about index files that cannot be read rather
     * than failing: what they list looks absent, and {@code check} reports them.
     */
    protected void loadIndex(Repository repository) throws IOException {
        for (io.lifeboat.core.IntegrityException e : repository.loadIndex()) {
            ctx.err().println("warning: damaged index file skipped: " + e.getMessage());
        }
    }

    /** A resolved snapshot, and how many damaged snapshots were passed over to find it. */
    record Found(Snapshot snapshot, int damagedSkipped) {}

    /**
     * Resolves a snapshot reference ({@code latest}, an id or prefix, or an asset's
     * {@code NAME@latest} or {@code NAME@ID}), warning on stderr about every damaged
     * snapshot that {@code latest} had to pass over: it may have been the newest, so
     * {@code latest} may be an older recovery point than the user expects.
     */
    protected Found findSnapshot(Repository repository, String ref) throws IOException {
        List<String> skipped = new ArrayList<>();
        Snapshot s = io.lifeboat.catalog.Assets.isAssetReference(ref)
                ? io.lifeboat.catalog.Assets.of(repository, e -> skipped.add(e.objectName())).resolve(ref)
                : repository.findSnapshot(ref, e -> skipped.add(e.objectName()));
        for (String name : skipped) {
            ctx.err().println("warning: damaged snapshot " + name + " skipped; 'latest' is the newest readable one");
        }
        return new Found(s, skipped.size());
    }

    /** The passphrase, from the first source that has one. */
    protected char[] passphrase() throws IOException {
        return passphrase(false);
    }

    /**
     * The passphrase, from the first source that has one; when it is typed at a prompt and
     * {@code confirm} is set, it is asked for twice (a typo at {@code init} would lock
     * everyone out).
     */
    protected char[] passphrase(boolean confirm) throws IOException {
        Path file = passwordFile;
        if (file == null && ctx.env("LIFEBOAT_PASSWORD_FILE") != null) {
            file = Path.of(ctx.env("LIFEBOAT_PASSWORD_FILE"));
        }
        if (file != null) {
            return readPasswordFile(file);
        }
        String env = ctx.env("LIFEBOAT_PASSWORD");
        if (env != null) {
            return env.toCharArray();
        }
        Console console = ctx.interactive() ? System.console() : null;
        if (console != null) {
            char[] p = console.readPassword("Passphrase for %s: ", location());
            if (p != null && p.length > 0 && confirm) {
                char[] again = console.readPassword("Repeat it: ");
                if (!Arrays.equals(p, again)) {
                    throw new UsageException("the passphrases did not match");
                }
            }
            if (p != null && p.length > 0) {
                return p;
            }
        }
        throw new UsageException("no passphrase given: use --password-file, LIFEBOAT_PASSWORD_FILE or LIFEBOAT_PASSWORD");
    }

    static char[] readPasswordFile(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new UsageException("password file " + file + " does not exist or is not a file");
        }
        String content = Files.readString(file, StandardCharsets.UTF_8);
        int nl = content.indexOf('\n');
        String line = nl >= 0 ? content.substring(0, nl) : content;
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        if (line.isEmpty()) {
            throw new UsageException("password file " + file + " is empty");
        }
        return line.toCharArray();
    }

    /** Prints a value as indented JSON on stdout. */
    protected void printJson(Object value) throws IOException {
        ctx.out().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value));
    }

    /** A line for people on stderr, unless quiet or JSON. */
    protected void info(String line) {
        if (!quiet && !json) {
            ctx.err().println(line);
        }
    }

    String hostname() {
        return hostname(ctx);
    }

    static String hostname(Context ctx) {
        String h = ctx.env("HOSTNAME");
        if (h != null && !h.isBlank()) {
            return h;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    static String username() {
        return System.getProperty("user.name", "");
    }
}
