package io.lifeboat.dr.plan;

import java.time.Duration;

/**
 * The durations of a plan file: schedule intervals, RPO and RTO objectives, probe intervals
 * and timeouts.
 *
 * <p>Written as one or more {@code COUNT UNIT} pairs with nothing between them, e.g.
 * {@code 90s}, {@code 15m}, {@code 6h}, {@code 1d}, {@code 1w}, {@code 1h30m}:
 * <pre>
 *   duration = [COUNT "w"] [COUNT "d"] [COUNT "h"] [COUNT "m"] [COUNT "s"]   (at least one pair)
 *   COUNT    = 1 to 9 ASCII digits
 * </pre>
 * {@code w} is weeks (7 days), {@code d} days (24 hours: these are elapsed time, not
 * calendar days), {@code h} hours, {@code m} <em>minutes</em>, {@code s} seconds. Units are
 * lower case, each appears at most once, largest first. Signs, fractions, spaces, a bare
 * number and a total of zero are refused rather than guessed at: {@code 90} could be
 * seconds or minutes, and {@code M} months or minutes.
 *
 * <p>Note the difference from {@link io.lifeboat.core.retention.Within} (retention spans),
 * where {@code m} means months: a retention span is calendar time and has no minutes.
 */
public final class Durations {
    private static final String UNITS = "wdhms";
    private static final long[] SECONDS = {7 * 86_400L, 86_400L, 3_600L, 60L, 1L};
    private static final int MAX_DIGITS = 9;
    private static final String GRAMMAR = "expected COUNT+UNIT pairs such as 90s, 15m, 6h, 1d, 1w or 1h30m; units w, d, h,"
            + " m (minutes), s, each at most once, largest first";

    private Durations() {}

    /**
     * Reads a duration (see the class comment).
     *
     * @return a duration longer than zero, in whole seconds
     * @throws IllegalArgumentException naming {@code text} and what is wrong with it
     */
    public static Duration parse(String text) {
        if (text == null || text.isEmpty()) {
            throw bad(text, "it is empty");
        }
        long total = 0;
        int lastUnit = -1;
        int i = 0;
        while (i < text.length()) {
            int numberStart = i;
            while (i < text.length() && isDigit(text.charAt(i))) {
                i++;
            }
            if (i == numberStart) {
                throw bad(text, text.charAt(i) == '-' ? "it is negative" : "expected a count at position " + (i + 1));
            }
            if (i - numberStart > MAX_DIGITS) {
                throw bad(text, "count '" + text.substring(numberStart, i) + "' has more than " + MAX_DIGITS + " digits");
            }
            long count = Long.parseLong(text, numberStart, i, 10);
            int unitStart = i;
            while (i < text.length() && !isDigit(text.charAt(i))) {
                i++;
            }
            String unit = text.substring(unitStart, i);
            int u = unit.length() == 1 ? UNITS.indexOf(unit.charAt(0)) : -1;
            if (unit.isEmpty()) {
                throw bad(text, "count " + count + " has no unit" + (numberStart == 0 ? " (write 90s or 15m, not 90)" : ""));
            }
            if (u < 0) {
                throw bad(text, "unknown unit '" + unit + "'" + hint(unit));
            }
            if (u <= lastUnit) {
                throw bad(text, "unit '" + unit + "' is repeated or out of order");
            }
            total += count * SECONDS[u]; // at most 999999999 weeks per part: no overflow
            lastUnit = u;
        }
        if (total == 0) {
            throw bad(text, "it is zero");
        }
        return Duration.ofSeconds(total);
    }

    /**
     * The canonical text of a duration, e.g. {@code 1h30m}: what {@link #parse} reads back to
     * an equal value. Parts below a second are dropped.
     *
     * @throws IllegalArgumentException if it is shorter than a second
     */
    public static String format(Duration duration) {
        long left = duration.getSeconds();
        if (left <= 0) {
            throw new IllegalArgumentException("a plan duration is at least 1s, not " + duration);
        }
        StringBuilder sb = new StringBuilder();
        for (int u = 0; u < UNITS.length(); u++) {
            long count = left / SECONDS[u];
            if (count > 0) {
                sb.append(count).append(UNITS.charAt(u));
                left -= count * SECONDS[u];
            }
        }
        return sb.toString();
    }

    private static String hint(String unit) {
        return switch (unit) {
            case "M", "min", "mins" -> " (write m for minutes)";
            case "ms" -> " (durations are whole seconds)";
            case "y", "mo" -> " (there are no months or years: write days or weeks)";
            case "H", "D", "W", "S" -> " (units are lower case)";
            default -> unit.startsWith(".") || unit.startsWith(",") ? " (counts are whole numbers)" : "";
        };
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("'" + text + "' is not a duration: " + why + " (" + GRAMMAR + ")");
    }
}
