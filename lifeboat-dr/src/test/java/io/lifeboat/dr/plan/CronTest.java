package io.lifeboat.dr.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Cron expressions: the crontab(5) syntax, the day rule, daylight saving and the longest gap. */
class CronTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static List<Instant> fires(String expression, String after, ZoneId zone, int n) {
        Cron cron = Cron.parse(expression);
        List<Instant> out = new ArrayList<>();
        Instant t = Instant.parse(after);
        for (int i = 0; i < n; i++) {
            t = cron.next(t, zone);
            out.add(t);
        }
        return out;
    }

    private static List<Instant> instants(String... texts) {
        return java.util.Arrays.stream(texts).map(Instant::parse).toList();
    }

    @Test
    void firesStrictlyAfterTheGivenTime() {
        assertThat(fires("0 * * * *", "2024-05-01T10:00:00Z", ZoneOffset.UTC, 2))
                .isEqualTo(instants("2024-05-01T11:00:00Z", "2024-05-01T12:00:00Z"));
        assertThat(fires("0 * * * *", "2024-05-01T09:59:59.999Z", ZoneOffset.UTC, 1))
                .isEqualTo(instants("2024-05-01T10:00:00Z"));
    }

    @Test
    void readsListsRangesStepsAndNames() {
        assertThat(fires("5,10-12,*/20 3 * * *", "2024-05-01T00:00:00Z", ZoneOffset.UTC, 7)).isEqualTo(instants(
                "2024-05-01T03:00:00Z", "2024-05-01T03:05:00Z", "2024-05-01T03:10:00Z", "2024-05-01T03:11:00Z",
                "2024-05-01T03:12:00Z", "2024-05-01T03:20:00Z", "2024-05-01T03:40:00Z"));
        assertThat(fires("0 0 1 jan-MAR/2 *", "2024-01-01T00:00:00Z", ZoneOffset.UTC, 2))
                .isEqualTo(instants("2024-03-01T00:00:00Z", "2025-01-01T00:00:00Z"));
        // 2024-05-03 is a Friday: Friday, Sunday (as 7 and as the end of fri-sun), Monday is not.
        assertThat(fires("0 12 * * fri-sun", "2024-05-02T00:00:00Z", ZoneOffset.UTC, 4)).isEqualTo(instants(
                "2024-05-03T12:00:00Z", "2024-05-04T12:00:00Z", "2024-05-05T12:00:00Z", "2024-05-10T12:00:00Z"));
        assertThat(fires("0 12 * * 7", "2024-05-02T00:00:00Z", ZoneOffset.UTC, 1))
                .isEqualTo(fires("0 12 * * 0", "2024-05-02T00:00:00Z", ZoneOffset.UTC, 1));
        assertThat(fires("@daily", "2024-05-02T10:00:00Z", ZoneOffset.UTC, 1)).isEqualTo(instants("2024-05-03T00:00:00Z"));
    }

    @Test
    void aDayMatchesEitherFieldWhenBothAreRestricted() {
        // The first of the month, and every Monday (2024-05-06, 13, ...), not Mondays that are the first.
        assertThat(fires("0 0 1 * mon", "2024-04-28T00:00:00Z", ZoneOffset.UTC, 3))
                .isEqualTo(instants("2024-04-29T00:00:00Z", "2024-05-01T00:00:00Z", "2024-05-06T00:00:00Z"));
        // A field that starts with * is not a restriction: both must match (odd days that are Mondays).
        assertThat(fires("0 0 */2 * mon", "2024-04-28T00:00:00Z", ZoneOffset.UTC, 2))
                .isEqualTo(instants("2024-04-29T00:00:00Z", "2024-05-13T00:00:00Z"));
    }

    @Test
    void aTimeThatDaylightSavingSkipsFiresAtTheNextValidMinute() {
        // 2024-03-31 in Berlin: 02:00 CET becomes 03:00 CEST (01:00 UTC).
        assertThat(fires("30 2 * * *", "2024-03-30T12:00:00Z", BERLIN, 2))
                .isEqualTo(instants("2024-03-31T01:00:00Z", "2024-04-01T00:30:00Z"));
        // Every quarter hour: 02:00 to 02:45 do not exist, and fire once, at 03:00.
        assertThat(fires("*/15 * * * *", "2024-03-31T00:40:00Z", BERLIN, 3))
                .isEqualTo(instants("2024-03-31T00:45:00Z", "2024-03-31T01:00:00Z", "2024-03-31T01:15:00Z"));
    }

    @Test
    void aTimeThatOccursTwiceFiresTwice() {
        // 2024-10-27 in Berlin: 03:00 CEST becomes 02:00 CET; 02:30 is 00:30 and 01:30 UTC.
        assertThat(fires("30 2 * * *", "2024-10-26T12:00:00Z", BERLIN, 3))
                .isEqualTo(instants("2024-10-27T00:30:00Z", "2024-10-27T01:30:00Z", "2024-10-28T01:30:00Z"));
        // Starting inside the first pass of the repeated hour.
        assertThat(fires("10 2 * * *", "2024-10-27T00:50:00Z", BERLIN, 1)).isEqualTo(instants("2024-10-27T01:10:00Z"));
    }

    @Test
    void midnightSkippedByDaylightSavingFiresAtOne() {
        // Sao Paulo, 2018-11-04: 00:00 (-03:00) became 01:00 (-02:00), at 03:00 UTC.
        assertThat(fires("0 0 * * *", "2018-11-03T12:00:00Z", ZoneId.of("America/Sao_Paulo"), 2))
                .isEqualTo(instants("2018-11-04T03:00:00Z", "2018-11-05T02:00:00Z"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "*/15 * * * *|PT15M",
            "* * * * *|PT1M",
            "0 3 * * *|P1D",
            "0 0,12 * * *|PT12H",
            "0 1,23 * * *|PT22H",
            "0 9 * * mon-fri|P3D",
            "0 0 1 1 *|P366D",
            "0 0 29 2 *|P2921D",
            "0 0 31 * *|P61D",
            "@hourly|PT1H"})
    void knowsItsLongestGap(String expression, String gap) {
        assertThat(Cron.parse(expression).longestGap()).isEqualTo(Duration.parse(gap));
    }

    @Test
    void matchesWallClockTimes() {
        Cron cron = Cron.parse("30 2 * * *");
        assertThat(cron.matches(LocalDateTime.of(2024, 1, 1, 2, 30, 59))).isTrue();
        assertThat(cron.matches(LocalDateTime.of(2024, 1, 1, 2, 31))).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0 3 * *|has 4 fields; expected 5: minute hour day-of-month month day-of-week",
            "60 * * * *|minute field '60': 60 is out of range 0-59",
            "0 24 * * *|hour field '24': 24 is out of range 0-23",
            "0 0 0 * *|day-of-month field '0': 0 is out of range 1-31",
            "0 0 * 13 *|month field '13': 13 is out of range 1-12",
            "0 0 * * 8|day-of-week field '8': 8 is out of range 0-7",
            "0 0 * foo *|month field 'foo': 'foo' is not a number or one of jan, feb",
            "0 mon * * *|hour field 'mon': 'mon' is not a number",
            "*/0 * * * *|minute field '*/0': a step of 0",
            "5/10 * * * *|minute field '5/10': a step needs * or a range before it",
            "0 5-2 * * *|hour field '5-2': the range 5-2 runs backwards",
            "0 1,,2 * * *|hour field '1,,2': an empty list item",
            "0 1- * * *|hour field '1-': a range with a missing end",
            "0 0 30 2 *|matches no date",
            "@often|unknown macro"})
    void refusesBadExpressionsNamingTheField(String expression, String reason) {
        assertThatThrownBy(() -> Cron.parse(expression)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cron '" + expression + "'")
                .hasMessageContaining(reason);
    }

    @Test
    void equalTextsAreEqual() {
        assertThat(Cron.parse(" 0 3 * * * ")).isEqualTo(Cron.parse("0 3 * * *")).hasToString("0 3 * * *");
    }
}
