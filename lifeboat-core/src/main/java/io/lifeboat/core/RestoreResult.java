package io.lifeboat.core;

import java.util.List;

/**
 * What a restore did.
 *
 * @param damaged files that could not be restored exactly, with the reason
 */
public record RestoreResult(long files, long dirs, long symlinks, long bytes, List<Damaged> damaged) {
    public RestoreResult {
        damaged = List.copyOf(damaged);
    }

    public record Damaged(String path, String reason) {}
}
