package io.lifeboat.core;

import java.nio.file.Path;
import java.util.List;

/**
 * Where and what to restore.
 *
 * @param target   directory to restore into; the snapshot's absolute paths are recreated below it
 * @param includes glob patterns over paths as shown by {@code ls} (e.g. {@code /data/**.csv});
 *                 an entry is restored if it or an ancestor matches; empty restores all
 * @param threads  parallel pack readers
 */
public record RestoreOptions(Path target, List<String> includes, int threads) {
    public RestoreOptions {
        target = target.toAbsolutePath().normalize();
        includes = List.copyOf(includes);
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
    }
}
