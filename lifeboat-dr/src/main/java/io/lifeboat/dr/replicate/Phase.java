package io.lifeboat.dr.replicate;

import io.lifeboat.core.Repository;
import io.lifeboat.core.RepositoryConfig;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The steps of a replication, in the order they run, and the directories of a repository
 * (format section 4) each copies. Each step is complete and durable at the target before
 * the next begins, so an object becomes visible there only after everything it refers to:
 * packs before the index files that locate blobs in them, index files before the snapshots
 * whose trees and chunks they locate, snapshots before the catalog events that name them.
 */
public enum Phase {
    /** {@code keys/}: first, so that a replica's objects can always be opened by someone holding a passphrase. */
    KEYS(Repository.KEYS),
    /** {@code data/}: the packs. */
    PACKS(Repository.DATA),
    /** {@code index/}: every pack an index file names is at the target by now. */
    INDEX(Repository.INDEX),
    /**
     * {@code deleted/}: tombstones, before the snapshots they name, so that a snapshot
     * forgotten at the source never shows at a replica, not even for a moment. A
     * tombstone whose snapshot is not (yet) there is ignored by readers.
     */
    TOMBSTONES(Repository.DELETED),
    /** {@code snapshots/}: every blob a snapshot references is indexed at the target by now. */
    SNAPSHOTS(Repository.SNAPSHOTS),
    /** {@code policy/}, {@code catalog/}, {@code claims/}: raised retention locks and the model registry's log, which names snapshots. */
    CATALOG(Repository.POLICY, Repository.CATALOG, Repository.CLAIMS),
    /** {@code config}: last, and only when the target has none; its presence marks a complete repository. */
    CONFIG(RepositoryConfig.NAME);

    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    private final List<String> directories;

    Phase(String... directories) {
        this.directories = List.of(directories);
    }

    /** The directories this phase copies ({@code config} for {@link #CONFIG}, which is a single object). */
    public List<String> directories() {
        return directories;
    }

    /**
     * The directory of a stored object that replication copies, {@code "config"} for the
     * config, or null for any other name: the per-site maintenance state
     * ({@code sessions/}, {@code prune/}), and names that do not follow format section 4
     * (a stranger's object, a pack outside its fan-out directory).
     */
    static String directoryOf(String name) {
        if (name.equals(RepositoryConfig.NAME)) {
            return RepositoryConfig.NAME;
        }
        int slash = name.indexOf('/');
        if (slash < 0) {
            return null;
        }
        String dir = name.substring(0, slash);
        String rest = name.substring(slash + 1);
        if (dir.equals(Repository.DATA)) {
            return rest.length() == 67 && rest.charAt(2) == '/' && HEX.matcher(rest.substring(3)).matches()
                    && rest.startsWith(rest.substring(3, 5)) ? dir : null;
        }
        return phaseOf(dir) != null && phaseOf(dir) != CONFIG && HEX.matcher(rest).matches() ? dir : null;
    }

    /** The phase that copies a directory, or null if none does. */
    static Phase phaseOf(String directory) {
        for (Phase p : values()) {
            if (p.directories.contains(directory)) {
                return p;
            }
        }
        return null;
    }

    /** The SHA-256 (hex) an object's bytes must have: the last segment of its name (all but {@code config}). */
    static String expectedHash(String name) {
        return name.substring(name.lastIndexOf('/') + 1);
    }
}
