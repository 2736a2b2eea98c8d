package io.lifeboat.core.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code keep-within} duration grammar and calendar arithmetic. */
class RetentionWithinTest {
    @Test
    void eachUnitAndCombinationsLargestFirstAreRead() {
        assertThat(Within.parse("30d")).isEqualTo(new Within(0, 0, 0, 30, 0));
        assertThat(Within.parse("12h")).isEqualTo(new Within(0, 0, 0, 0, 12));
        assertThat(Within.parse("2w")).isEqualTo(new Within(0, 0, 2, 0, 0));
        assertThat(Within.parse("90m")).as("m is months: there is no minute unit").isEqualTo(new Within(0, 90, 0, 0, 0));
        assertThat(Within.parse("1y6m")).isEqualTo(new Within(1, 6, 0, 0, 0));
        assertThat(Within.parse("1y2m3w4d5h")).isEqualTo(new Within(1, 2, 3, 4, 5));
        assertThat(Within.parse("007d")).isEqualTo(new Within(0, 0, 0, 7, 0));
        assertThat(Within.parse("999999h")).isEqualTo(new Within(0, 0, 0, 0, 999_999));
    }

    @Test
    void theTextFormIsCanonicalAndReadsBack() {
        assertThat(Within.parse("1y6m")).hasToString("1y6m");
        assertThat(Within.parse("007d")).hasToString("7d");
        assertThat(new Within(0, 0, 1, 0, 36)).hasToString("1w36h");
        assertThat(Within.parse(new Within(3, 0, 0, 2, 1).toString())).isEqualTo(new Within(3, 0, 0, 2, 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "30", "d", "30D", "1Y", "90min", "90mi", "30s", "1d1y", "6m1y", "1d1d", "0d", "1y0m",
            "-1d", "+30d", "1.5d", "1d 2h", " 30d", "30d ", "1234567d", "30days", "1w-2d", "\u0663d"})
    void malformedOrAmbiguousTextIsRefusedNamingIt(String text) {
        assertThatThrownBy(() -> Within.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keep-within '" + text + "'");
    }

    @Test
    void theRefusalSaysWhatIsWrong() {
        assertThatThrownBy(() -> Within.parse("90min")).hasMessageContaining("no minute unit");
        assertThatThrownBy(() -> Within.parse("1d1y")).hasMessageContaining("out of order");
        assertThatThrownBy(() -> Within.parse("0d")).hasMessageContaining("0");
        assertThatThrownBy(() -> Within.parse("30")).hasMessageContaining("no unit");
        assertThatThrownBy(() -> Within.parse(null)).hasMessageContaining("empty");
    }

    @Test
    void aSpanOfNothingOrOfNegativePartsIsRefused() {
        assertThatThrownBy(() -> new Within(0, 0, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Within(0, -1, 0, 2, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Within(0, 1_000_000, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theCutoffSubtractsLargestUnitsFirstOnTheCalendar() {
        ZonedDateTime endOfMarch = ZonedDateTime.parse("2026-03-31T12:00:00Z");
        assertThat(Within.parse("1m").cutoff(endOfMarch)).isEqualTo(ZonedDateTime.parse("2026-02-28T12:00:00Z"));
        assertThat(Within.parse("1y1m").cutoff(ZonedDateTime.parse("2025-03-31T12:00:00Z")))
                .as("a year back from 31 March 2025 is 31 March 2024, a month before that 29 February")
                .isEqualTo(ZonedDateTime.parse("2024-02-29T12:00:00Z"));
        assertThat(Within.parse("1w3d12h").cutoff(endOfMarch)).isEqualTo(ZonedDateTime.parse("2026-03-21T00:00:00Z"));
    }

    @Test
    void aDayIsACalendarDayAcrossADaylightSavingChange() {
        // Berlin moved its clocks forward on 29 March 2026: that day had 23 hours.
        ZonedDateTime afterChange = ZonedDateTime.parse("2026-03-30T12:00:00+02:00[Europe/Berlin]");
        assertThat(Within.parse("1d").cutoff(afterChange).toLocalDateTime()).hasToString("2026-03-29T12:00");
        assertThat(Within.parse("2d").cutoff(afterChange).toLocalDateTime()).hasToString("2026-03-28T12:00");
    }
}
