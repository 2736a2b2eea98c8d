package io.lifeboat.dr.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Plan durations: one grammar, read back exactly, and every ambiguous spelling refused. */
class DurationsProperties {

    @Property
    void formatReadsBackToTheSameDuration(@ForAll @LongRange(min = 1, max = 10_000_000_000L) long seconds) {
        Duration d = Duration.ofSeconds(seconds);
        assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
    }

    @Property
    void aSumOfPartsIsTheirTotal(@ForAll("parts") long[] counts) {
        String units = "wdhms";
        long[] seconds = {604_800, 86_400, 3_600, 60, 1};
        StringBuilder text = new StringBuilder();
        long total = 0;
        for (int u = 0; u < units.length(); u++) {
            if (counts[u] > 0) {
                text.append(counts[u]).append(units.charAt(u));
                total += counts[u] * seconds[u];
            }
        }
        if (total == 0) {
            assertThatThrownBy(() -> Durations.parse(text.isEmpty() ? "0s" : text.toString()))
                    .isInstanceOf(IllegalArgumentException.class);
            return;
        }
        assertThat(Durations.parse(text.toString())).isEqualTo(Duration.ofSeconds(total));
    }

    @Provide
    Arbitrary<long[]> parts() {
        return Arbitraries.longs().between(0, 1000).array(long[].class).ofSize(5);
    }

    @Property
    void anyOtherTextIsRefusedWithAReason(@ForAll("junk") String text) {
        boolean valid = text.matches("(?=.)(\\d{1,9}w)?(\\d{1,9}d)?(\\d{1,9}h)?(\\d{1,9}m)?(\\d{1,9}s)?")
                && text.chars().anyMatch(c -> c >= '1' && c <= '9');
        if (valid) {
            assertThat(Durations.parse(text)).isPositive();
        } else {
            assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not a duration");
        }
    }

    @Provide
    Arbitrary<String> junk() {
        return Arbitraries.strings().withChars("0123456789wdhmsWMy.- ").ofMaxLength(8);
    }

    @ParameterizedTest
    @CsvSource({"90s,90", "15m,900", "6h,21600", "1d,86400", "1w,604800", "1h30m,5400", "2w3d4h5m6s,1483506"})
    void readsTheDocumentedExamples(String text, long seconds) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofSeconds(seconds));
    }

    @Test
    void formatsTheLargestUnitsFirst() {
        assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
        assertThat(Durations.format(Duration.ofDays(14))).isEqualTo("2w");
        assertThat(Durations.format(Duration.ofSeconds(61))).isEqualTo("1m1s");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "90|has no unit (write 90s or 15m, not 90)",
            "-5m|it is negative",
            "0s|it is zero",
            "1.5h|counts are whole numbers",
            "15M|write m for minutes",
            "1y|there are no months or years",
            "30m1h|unit 'h' is repeated or out of order",
            "5m5m|unit 'm' is repeated or out of order",
            "1 h|unknown unit ' h'",
            "500ms|durations are whole seconds",
            "1234567890s|more than 9 digits"})
    void refusesAmbiguousTextSayingWhy(String text, String reason) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("'" + text + "' is not a duration")
                .hasMessageContaining(reason);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "m", "h5"})
    void refusesTextWithoutCounts(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
