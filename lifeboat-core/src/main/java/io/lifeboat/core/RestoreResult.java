package io.lifeboat.core;

import java.util.List;

/**
 * What a restore did.
 *
 * @param files             regular files the restore selected, whether restored, damaged or in conflict
 * @param filesDamaged      regular files among them that could not be restored exactly
 * @param filesConflicted   regular files among them left alone because of a conflict
 * @param dirs              directories restored (created, or already there and reused)
 * @param symlinks          symbolic links created
 * @param bytes             file content written, in bytes
 * @param damaged           entries that could not be restored exactly, with the reason
 * @param conflicts         entries left alone because something in the target is in the way
 * @param damagedIndexFiles index files that could not be read (the restore went on without them)
 */
public record RestoreResult(long files, long filesDamaged, long filesConflicted, long dirs, long symlinks, long bytes, List<Damaged> damaged,
                            List<Conflict> conflicts, List<String> damagedIndexFiles) {
    public RestoreResult {
        damaged = List.copyOf(damaged);
        conflicts = List.copyOf(conflicts);
        damagedIndexFiles = List.copyOf(damagedIndexFiles);
    }

    /** Regular files restored exactly: {@code files - filesDamaged - filesConflicted}. */
    public long filesRestored() {
        return files - filesDamaged - filesConflicted;
    }

    /**
     * An entry that could not be restored exactly.
     *
     * @param path       where it belongs in the target
     * @param reason     what is wrong
     * @param salvagedTo for a file: where what could be read was written instead
     *                   ({@code path + ".lifeboat-damaged"}); null if nothing was kept
     */
    public record Damaged(String path, String reason, String salvagedTo) {}

    /**
     * An entry of the snapshot that was not restored because the target holds something in
     * the way that restore does not remove (a non-empty directory where the snapshot has a
     * file or symlink).
     */
    public record Conflict(String path, String reason) {}
}
