package io.lifeboat.core;

import java.nio.file.Path;
import java.util.List;

/**
 * Where and what to restore.
 *
 * @param target   directory to restore into; the snapshot's absolute paths are recreated below it
 * @param includes glob patterns over paths as shown by {@code ls} (e.g. {@code /data/**.csv});
 *                 an entry is restored if it or an ancestor matches; empty restores all
 * @param threads  parallel pack readers (memory is bounded by a byte budget, not by this)
 */
public record RestoreOptions(Path target, List<String> includes, int threads) {
    /** Upper bound of the default thread count: more readers rarely help, they only wait. */
    public static final int MAX_DEFAULT_THREADS = 16;

    public RestoreOptions {
        target = target.toAbsolutePath().normalize();
        includes = List.copyOf(includes);
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
    }

    /** The default number of pack readers: {@code min(2 x cores, 16)}. */
    public static int defaultThreads() {
        return Math.min(2 * BackupOptions.defaultThreads(), MAX_DEFAULT_THREADS);
    }
}
