package io.lifeboat.dr.plan;

import java.util.Map;
import java.util.Objects;

/**
 * Where each value of a plan was written in its file, so that later checks (reachability,
 * drift) can point at the line a user has to change.
 *
 * <p>Values are named by paths from the top of the file: keys joined with {@code .}, list
 * items by a 0-based index in brackets, e.g. {@code sites[0].repository} or
 * {@code assets[2].policy.replicate-to[1]}; the empty path is the whole document.
 * Immutable.
 */
public final class Locations {
    private static final Locations NONE = new Locations(Map.of());

    private final Map<String, Position> positions;

    /** A place in the file: 1-based line and column, both 0 if unknown. */
    public record Position(int line, int column) {
        public static final Position UNKNOWN = new Position(0, 0);
    }

    public Locations(Map<String, Position> positions) {
        this.positions = Map.copyOf(positions);
    }

    /** No locations: for plans built in code rather than read from a file. */
    public static Locations none() {
        return NONE;
    }

    /**
     * Where the value at {@code path} was written; for a value that was not written (a
     * default), where its nearest written parent was; {@link Position#UNKNOWN} if none was.
     */
    public Position of(String path) {
        String p = Objects.requireNonNull(path, "path");
        while (true) {
            Position found = positions.get(p);
            if (found != null) {
                return found;
            }
            if (p.isEmpty()) {
                return Position.UNKNOWN;
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut < 0 ? "" : p.substring(0, cut);
        }
    }

    /** Every path that has a position, in no particular order. */
    java.util.Set<String> paths() {
        return positions.keySet();
    }

    /** The line of {@link #of}, 0 if unknown. */
    public int line(String path) {
        return of(path).line();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Locations l && l.positions.equals(positions);
    }

    @Override
    public int hashCode() {
        return positions.hashCode();
    }

    @Override
    public String toString() {
        return "Locations[" + positions.size() + " values]";
    }
}
