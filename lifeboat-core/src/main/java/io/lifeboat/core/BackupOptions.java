package io.lifeboat.core;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What to back up and how.
 *
 * @param paths        files and directories (made absolute); empty when {@code stdin} is set
 * @param stdin        a stream to store as one file instead of paths, or null
 * @param stdinName    the file name the stream is stored under
 * @param excludes     glob patterns; an entry whose name or absolute path matches is skipped
 * @param parent       {@code null} to find the parent automatically, an id to force one,
 *                     or {@link #NO_PARENT} to read every file again
 * @param threads      worker threads per stage (CPU and readers)
 */
public record BackupOptions(List<Path> paths, InputStream stdin, String stdinName, List<String> excludes,
                            SortedMap<String, String> tags, String asset, String kind, String hostname,
                            String username, String parent, int threads, Clock clock) {
    /** The parent value that disables parent lookup. */
    public static final String NO_PARENT = "none";

    public BackupOptions {
        paths = paths.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        excludes = List.copyOf(excludes);
        tags = new TreeMap<>(tags);
        Objects.requireNonNull(clock, "clock");
        if (stdin == null && paths.isEmpty()) {
            throw new IllegalArgumentException("nothing to back up: give at least one path, or a stream");
        }
        if (stdin != null && !paths.isEmpty()) {
            throw new IllegalArgumentException("back up either paths or a stream, not both");
        }
        if (stdin != null && (stdinName == null || stdinName.isEmpty() || stdinName.contains("/"))) {
            throw new IllegalArgumentException("a stream needs a file name without '/' (--stdin-filename)");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
    }

    public static BackupOptions ofPaths(List<Path> paths, String hostname) {
        return new BackupOptions(paths, null, null, List.of(), new TreeMap<>(), null, null, hostname,
                System.getProperty("user.name", ""), null, defaultThreads(), Clock.systemUTC());
    }

    /** The most threads per stage a backup uses unless told otherwise ({@code --threads}). */
    public static final int MAX_DEFAULT_THREADS = 8;

    /**
     * Threads per stage by default: the number of cores, at least 2 and at most
     * {@link #MAX_DEFAULT_THREADS}. More rarely helps (a large file's chunks already spread
     * over the CPU pool) and each thread adds its own working memory.
     */
    public static int defaultThreads() {
        return defaultThreads(Runtime.getRuntime().availableProcessors());
    }

    static int defaultThreads(int cores) {
        return Math.min(MAX_DEFAULT_THREADS, Math.max(2, cores));
    }
}
