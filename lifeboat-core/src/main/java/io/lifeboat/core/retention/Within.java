package io.lifeboat.core.retention;

import java.time.Instant;
import java.time.ZonedDateTime;

/**
 * The span of {@code keep-within}: a calendar amount of years, months, weeks, days and
 * hours, measured back from the newest snapshot of a group.
 *
 * <p>Written as one or more {@code COUNT UNIT} pairs with nothing between them, e.g.
 * {@code 30d}, {@code 12h}, {@code 2w}, {@code 1y6m}, {@code 1w3d12h}:
 * <pre>
 *   within = [COUNT "y"] [COUNT "m"] [COUNT "w"] [COUNT "d"] [COUNT "h"]   (at least one pair)
 *   COUNT  = 1 to 6 ASCII digits, value at least 1
 * </pre>
 * {@code y} is years, {@code m} is <em>months</em>, {@code w} weeks (7 days), {@code d}
 * days, {@code h} hours. Units are lower case, each appears at most once, largest first.
 * There is no unit for minutes, so {@code 90m} can only mean 90 months; {@code min},
 * {@code M}, spaces, signs and fractions are refused rather than guessed at.
 *
 * <p>Immutable; {@link #toString()} gives the canonical text, which {@link #parse} reads
 * back to an equal value.
 */
public record Within(int years, int months, int weeks, int days, int hours) {
    private static final String UNITS = "ymwdh";
    private static final int MAX_DIGITS = 6;
    private static final String GRAMMAR = "expected COUNT+UNIT pairs such as 30d, 12h, 2w or 1y6m; units y, m (months),"
            + " w, d, h, each at most once, largest first";

    /**
     * @throws IllegalArgumentException if a part is negative or above 999999, or all are zero
     */
    public Within {
        int[] parts = {years, months, weeks, days, hours};
        boolean any = false;
        for (int p : parts) {
            if (p < 0 || p > 999_999) {
                throw new IllegalArgumentException("keep-within parts must be 0 to 999999: " + describe(parts));
            }
            any |= p > 0;
        }
        if (!any) {
            throw new IllegalArgumentException("keep-within must be longer than zero: all its parts are 0");
        }
    }

    /**
     * Reads the text form (see the class comment).
     *
     * @throws IllegalArgumentException naming {@code text} and what is wrong with it
     */
    public static Within parse(String text) {
        if (text == null || text.isEmpty()) {
            throw bad(text, "it is empty");
        }
        int[] parts = new int[UNITS.length()];
        int lastUnit = -1;
        int i = 0;
        while (i < text.length()) {
            int numberStart = i;
            while (i < text.length() && isDigit(text.charAt(i))) {
                i++;
            }
            if (i == numberStart) {
                throw bad(text, "expected a count at position " + numberStart);
            }
            if (i - numberStart > MAX_DIGITS) {
                throw bad(text, "count '" + text.substring(numberStart, i) + "' is above 999999");
            }
            int count = Integer.parseInt(text, numberStart, i, 10);
            int unitStart = i;
            while (i < text.length() && !isDigit(text.charAt(i))) {
                i++;
            }
            String unit = text.substring(unitStart, i);
            int u = unit.length() == 1 ? UNITS.indexOf(unit.charAt(0)) : -1;
            if (unit.isEmpty()) {
                throw bad(text, "count " + count + " has no unit");
            }
            if (u < 0) {
                throw bad(text, "unknown unit '" + unit + "'" + (unit.startsWith("mi") ? " (there is no minute unit; m means months)" : ""));
            }
            if (u <= lastUnit) {
                throw bad(text, "unit '" + unit + "' is repeated or out of order");
            }
            if (count == 0) {
                throw bad(text, "count of '" + unit + "' is 0");
            }
            parts[u] = count;
            lastUnit = u;
        }
        return new Within(parts[0], parts[1], parts[2], parts[3], parts[4]);
    }

    /**
     * The oldest moment still within this span of {@code newest}: years, then months,
     * weeks, days and hours subtracted on the calendar of {@code newest}'s zone (so
     * {@code 1m} before 31 March is 28 or 29 February, and {@code 1d} across a daylight
     * saving change is one calendar day, not 24 hours).
     */
    public ZonedDateTime cutoff(ZonedDateTime newest) {
        return newest.minusYears(years).minusMonths(months).minusWeeks(weeks).minusDays(days).minusHours(hours);
    }

    /** The instant this span after {@code start}, on the UTC calendar (a retention lock's end, say). */
    public Instant after(Instant start) {
        return start.atZone(java.time.ZoneOffset.UTC).plusYears(years).plusMonths(months).plusWeeks(weeks).plusDays(days)
                .plusHours(hours).toInstant();
    }

    /** The canonical text, e.g. {@code 1y6m}: parts that are zero are left out. */
    @Override
    public String toString() {
        return describe(new int[] {years, months, weeks, days, hours});
    }

    private static String describe(int[] parts) {
        StringBuilder sb = new StringBuilder();
        for (int u = 0; u < parts.length; u++) {
            if (parts[u] != 0) {
                sb.append(parts[u]).append(UNITS.charAt(u));
            }
        }
        return sb.toString();
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("keep-within '" + text + "' is not a duration: " + why + " (" + GRAMMAR + ")");
    }
}
