package io.lifeboat.core.retention;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** A property of a snapshot that splits snapshots into groups, each decided on alone. */
public enum GroupBy {
    /** The asset's name; snapshots without one form their own group. */
    ASSET,
    /** The host name. */
    HOST,
    /** The set of backed-up paths, compared as a sorted list. */
    PATHS;

    /** Every property: the default, so that one asset, host or directory never crowds out another. */
    public static Set<GroupBy> all() {
        return EnumSet.allOf(GroupBy.class);
    }

    /**
     * Reads a comma-separated list such as {@code host,paths}; the empty string means no
     * grouping (all snapshots are one group). Case is ignored; repeats are harmless.
     *
     * @throws IllegalArgumentException naming {@code text} if a name is not asset, host or paths
     */
    public static Set<GroupBy> parse(String text) {
        Set<GroupBy> out = EnumSet.noneOf(GroupBy.class);
        if (text.isEmpty()) {
            return out;
        }
        for (String name : text.split(",", -1)) {
            try {
                out.add(valueOf(name.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("group-by '" + text + "': '" + name
                        + "' is not asset, host or paths (use a comma-separated list, or '' for one group)", e);
            }
        }
        return out;
    }

    /** The lower-case name, as {@link #parse} reads it. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
