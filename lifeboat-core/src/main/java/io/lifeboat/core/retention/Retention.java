package io.lifeboat.core.retention;

import io.lifeboat.core.Id;
import io.lifeboat.core.Snapshot;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/** The engine behind {@link RetentionPolicy#apply}: groups, orders, and runs each rule over each group. */
final class Retention {
    /** Newest first; equal times by id, so that the order never depends on the input's. */
    static final Comparator<Snapshot> NEWEST_FIRST =
            Comparator.comparing(Snapshot::time).reversed().thenComparing(Snapshot::id);

    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mmXXX");

    /** A calendar period that bucket rules count in, and how its label is written. */
    private enum Period {
        HOURLY("hourly", t -> HOUR.format(t.truncatedTo(ChronoUnit.HOURS))),
        DAILY("daily", t -> t.toLocalDate().toString()),
        WEEKLY("weekly", t -> String.format("%d-W%02d", t.get(IsoFields.WEEK_BASED_YEAR),
                t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR))),
        MONTHLY("monthly", t -> YearMonth.from(t).toString()),
        YEARLY("yearly", t -> String.valueOf(t.getYear()));

        final String word;
        final Function<ZonedDateTime, String> label;

        Period(String word, Function<ZonedDateTime, String> label) {
            this.word = word;
            this.label = label;
        }
    }

    private Retention() {
    }

    static List<Decision> decide(RetentionPolicy policy, Collection<Snapshot> snapshots, ZoneId zone) {
        Objects.requireNonNull(zone, "zone");
        requireDistinctIds(snapshots);
        Map<GroupKey, List<Snapshot>> groups = new TreeMap<>();
        for (Snapshot s : snapshots) {
            groups.computeIfAbsent(GroupKey.of(s, policy.groupBy()), k -> new ArrayList<>()).add(s);
        }
        List<Decision> out = new ArrayList<>(snapshots.size());
        groups.forEach((key, group) -> {
            group.sort(NEWEST_FIRST);
            out.addAll(decideGroup(policy, key, group, zone));
        });
        return out;
    }

    /** Decides one group, given newest first. */
    private static List<Decision> decideGroup(RetentionPolicy policy, GroupKey key, List<Snapshot> group, ZoneId zone) {
        List<List<String>> reasons = new ArrayList<>(group.size());
        group.forEach(s -> reasons.add(new ArrayList<>(2)));
        for (int i = 0; i < Math.min(policy.last(), group.size()); i++) {
            reasons.get(i).add("last " + policy.last());
        }
        keepPerPeriod(Period.HOURLY, policy.hourly(), group, zone, reasons);
        keepPerPeriod(Period.DAILY, policy.daily(), group, zone, reasons);
        keepPerPeriod(Period.WEEKLY, policy.weekly(), group, zone, reasons);
        keepPerPeriod(Period.MONTHLY, policy.monthly(), group, zone, reasons);
        keepPerPeriod(Period.YEARLY, policy.yearly(), group, zone, reasons);
        if (policy.within() != null) {
            keepWithin(policy.within(), group, zone, reasons);
        }
        for (String tag : policy.tags()) {
            for (int i = 0; i < group.size(); i++) {
                if (hasTag(group.get(i), tag)) {
                    reasons.get(i).add("tag " + tag);
                }
            }
        }
        List<Decision> out = new ArrayList<>(group.size());
        for (int i = 0; i < group.size(); i++) {
            boolean keep = !reasons.get(i).isEmpty();
            out.add(new Decision(group.get(i), key, keep, keep ? reasons.get(i) : List.of(Decision.NO_RULE)));
        }
        return out;
    }

    private static void keepPerPeriod(Period period, int n, List<Snapshot> group, ZoneId zone,
                                      List<List<String>> reasons) {
        String lastKept = null;
        int kept = 0;
        for (int i = 0; i < group.size() && kept < n; i++) {
            String label = period.label.apply(group.get(i).time().atZone(zone));
            if (!label.equals(lastKept)) {
                reasons.get(i).add(period.word + " " + label);
                lastKept = label;
                kept++;
            }
        }
    }

    private static void keepWithin(Within within, List<Snapshot> group, ZoneId zone, List<List<String>> reasons) {
        Instant cutoff = within.cutoff(group.get(0).time().atZone(zone)).toInstant();
        String reason = "within " + within + " of the newest";
        for (int i = 0; i < group.size() && !group.get(i).time().isBefore(cutoff); i++) {
            reasons.get(i).add(reason);
        }
    }

    private static boolean hasTag(Snapshot s, String tag) {
        int eq = tag.indexOf('=');
        if (eq < 0) {
            return s.tags().containsKey(tag);
        }
        return tag.substring(eq + 1).equals(s.tags().get(tag.substring(0, eq)));
    }

    private static void requireDistinctIds(Collection<Snapshot> snapshots) {
        Set<Id> seen = new HashSet<>();
        for (Snapshot s : snapshots) {
            if (s.id() == null) {
                throw new IllegalArgumentException("snapshot of " + s.time() + " has no id: only stored snapshots can be decided");
            }
            if (!seen.add(s.id())) {
                throw new IllegalArgumentException("snapshot " + s.id().shortHex() + " is given twice");
            }
        }
    }
}
