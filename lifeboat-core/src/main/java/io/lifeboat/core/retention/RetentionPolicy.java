package io.lifeboat.core.retention;

import io.lifeboat.core.Snapshot;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which snapshots {@code lifeboat forget} keeps: pure logic over a list of snapshots,
 * with no I/O.
 *
 * <p>Snapshots are split into groups by {@link #groupBy()} and each group is decided
 * alone. Within a group, snapshots are ordered newest first (equal times by id). A
 * snapshot is kept if any rule keeps it, and every rule that keeps it is named in its
 * {@link Decision#reasons()}:
 * <ul>
 *   <li>{@code last N}: the N newest.</li>
 *   <li>{@code hourly}, {@code daily}, {@code weekly} (ISO weeks, which begin on Monday
 *       and may belong to the neighbouring year), {@code monthly}, {@code yearly} N: walking
 *       from newest to oldest, a snapshot is kept when its hour, day, week, month or year
 *       (in the zone given to {@link #apply}) differs from that of the last snapshot this
 *       rule kept, until the rule has kept N. So each rule keeps the newest snapshot of
 *       each of the N newest periods that have snapshots; periods without snapshots do not
 *       count. Rules count independently of each other.</li>
 *   <li>{@code within} D: every snapshot no older than D before the newest snapshot of its
 *       group (not before now: an asset that stopped backing up keeps its last span).</li>
 *   <li>{@code tag} T: every snapshot with a tag whose key is T, or whose
 *       {@code key=value} is T.</li>
 * </ul>
 * A count of 0 turns its rule off. A policy with no rule at all is refused: forgetting
 * every snapshot is never what a policy means. The decisions do not depend on the order
 * of the input, and applying a policy to the snapshots it kept keeps all of them again.
 *
 * <p>Build with {@link #builder()}; values are immutable and safe to share between threads.
 *
 * @param last     keep the N newest
 * @param hourly   keep the newest of each of the N newest hours
 * @param daily    keep the newest of each of the N newest days
 * @param weekly   keep the newest of each of the N newest ISO weeks
 * @param monthly  keep the newest of each of the N newest months
 * @param yearly   keep the newest of each of the N newest years
 * @param within   keep all within this span of the group's newest, or null
 * @param tags     keep all with one of these tags ({@code key} or {@code key=value})
 * @param groupBy  the properties that split snapshots into groups; empty for one group
 */
public record RetentionPolicy(int last, int hourly, int daily, int weekly, int monthly, int yearly, Within within,
                              List<String> tags, Set<GroupBy> groupBy) {
    /**
     * @throws IllegalArgumentException if a count is negative, a tag has no key, or no
     *                                  rule is set at all
     */
    public RetentionPolicy {
        requireCount("keep-last", last);
        requireCount("keep-hourly", hourly);
        requireCount("keep-daily", daily);
        requireCount("keep-weekly", weekly);
        requireCount("keep-monthly", monthly);
        requireCount("keep-yearly", yearly);
        tags.forEach(RetentionPolicy::requireTag);
        tags = List.copyOf(new LinkedHashSet<>(tags));
        groupBy = groupBy.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(groupBy));
        if ((last | hourly | daily | weekly | monthly | yearly) == 0 && within == null && tags.isEmpty()) {
            throw new IllegalArgumentException("a retention policy needs at least one keep rule"
                    + " (last, hourly, daily, weekly, monthly, yearly, within or tag): without one it would forget every snapshot");
        }
    }

    /** A builder with no rules and grouping by asset, host and paths. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Decides every snapshot: exactly one decision each, ordered by group and, within a
     * group, newest first.
     *
     * @param snapshots stored snapshots (each with an id, no id twice), in any order
     * @param zone      the zone whose calendar defines hours, days, weeks, months and years
     * @throws IllegalArgumentException if a snapshot has no id or one id appears twice
     */
    public List<Decision> apply(Collection<Snapshot> snapshots, ZoneId zone) {
        return Retention.decide(this, snapshots, zone);
    }

    /** For people: e.g. {@code keep-daily 7, keep-weekly 4; grouped by asset,host,paths}. */
    @Override
    public String toString() {
        List<String> rules = new ArrayList<>();
        addCount(rules, "keep-last", last);
        addCount(rules, "keep-hourly", hourly);
        addCount(rules, "keep-daily", daily);
        addCount(rules, "keep-weekly", weekly);
        addCount(rules, "keep-monthly", monthly);
        addCount(rules, "keep-yearly", yearly);
        if (within != null) {
            rules.add("keep-within " + within);
        }
        tags.forEach(t -> rules.add("keep-tag " + t));
        List<String> by = EnumSet.allOf(GroupBy.class).stream().filter(groupBy::contains).map(GroupBy::toString).toList();
        return String.join(", ", rules) + "; " + (by.isEmpty() ? "one group" : "grouped by " + String.join(",", by));
    }

    private static void addCount(List<String> rules, String name, int n) {
        if (n > 0) {
            rules.add(name + " " + n);
        }
    }

    private static void requireCount(String name, int n) {
        if (n < 0) {
            throw new IllegalArgumentException(name + " must be 0 (off) or more, not " + n);
        }
    }

    private static void requireTag(String tag) {
        Objects.requireNonNull(tag, "tag");
        if (tag.isEmpty() || tag.startsWith("=")) {
            throw new IllegalArgumentException("keep-tag '" + tag + "' has no key (use KEY or KEY=VALUE)");
        }
    }

    /**
     * Collects the rules of a policy, checking each as it is set. Not thread-safe; {@link
     * #build()} may be called more than once.
     */
    public static final class Builder {
        private int last;
        private int hourly;
        private int daily;
        private int weekly;
        private int monthly;
        private int yearly;
        private Within within;
        private final List<String> tags = new ArrayList<>();
        private Set<GroupBy> groupBy = GroupBy.all();

        private Builder() {
        }

        /** Keep the {@code n} newest; 0 turns the rule off. */
        public Builder keepLast(int n) {
            requireCount("keep-last", n);
            last = n;
            return this;
        }

        /** Keep the newest of each of the {@code n} newest hours; 0 turns the rule off. */
        public Builder keepHourly(int n) {
            requireCount("keep-hourly", n);
            hourly = n;
            return this;
        }

        /** Keep the newest of each of the {@code n} newest days; 0 turns the rule off. */
        public Builder keepDaily(int n) {
            requireCount("keep-daily", n);
            daily = n;
            return this;
        }

        /** Keep the newest of each of the {@code n} newest ISO weeks; 0 turns the rule off. */
        public Builder keepWeekly(int n) {
            requireCount("keep-weekly", n);
            weekly = n;
            return this;
        }

        /** Keep the newest of each of the {@code n} newest months; 0 turns the rule off. */
        public Builder keepMonthly(int n) {
            requireCount("keep-monthly", n);
            monthly = n;
            return this;
        }

        /** Keep the newest of each of the {@code n} newest years; 0 turns the rule off. */
        public Builder keepYearly(int n) {
            requireCount("keep-yearly", n);
            yearly = n;
            return this;
        }

        /** Keep every snapshot within {@code span} of its group's newest; null turns the rule off. */
        public Builder keepWithin(Within span) {
            within = span;
            return this;
        }

        /**
         * Keep every snapshot within {@code span} of its group's newest.
         *
         * @throws IllegalArgumentException naming {@code span} if it is not a duration (see {@link Within})
         */
        public Builder keepWithin(String span) {
            return keepWithin(Within.parse(span));
        }

        /** Keep every snapshot with this tag: {@code key} matches any value, {@code key=value} only that one. Repeatable. */
        public Builder keepTag(String tag) {
            requireTag(tag);
            tags.add(tag);
            return this;
        }

        /** Split snapshots into groups by these properties; empty for one group. Default: all three. */
        public Builder groupBy(Set<GroupBy> by) {
            groupBy = EnumSet.noneOf(GroupBy.class);
            groupBy.addAll(by);
            return this;
        }

        /**
         * The policy.
         *
         * @throws IllegalArgumentException if no rule is set
         */
        public RetentionPolicy build() {
            return new RetentionPolicy(last, hourly, daily, weekly, monthly, yearly, within, tags, groupBy);
        }
    }
}
