package io.lifeboat.catalog;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the moment of {@code --as-of}:
 * <ul>
 *   <li>{@code now};</li>
 *   <li>an ISO-8601 instant or offset date-time: {@code 2026-11-23T10:15:30Z},
 *       {@code 2026-11-23T10:15:30.250+01:00};</li>
 *   <li>a date-time without zone, in the local time zone (as Lifeboat prints times):
 *       {@code 2026-11-23T10:15:30} or {@code 2026-11-23 10:15};</li>
 *   <li>a date, meaning its first instant in the local time zone: {@code 2026-11-23};</li>
 *   <li>an age: {@code 90s}, {@code 30m}, {@code 2h}, {@code 7d} or {@code 2w} before now.</li>
 * </ul>
 * A moment includes everything recorded at or before it, to the nanosecond.
 */
public final class AsOf {
    private static final Pattern AGE = Pattern.compile("(\\d{1,9})([smhdw])");

    private AsOf() {}

    /**
     * @throws IllegalArgumentException naming the text and the forms accepted
     */
    public static Instant parse(String text, Instant now, ZoneId zone) {
        String t = text.trim();
        if (t.equals("now")) {
            return now;
        }
        Matcher age = AGE.matcher(t);
        if (age.matches()) {
            long n = Long.parseLong(age.group(1));
            Duration d = switch (age.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            };
            return now.minus(d);
        }
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            // not with an offset
        }
        try {
            return LocalDateTime.parse(t.replace(' ', 'T')).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            // not a local date-time
        }
        try {
            return LocalDateTime.parse(t.replace(' ', 'T') + ":00").atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            // not one without seconds
        }
        try {
            return LocalDate.parse(t).atStartOfDay(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--as-of '" + text + "' is not a time: use now, an ISO-8601 time such as "
                    + "2026-11-23T10:15:30Z, a local time such as '2026-11-23 10:15', a date, or an age such as 30m, 2h, 7d");
        }
    }
}
