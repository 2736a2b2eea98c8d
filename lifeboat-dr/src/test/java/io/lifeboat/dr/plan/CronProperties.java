package io.lifeboat.dr.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link Cron#next} against a brute-force reading of the expression: every whole minute
 * between a time and its next fire is checked, near daylight-saving changes of zones with
 * whole-hour, half-hour and 45-minute offsets.
 */
class CronProperties {
    private static final int WINDOW_MINUTES = 3 * 24 * 60;
    private static final String[] ZONES = {"UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe",
            "Asia/Kolkata", "America/St_Johns", "Pacific/Chatham", "America/Sao_Paulo"};

    record Case(Cron cron, ZoneId zone, Instant start) {}

    @Property(tries = 400)
    void nextIsTheFirstFireAfterTheGivenTime(@ForAll("cases") Case c) {
        Instant next = c.cron().next(c.start(), c.zone());
        assertThat(next).isAfter(c.start());
        assertThat(isFire(c.cron(), c.zone(), next)).as("%s fires at %s", c.cron(), next).isTrue();
        Instant minute = c.start().truncatedTo(java.time.temporal.ChronoUnit.MINUTES).plusSeconds(60);
        for (int i = 0; i < WINDOW_MINUTES && minute.isBefore(next); i++, minute = minute.plusSeconds(60)) {
            assertThat(isFire(c.cron(), c.zone(), minute)).as("%s fires at %s, before %s", c.cron(), minute, next)
                    .isFalse();
        }
    }

    @Property(tries = 200)
    void noGapBetweenFiresIsLongerThanTheLongestGap(@ForAll("expressions") String expression,
                                                    @ForAll("times") Instant start) {
        Cron cron = Cron.parse(expression);
        Instant t = cron.next(start, ZoneOffset.UTC);
        for (int i = 0; i < 50; i++) {
            Instant n = cron.next(t, ZoneOffset.UTC);
            assertThat(Duration.between(t, n)).isLessThanOrEqualTo(cron.longestGap());
            t = n;
        }
    }

    /**
     * The reference: an instant is a fire if its wall-clock time is a matching whole minute,
     * or if it ends a daylight-saving gap that skipped a matching minute.
     */
    private static boolean isFire(Cron cron, ZoneId zone, Instant instant) {
        LocalDateTime local = LocalDateTime.ofInstant(instant, zone);
        if (local.getSecond() == 0 && local.getNano() == 0 && cron.matches(local)) {
            return true;
        }
        ZoneOffsetTransition t = zone.getRules().nextTransition(instant.minusNanos(1));
        if (t == null || !t.getInstant().equals(instant) || !t.isGap()) {
            return false;
        }
        for (LocalDateTime m = t.getDateTimeBefore(); m.isBefore(t.getDateTimeAfter()); m = m.plusMinutes(1)) {
            if (cron.matches(m)) {
                return true;
            }
        }
        return false;
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<ZoneId> zones = Arbitraries.of(ZONES).map(ZoneId::of);
        return Combinators.combine(expressions(), zones, times(), Arbitraries.integers().between(-2 * 1440, 1440),
                        Arbitraries.of(true, false))
                .as((e, zone, t, offsetMinutes, nearChange) -> new Case(Cron.parse(e), zone,
                        nearChange ? nearTransition(zone, t).plusSeconds(offsetMinutes * 60L + t.getEpochSecond() % 60)
                                : t));
    }

    private static Instant nearTransition(ZoneId zone, Instant t) {
        ZoneRules rules = zone.getRules();
        ZoneOffsetTransition next = rules.nextTransition(t);
        return next == null ? t : next.getInstant();
    }

    @Provide
    Arbitrary<Instant> times() {
        return Arbitraries.longs().between(Instant.parse("1990-01-01T00:00:00Z").getEpochSecond(),
                        Instant.parse("2090-01-01T00:00:00Z").getEpochSecond())
                .map(Instant::ofEpochSecond);
    }

    @Provide
    Arbitrary<String> expressions() {
        return Combinators.combine(field(0, 59), field(0, 23), field(1, 31), field(1, 12), field(0, 7))
                .as((mi, h, dom, mon, dow) -> String.join(" ", mi, h, dom, mon, dow))
                .filter(CronProperties::matchesSomeDate);
    }

    private static boolean matchesSomeDate(String expression) {
        try {
            Cron.parse(expression);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Arbitrary<String> field(int low, int high) {
        Arbitrary<Integer> v = Arbitraries.integers().between(low, high);
        Arbitrary<String> item = Arbitraries.oneOf(
                Arbitraries.just("*"),
                v.map(String::valueOf),
                Combinators.combine(v, v).as((a, b) -> Math.min(a, b) + "-" + Math.max(a, b)),
                Arbitraries.integers().between(1, high).map(n -> "*/" + n),
                Combinators.combine(v, v, Arbitraries.integers().between(1, 10))
                        .as((a, b, n) -> Math.min(a, b) + "-" + Math.max(a, b) + "/" + n));
        return item.list().ofMinSize(1).ofMaxSize(3).map(items -> String.join(",", items));
    }
}
