package io.lifeboat.core.retention;

import static io.lifeboat.core.retention.Snapshots.at;
import static io.lifeboat.core.retention.Snapshots.snapshot;
import static io.lifeboat.core.retention.Snapshots.tagged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.Snapshot;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Hand-built timelines, each proving one part of the semantics. */
class RetentionTest {
    private static final ZoneId UTC = ZoneOffset.UTC;

    @Test
    void keepLastKeepsTheNNewestAndForgetsTheRest() {
        List<Decision> d = RetentionPolicy.builder().keepLast(2).build().apply(List.of(
                at("2026-11-18T10:00:00Z"), at("2026-11-20T10:00:00Z"), at("2026-11-19T10:00:00Z")), UTC);

        assertThat(kept(d)).containsExactly(
                Map.entry("2026-11-20T10:00:00Z", List.of("last 2")),
                Map.entry("2026-11-19T10:00:00Z", List.of("last 2")));
        assertThat(d.get(2).keep()).isFalse();
        assertThat(d.get(2).reasons()).containsExactly(Decision.NO_RULE);
        assertThat(d.get(2).snapshot().time()).hasToString("2026-11-18T10:00:00Z");
    }

    @Test
    void keepDailyKeepsTheNewestOfEachDayAcrossADayBoundary() {
        List<Snapshot> timeline = List.of(
                at("2026-11-19T08:00:00Z"), at("2026-11-19T23:59:59Z"),
                at("2026-11-20T00:00:00Z"), at("2026-11-20T12:00:00Z"),
                at("2026-11-21T01:00:00Z"));

        assertThat(kept(RetentionPolicy.builder().keepDaily(2).build().apply(timeline, UTC))).containsExactly(
                Map.entry("2026-11-21T01:00:00Z", List.of("daily 2026-11-21")),
                Map.entry("2026-11-20T12:00:00Z", List.of("daily 2026-11-20")));
        assertThat(kept(RetentionPolicy.builder().keepDaily(30).build().apply(timeline, UTC)).keySet())
                .as("days without snapshots do not use up the count; only three days have any")
                .containsExactly("2026-11-21T01:00:00Z", "2026-11-20T12:00:00Z", "2026-11-19T23:59:59Z");
    }

    @Test
    void daysAreThoseOfTheGivenZone() {
        List<Snapshot> timeline = List.of(at("2026-11-19T22:00:00Z"), at("2026-11-19T23:30:00Z"));
        RetentionPolicy daily = RetentionPolicy.builder().keepDaily(5).build();

        assertThat(kept(daily.apply(timeline, UTC)))
                .containsExactly(Map.entry("2026-11-19T23:30:00Z", List.of("daily 2026-11-19")));
        assertThat(kept(daily.apply(timeline, ZoneId.of("Europe/Berlin")))).as("00:30 and 23:00 in Berlin")
                .containsExactly(Map.entry("2026-11-19T23:30:00Z", List.of("daily 2026-11-20")),
                        Map.entry("2026-11-19T22:00:00Z", List.of("daily 2026-11-19")));
    }

    @Test
    void keepHourlyKeepsTheNewestOfEachHour() {
        List<Snapshot> timeline = List.of(at("2026-11-20T13:05:00Z"), at("2026-11-20T13:55:00Z"),
                at("2026-11-20T14:00:00Z"), at("2026-11-20T14:20:00Z"), at("2026-11-20T16:59:59Z"));

        assertThat(kept(RetentionPolicy.builder().keepHourly(3).build().apply(timeline, UTC))).containsExactly(
                Map.entry("2026-11-20T16:59:59Z", List.of("hourly 2026-11-20T16:00Z")),
                Map.entry("2026-11-20T14:20:00Z", List.of("hourly 2026-11-20T14:00Z")),
                Map.entry("2026-11-20T13:55:00Z", List.of("hourly 2026-11-20T13:00Z")));
    }

    @Test
    void keepWeeklyCountsIsoWeeksAcrossTheYearBoundary() {
        // 2026 has 53 ISO weeks: 2026-W53 runs from Monday 28 December to Sunday 3 January 2027.
        List<Snapshot> timeline = List.of(
                at("2026-12-21T09:00:00Z"), at("2026-12-27T09:00:00Z"),                          // W52
                at("2026-12-28T09:00:00Z"), at("2027-01-01T09:00:00Z"), at("2027-01-03T09:00:00Z"), // W53
                at("2027-01-04T09:00:00Z"));                                                     // 2027-W01

        assertThat(kept(RetentionPolicy.builder().keepWeekly(3).build().apply(timeline, UTC))).containsExactly(
                Map.entry("2027-01-04T09:00:00Z", List.of("weekly 2027-W01")),
                Map.entry("2027-01-03T09:00:00Z", List.of("weekly 2026-W53")),
                Map.entry("2026-12-27T09:00:00Z", List.of("weekly 2026-W52")));
    }

    @Test
    void theFirstDaysOfAYearMayBelongToTheLastWeekOfThePreviousOne() {
        // 1 January 2027 is a Friday: ISO week 2026-W53, so it shares a week with 28 December 2026.
        List<Snapshot> timeline = List.of(at("2026-12-28T09:00:00Z"), at("2027-01-01T09:00:00Z"));

        assertThat(kept(RetentionPolicy.builder().keepWeekly(2).build().apply(timeline, UTC)))
                .containsExactly(Map.entry("2027-01-01T09:00:00Z", List.of("weekly 2026-W53")));
    }

    @Test
    void keepMonthlyAndKeepYearlyKeepTheNewestOfEachMonthAndYear() {
        List<Snapshot> timeline = List.of(
                at("2024-03-01T00:00:00Z"), at("2024-12-31T23:00:00Z"),
                at("2025-06-15T00:00:00Z"), at("2025-06-30T00:00:00Z"),
                at("2026-01-31T00:00:00Z"), at("2026-02-01T00:00:00Z"), at("2026-02-28T00:00:00Z"));

        assertThat(kept(RetentionPolicy.builder().keepMonthly(3).build().apply(timeline, UTC))).containsExactly(
                Map.entry("2026-02-28T00:00:00Z", List.of("monthly 2026-02")),
                Map.entry("2026-01-31T00:00:00Z", List.of("monthly 2026-01")),
                Map.entry("2025-06-30T00:00:00Z", List.of("monthly 2025-06")));
        assertThat(kept(RetentionPolicy.builder().keepYearly(5).build().apply(timeline, UTC))).containsExactly(
                Map.entry("2026-02-28T00:00:00Z", List.of("yearly 2026")),
                Map.entry("2025-06-30T00:00:00Z", List.of("yearly 2025")),
                Map.entry("2024-12-31T23:00:00Z", List.of("yearly 2024")));
    }

    @Test
    void keepWithinIsMeasuredFromTheNewestSnapshotOfTheGroupNotFromNow() {
        // An asset that stopped backing up years ago: relative to now, nothing is within 30 days.
        List<Snapshot> timeline = List.of(
                at("2020-06-10T12:00:00Z"), at("2020-05-20T00:00:00Z"),
                at("2020-05-11T12:00:00Z"),   // exactly 30 days before the newest: still within
                at("2020-05-11T11:59:59Z"), at("2019-01-01T00:00:00Z"));

        assertThat(kept(RetentionPolicy.builder().keepWithin("30d").build().apply(timeline, UTC))).containsExactly(
                Map.entry("2020-06-10T12:00:00Z", List.of("within 30d of the newest")),
                Map.entry("2020-05-20T00:00:00Z", List.of("within 30d of the newest")),
                Map.entry("2020-05-11T12:00:00Z", List.of("within 30d of the newest")));
    }

    @Test
    void keepWithinMonthsFollowTheCalendar() {
        List<Snapshot> timeline = List.of(at("2026-03-31T12:00:00Z"), at("2026-02-28T12:00:00Z"),
                at("2026-02-28T11:59:59Z"));

        assertThat(kept(RetentionPolicy.builder().keepWithin("1m").build().apply(timeline, UTC)).keySet())
                .as("one month before 31 March is 28 February")
                .containsExactly("2026-03-31T12:00:00Z", "2026-02-28T12:00:00Z");
    }

    @Test
    void keepTagMatchesATagByItsKeyOrByKeyAndValue() {
        Snapshot bare = tagged("2026-11-20T04:00:00Z", Map.of("release", ""));
        Snapshot versioned = tagged("2026-11-20T03:00:00Z", Map.of("release", "1.2"));
        Snapshot team = tagged("2026-11-20T02:00:00Z", Map.of("team", "vision"));
        Snapshot none = tagged("2026-11-20T01:00:00Z", Map.of());
        List<Snapshot> timeline = List.of(bare, versioned, team, none);

        assertThat(kept(RetentionPolicy.builder().keepTag("release").build().apply(timeline, UTC))).containsExactly(
                Map.entry("2026-11-20T04:00:00Z", List.of("tag release")),
                Map.entry("2026-11-20T03:00:00Z", List.of("tag release")));
        assertThat(kept(RetentionPolicy.builder().keepTag("release=1.2").keepTag("team=vision").build()
                .apply(timeline, UTC))).containsExactly(
                Map.entry("2026-11-20T03:00:00Z", List.of("tag release=1.2")),
                Map.entry("2026-11-20T02:00:00Z", List.of("tag team=vision")));
        assertThat(kept(RetentionPolicy.builder().keepTag("team=nlp").keepTag("vision").build().apply(timeline, UTC)))
                .as("neither another value nor a value alone matches").isEmpty();
    }

    @Test
    void eachHostIsDecidedAloneWhenGroupingByHost() {
        List<Snapshot> timeline = List.of(
                snapshot("2026-11-20T10:00:00Z", "h1", "train", List.of("/data"), Map.of()),
                snapshot("2026-11-19T10:00:00Z", "h1", "train", List.of("/data"), Map.of()),
                snapshot("2026-11-18T10:00:00Z", "h2", "train", List.of("/data"), Map.of()),
                snapshot("2026-11-17T10:00:00Z", "h2", "eval", List.of("/data"), Map.of()));

        List<Decision> byHost = RetentionPolicy.builder().keepLast(1).groupBy(EnumSet.of(GroupBy.HOST)).build()
                .apply(timeline, UTC);
        assertThat(kept(byHost).keySet()).containsExactly("2026-11-20T10:00:00Z", "2026-11-18T10:00:00Z");
        assertThat(byHost).extracting(Decision::group).extracting(GroupKey::toString)
                .containsExactly("host h1", "host h1", "host h2", "host h2");

        List<Decision> byAsset = RetentionPolicy.builder().keepLast(1).groupBy(EnumSet.of(GroupBy.ASSET)).build()
                .apply(timeline, UTC);
        assertThat(kept(byAsset).keySet()).as("eval sorts before train")
                .containsExactly("2026-11-17T10:00:00Z", "2026-11-20T10:00:00Z");

        List<Decision> oneGroup = RetentionPolicy.builder().keepLast(1).groupBy(Set.of()).build().apply(timeline, UTC);
        assertThat(kept(oneGroup).keySet()).containsExactly("2026-11-20T10:00:00Z");
        assertThat(oneGroup.get(0).group()).hasToString("all snapshots");
    }

    @Test
    void byDefaultAssetHostAndPathsAllSplitGroupsAndPathsCompareAsASortedList() {
        List<Snapshot> timeline = List.of(
                snapshot("2026-11-20T10:00:00Z", "h1", null, List.of("/b", "/a"), Map.of()),
                snapshot("2026-11-19T10:00:00Z", "h1", null, List.of("/a", "/b"), Map.of()),
                snapshot("2026-11-18T10:00:00Z", "h1", null, List.of("/a"), Map.of()),
                snapshot("2026-11-17T10:00:00Z", "h1", "train", List.of("/a"), Map.of()),
                snapshot("2026-11-16T10:00:00Z", "h2", "train", List.of("/a"), Map.of()));

        List<Decision> d = RetentionPolicy.builder().keepLast(1).build().apply(timeline, UTC);

        assertThat(kept(d).keySet()).containsExactlyInAnyOrder("2026-11-20T10:00:00Z", "2026-11-18T10:00:00Z",
                "2026-11-17T10:00:00Z", "2026-11-16T10:00:00Z");
        assertThat(d).extracting(x -> x.group().toString()).containsExactly(
                "asset (none), host h1, paths [/a]",
                "asset (none), host h1, paths [/a, /b]", "asset (none), host h1, paths [/a, /b]",
                "asset train, host h1, paths [/a]",
                "asset train, host h2, paths [/a]");
    }

    @Test
    void aSnapshotKeptByManyRulesListsEveryReasonAndEachRuleCountsAlone() {
        Snapshot newest = tagged("2026-11-20T10:00:00Z", Map.of("release", "2.0"));
        List<Snapshot> timeline = List.of(newest, at("2026-11-20T09:00:00Z"), at("2026-11-19T10:00:00Z"));

        List<Decision> d = RetentionPolicy.builder().keepLast(1).keepHourly(1).keepDaily(2).keepWeekly(1)
                .keepMonthly(1).keepYearly(1).keepWithin("1h").keepTag("release").build().apply(timeline, UTC);

        assertThat(kept(d)).containsExactly(
                Map.entry("2026-11-20T10:00:00Z", List.of("last 1", "hourly 2026-11-20T10:00Z", "daily 2026-11-20",
                        "weekly 2026-W47", "monthly 2026-11", "yearly 2026", "within 1h of the newest", "tag release")),
                Map.entry("2026-11-20T09:00:00Z", List.of("within 1h of the newest")),
                Map.entry("2026-11-19T10:00:00Z", List.of("daily 2026-11-19")));
    }

    @Test
    void equalTimesAreOrderedByIdSoThatTheNewestIsWellDefined() {
        Snapshot a = Snapshots.snapshot(Snapshots.idOf("a"), java.time.Instant.parse("2026-11-20T10:00:00Z"), "h1",
                null, List.of("/data"), Map.of());
        Snapshot b = Snapshots.snapshot(Snapshots.idOf("b"), a.time(), "h1", null, List.of("/data"), Map.of());
        Snapshot first = a.id().compareTo(b.id()) < 0 ? a : b;
        RetentionPolicy policy = RetentionPolicy.builder().keepLast(1).build();

        assertThat(policy.apply(List.of(a, b), UTC).get(0)).returns(first, Decision::snapshot).returns(true, Decision::keep);
        assertThat(policy.apply(List.of(b, a), UTC).get(0)).returns(first, Decision::snapshot).returns(true, Decision::keep);
    }

    @Test
    void snapshotsWithoutAnIdOrGivenTwiceAreRefused() {
        RetentionPolicy policy = RetentionPolicy.builder().keepLast(1).build();
        Snapshot s = at("2026-11-20T10:00:00Z");

        assertThatThrownBy(() -> policy.apply(List.of(s, s), UTC)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(s.id().shortHex()).hasMessageContaining("twice");
        assertThatThrownBy(() -> policy.apply(List.of(s.withId(null)), UTC))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no id");
    }

    @Test
    void noSnapshotsGiveNoDecisions() {
        assertThat(RetentionPolicy.builder().keepLast(1).build().apply(List.of(), UTC)).isEmpty();
    }

    /** The kept snapshots' times (ISO) with their reasons, in decision order. */
    private static Map<String, List<String>> kept(List<Decision> decisions) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<String> seen = new ArrayList<>();
        for (Decision d : decisions) {
            seen.add(d.snapshot().time().toString());
            if (d.keep()) {
                out.put(d.snapshot().time().toString(), d.reasons());
            }
        }
        assertThat(seen).as("times in a test timeline are distinct").doesNotHaveDuplicates();
        return out;
    }
}
