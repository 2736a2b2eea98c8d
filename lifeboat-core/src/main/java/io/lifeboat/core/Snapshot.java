package io.lifeboat.core;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable point-in-time copy of one asset: a tree of files (or a stream stored as
 * one file). Its {@link #id()} is the name of its stored object, known once it is stored
 * (null before).
 *
 * @param paths  the absolute paths that were backed up
 * @param tags   {@code key=value} labels, sorted by key
 * @param asset  the asset's name, or null
 * @param kind   the asset's kind ({@code dataset}, {@code model}, ...), or null
 * @param parent the snapshot this one was compared against, or null
 * @param tree   the root tree
 */
public record Snapshot(Id id, Instant time, String hostname, String username, List<String> paths,
                       SortedMap<String, String> tags, String asset, String kind, Id parent, Id tree,
                       String program, Summary summary) {
    /**
     * The kind of a snapshot holding secrets (credentials, keys, tokens). Its files are
     * stored like any other (encrypted), but restored owner-only: see
     * {@link #isSecret()}.
     */
    public static final String SECRET_KIND = "secret";

    public Snapshot {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(tree, "tree");
        hostname = hostname == null ? "" : hostname;
        username = username == null ? "" : username;
        paths = List.copyOf(paths);
        tags = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(tags));
        program = program == null ? "" : program;
        summary = summary == null ? Summary.EMPTY : summary;
    }

    /** Whether this snapshot holds secrets: its kind is {@value #SECRET_KIND}. */
    public boolean isSecret() {
        return SECRET_KIND.equals(kind);
    }

    public Snapshot withId(Id newId) {
        return new Snapshot(newId, time, hostname, username, paths, tags, asset, kind, parent, tree, program, summary);
    }

    /** What a backup did. */
    public record Summary(long files, long dirs, long symlinks, long totalBytes, long filesNew, long filesChanged,
                          long filesUnmodified, long bytesRead, long blobsAdded, long bytesAdded, long storedBytesAdded,
                          long durationMillis, long warnings) {
        public static final Summary EMPTY = new Summary(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }
}
