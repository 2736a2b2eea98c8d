package io.lifeboat.core.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.Id;
import io.lifeboat.core.Snapshot;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class RetentionProperties {
    private static final Instant START = Instant.parse("2025-12-01T00:00:00Z");
    private static final Comparator<Snapshot> NEWEST_FIRST =
            Comparator.comparing(Snapshot::time, Comparator.reverseOrder()).thenComparing(Snapshot::id);

    @Property(tries = 300)
    void everySnapshotGetsExactlyOneDecision(@ForAll("policies") RetentionPolicy policy,
                                             @ForAll("timelines") List<Snapshot> snapshots) {
        List<Decision> decisions = policy.apply(snapshots, ZoneOffset.UTC);

        assertThat(decisions).extracting(d -> d.snapshot().id())
                .containsExactlyInAnyOrderElementsOf(snapshots.stream().map(Snapshot::id).toList());
        for (Decision d : decisions) {
            assertThat(d.group()).isEqualTo(GroupKey.of(d.snapshot(), policy.groupBy()));
            assertThat(d.reasons()).isNotEmpty();
            if (!d.keep()) {
                assertThat(d.reasons()).containsExactly(Decision.NO_RULE);
            }
        }
    }

    @Property(tries = 300)
    void theDecisionsDoNotDependOnTheOrderOfTheInput(@ForAll("policies") RetentionPolicy policy,
                                                     @ForAll("timelines") List<Snapshot> snapshots, @ForAll long seed) {
        List<Snapshot> shuffled = new ArrayList<>(snapshots);
        Collections.shuffle(shuffled, new Random(seed));

        assertThat(policy.apply(shuffled, ZoneOffset.UTC)).isEqualTo(policy.apply(snapshots, ZoneOffset.UTC));
    }

    @Property(tries = 300)
    void applyingThePolicyAgainToWhatItKeptKeepsAllOfIt(@ForAll("policies") RetentionPolicy policy,
                                                      @ForAll("timelines") List<Snapshot> snapshots) {
        List<Snapshot> kept = policy.apply(snapshots, ZoneOffset.UTC).stream().filter(Decision::keep)
                .map(Decision::snapshot).toList();

        assertThat(policy.apply(kept, ZoneOffset.UTC)).allSatisfy(d -> assertThat(d.keep()).isTrue());
    }

    @Property(tries = 300)
    void keepLastAloneKeepsTheNNewestOfEachGroup(@ForAll @IntRange(min = 1, max = 8) int n,
                                                 @ForAll("groupings") Set<GroupBy> by,
                                                 @ForAll("timelines") List<Snapshot> snapshots) {
        List<Decision> decisions = RetentionPolicy.builder().keepLast(n).groupBy(by).build()
                .apply(snapshots, ZoneOffset.UTC);

        for (Map.Entry<GroupKey, List<Snapshot>> group : groups(snapshots, by).entrySet()) {
            List<Snapshot> newestFirst = group.getValue().stream().sorted(NEWEST_FIRST).toList();
            assertThat(keptIn(decisions, group.getKey()))
                    .containsExactlyElementsOf(newestFirst.subList(0, Math.min(n, newestFirst.size())));
        }
    }

    @Property(tries = 300)
    void theNewestOfEachGroupIsAlwaysKept(@ForAll("policies") RetentionPolicy policy,
                                          @ForAll("timelines") List<Snapshot> snapshots) {
        boolean countOrWithin = policy.last() + policy.hourly() + policy.daily() + policy.weekly() + policy.monthly()
                + policy.yearly() > 0 || policy.within() != null;
        List<Decision> decisions = policy.apply(snapshots, ZoneOffset.UTC);

        for (Map.Entry<GroupKey, List<Snapshot>> group : groups(snapshots, policy.groupBy()).entrySet()) {
            Snapshot newest = group.getValue().stream().min(NEWEST_FIRST).orElseThrow();
            boolean kept = decisions.stream().anyMatch(d -> d.snapshot().equals(newest) && d.keep());
            assertThat(kept || !countOrWithin).as("newest of %s kept", group.getKey()).isTrue();
        }
    }

    @Property(tries = 300)
    void aPeriodRuleAloneKeepsTheNewestOfEachOfTheNNewestPeriods(@ForAll @IntRange(min = 1, max = 6) int n,
                                                                 @ForAll Period period,
                                                                 @ForAll("timelines") List<Snapshot> snapshots) {
        List<Decision> decisions = period.policy(n).apply(snapshots, ZoneOffset.UTC);

        for (Map.Entry<GroupKey, List<Snapshot>> group : groups(snapshots, GroupBy.all()).entrySet()) {
            // An independent model: the newest snapshot of each period, periods newest first, the first n of them.
            Map<Instant, Snapshot> newestOfPeriod = new TreeMap<>(Comparator.reverseOrder());
            group.getValue().stream().sorted(NEWEST_FIRST)
                    .forEach(s -> newestOfPeriod.putIfAbsent(period.start(s.time()), s));
            List<Snapshot> expected = newestOfPeriod.values().stream().limit(n).sorted(NEWEST_FIRST).toList();

            assertThat(keptIn(decisions, group.getKey())).containsExactlyElementsOf(expected);
        }
    }

    /** A period rule, and the start of a snapshot's period computed without the engine's labels. */
    enum Period {
        HOUR(n -> RetentionPolicy.builder().keepHourly(n), t -> t.truncatedTo(ChronoUnit.HOURS)),
        DAY(n -> RetentionPolicy.builder().keepDaily(n), t -> t.truncatedTo(ChronoUnit.DAYS)),
        WEEK(n -> RetentionPolicy.builder().keepWeekly(n),
                t -> t.truncatedTo(ChronoUnit.DAYS).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))),
        MONTH(n -> RetentionPolicy.builder().keepMonthly(n),
                t -> YearMonth.from(t).atDay(1).atStartOfDay(ZoneOffset.UTC)),
        YEAR(n -> RetentionPolicy.builder().keepYearly(n), t -> t.toLocalDate().withDayOfYear(1).atStartOfDay(ZoneOffset.UTC));

        private final Function<Integer, RetentionPolicy.Builder> rule;
        private final Function<ZonedDateTime, ZonedDateTime> start;

        Period(Function<Integer, RetentionPolicy.Builder> rule, Function<ZonedDateTime, ZonedDateTime> start) {
            this.rule = rule;
            this.start = start;
        }

        RetentionPolicy policy(int n) {
            return rule.apply(n).build();
        }

        Instant start(Instant t) {
            return start.apply(t.atZone(ZoneOffset.UTC)).toInstant();
        }
    }

    @Provide
    Arbitrary<List<Snapshot>> timelines() {
        // Times cluster (several per hour and day, some equal) but also spread over years.
        Arbitrary<Long> seconds = Arbitraries.oneOf(
                Arbitraries.longs().between(0, 3 * 86_400L).map(s -> s / 600 * 600),
                Arbitraries.longs().between(0, 60 * 86_400L).map(s -> s / 3600 * 3600),
                Arbitraries.longs().between(0, 1_500 * 86_400L));
        Arbitrary<Object[]> shapes = Combinators.combine(seconds, Arbitraries.of("h1", "h2"),
                Arbitraries.of("", "train", "eval"), Arbitraries.of(List.of("/data"), List.of("/data", "/models"),
                        List.of("/models", "/data")),
                Arbitraries.of(Map.<String, String>of(), Map.of("release", ""), Map.of("release", "1.0"),
                        Map.of("team", "vision"))).as((t, h, a, p, tags) -> new Object[] {t, h, a, p, tags});
        return shapes.list().ofMaxSize(40).map(RetentionProperties::snapshots);
    }

    @SuppressWarnings("unchecked")
    private static List<Snapshot> snapshots(List<Object[]> shapes) {
        List<Snapshot> out = new ArrayList<>(shapes.size());
        for (int i = 0; i < shapes.size(); i++) {
            Object[] s = shapes.get(i);
            String asset = (String) s[2];
            out.add(Snapshots.snapshot(Id.sha256(("snapshot " + i).getBytes()), START.plusSeconds((Long) s[0]),
                    (String) s[1], asset.isEmpty() ? null : asset, (List<String>) s[3], (Map<String, String>) s[4]));
        }
        return out;
    }

    @Provide
    Arbitrary<Set<GroupBy>> groupings() {
        return Arbitraries.of(GroupBy.class).set().map(s -> s.isEmpty() ? Set.of() : EnumSet.copyOf(s));
    }

    @Provide
    Arbitrary<RetentionPolicy> policies() {
        Arbitrary<List<Integer>> counts = Arbitraries.integers().between(0, 4).list().ofSize(6);
        Arbitrary<Within> within = Combinators.combine(Arbitraries.integers().between(0, 1),
                        Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 3),
                        Arbitraries.integers().between(0, 5), Arbitraries.integers().between(0, 12))
                .filter((y, m, w, d, h) -> y + m + w + d + h > 0).as(Within::new).injectNull(0.5);
        Arbitrary<List<String>> tags = Arbitraries.of("release", "release=1.0", "team=vision", "team").list()
                .ofMaxSize(2);
        return Combinators.combine(counts, within, tags, groupings())
                .filter((c, w, t, g) -> c.stream().mapToInt(Integer::intValue).sum() > 0 || w != null || !t.isEmpty())
                .as((c, w, t, g) -> new RetentionPolicy(c.get(0), c.get(1), c.get(2), c.get(3), c.get(4), c.get(5), w, t, g));
    }

    private static Map<GroupKey, List<Snapshot>> groups(List<Snapshot> snapshots, Set<GroupBy> by) {
        return snapshots.stream().collect(Collectors.groupingBy(s -> GroupKey.of(s, by), LinkedHashMap::new,
                Collectors.toList()));
    }

    private static List<Snapshot> keptIn(List<Decision> decisions, GroupKey group) {
        return decisions.stream().filter(d -> d.group().equals(group) && d.keep()).map(Decision::snapshot).toList();
    }
}
