package io.lifeboat.dr.plan;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.Year;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A five-field cron expression, as in crontab(5): {@code minute hour day-of-month month
 * day-of-week}, read in a time zone the caller gives.
 *
 * <h2>Syntax</h2>
 * Fields are separated by spaces. Each is a comma-separated list of:
 * <ul>
 *   <li>{@code *}: every value;</li>
 *   <li>a value {@code a}, or a range {@code a-b} (both ends included, {@code a <= b});</li>
 *   <li>a step over every value, <code>&#42;/n</code>, or over a range,
 *       {@code a-b/n}: the first value and every n-th after it.</li>
 * </ul>
 * Ranges are minute 0-59, hour 0-23, day-of-month 1-31, month 1-12 (or {@code jan} ..
 * {@code dec}), day-of-week 0-7 (or {@code sun} .. {@code sat}; 0 and 7 are both Sunday,
 * and {@code sun} as the end of a range means 7, so {@code fri-sun} works). Names are
 * case-insensitive. The macros {@code @yearly} ({@code @annually}), {@code @monthly},
 * {@code @weekly}, {@code @daily} ({@code @midnight}) and {@code @hourly} stand for
 * their usual expressions. An expression that matches no date at all, such as
 * {@code 0 0 30 2 *}, is refused.
 *
 * <h2>Days</h2>
 * As in classic cron, when both day-of-month and day-of-week are restricted (neither field
 * starts with {@code *}), a day matches if <em>either</em> matches: {@code 0 0 1 * mon}
 * fires on the first of each month and on every Monday. Otherwise a day must match both.
 *
 * <h2>Time zones and daylight saving</h2>
 * The expression fires at every instant whose wall-clock time in the zone matches it. A
 * wall-clock time that a daylight-saving change skips fires at the first minute after the
 * change instead (so {@code 30 2 * * *} fires at 03:00 on the day clocks go from 02:00 to
 * 03:00), once however many skipped minutes match. A wall-clock time that occurs twice
 * (clocks going back) fires both times: an extra backup is cheap, a missed one is not.
 *
 * <p>Immutable and thread-safe. Two expressions are equal when their texts are.
 */
public final class Cron {
    private static final String[] FIELDS = {"minute", "hour", "day-of-month", "month", "day-of-week"};
    private static final int[] LOW = {0, 0, 1, 1, 0};
    private static final int[] HIGH = {59, 23, 31, 12, 7};
    private static final List<String> MONTHS = List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
            "oct", "nov", "dec");
    private static final List<String> WEEKDAYS = List.of("sun", "mon", "tue", "wed", "thu", "fri", "sat");
    private static final Map<String, String> MACROS = Map.of("@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *",
            "@hourly", "0 * * * *");
    private static final int MINUTES_PER_DAY = 24 * 60;
    /** The Gregorian calendar repeats itself, weekdays included, every 400 years. */
    private static final LocalDate CYCLE_START = LocalDate.of(2000, 1, 1);
    private static final int CYCLE_DAYS = 146_097;

    private final String text;
    private final long minutes;
    private final long hours;
    private final long daysOfMonth;
    private final long months;
    private final long weekdays;
    private final boolean anyDayOfMonth;
    private final boolean anyDayOfWeek;
    /** The minutes of a day (hour * 60 + minute) that match, ascending. */
    private final int[] times;
    private final Duration longestGap;

    private Cron(String text, long[] fields, boolean anyDayOfMonth, boolean anyDayOfWeek) {
        this.text = text;
        this.minutes = fields[0];
        this.hours = fields[1];
        this.daysOfMonth = fields[2];
        this.months = fields[3];
        this.weekdays = fields[4];
        this.anyDayOfMonth = anyDayOfMonth;
        this.anyDayOfWeek = anyDayOfWeek;
        this.times = timesOfDay(hours, minutes);
        this.longestGap = computeLongestGap();
    }

    /**
     * Reads an expression (see the class comment).
     *
     * @throws IllegalArgumentException naming the expression, the field and what is wrong
     */
    public static Cron parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a cron expression is empty");
        }
        String trimmed = text.trim();
        String expanded = trimmed;
        if (trimmed.startsWith("@")) {
            expanded = MACROS.get(trimmed.toLowerCase(Locale.ROOT));
            if (expanded == null) {
                throw new IllegalArgumentException("cron '" + trimmed + "': unknown macro (known: @yearly, @annually,"
                        + " @monthly, @weekly, @daily, @midnight, @hourly)");
            }
        }
        String[] parts = expanded.split("\\s+");
        if (parts.length != FIELDS.length) {
            throw new IllegalArgumentException("cron '" + trimmed + "' has " + parts.length + " field"
                    + (parts.length == 1 ? "" : "s") + "; expected 5: minute hour day-of-month month day-of-week");
        }
        long[] fields = new long[FIELDS.length];
        for (int f = 0; f < FIELDS.length; f++) {
            try {
                fields[f] = parseField(f, parts[f]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("cron '" + trimmed + "': " + FIELDS[f] + " field '" + parts[f] + "': "
                        + e.getMessage(), e);
            }
        }
        if ((fields[4] & (1L << 7)) != 0) {
            fields[4] = (fields[4] | 1L) & ~(1L << 7); // 7 is Sunday too
        }
        Cron cron = new Cron(trimmed, fields, parts[2].startsWith("*"), parts[4].startsWith("*"));
        if (cron.longestGap == null) {
            throw new IllegalArgumentException("cron '" + trimmed + "' matches no date (check day-of-month against month)");
        }
        return cron;
    }

    /**
     * The first instant strictly after {@code after} at which the expression fires in
     * {@code zone} (see the class comment on daylight saving).
     */
    public Instant next(Instant after, ZoneId zone) {
        ZoneRules rules = zone.getRules();
        LocalDateTime candidate = LocalDateTime.ofInstant(after, zone).truncatedTo(ChronoUnit.MINUTES);
        ZoneOffsetTransition coming = rules.nextTransition(after);
        if (coming != null && coming.isOverlap() && !candidate.isBefore(coming.getDateTimeAfter())) {
            // In the first pass through a repeated hour: the rest of it comes first, then the second pass.
            for (LocalDateTime l = nextLocal(candidate); l.isBefore(coming.getDateTimeBefore());
                 l = nextLocal(l.plusMinutes(1))) {
                Instant i = l.toInstant(coming.getOffsetBefore());
                if (i.isAfter(after)) {
                    return i;
                }
            }
            candidate = coming.getDateTimeAfter();
        }
        while (true) {
            candidate = nextLocal(candidate);
            List<ZoneOffset> offsets = rules.getValidOffsets(candidate);
            if (offsets.isEmpty()) {
                ZoneOffsetTransition gap = rules.getTransition(candidate);
                if (gap.getInstant().isAfter(after)) {
                    return gap.getInstant();
                }
                candidate = gap.getDateTimeAfter();
                continue;
            }
            Instant best = null;
            for (ZoneOffset offset : offsets) {
                Instant i = candidate.toInstant(offset);
                if (i.isAfter(after) && (best == null || i.isBefore(best))) {
                    best = i;
                }
            }
            if (best != null) {
                return best;
            }
            candidate = candidate.plusMinutes(1);
        }
    }

    /** Whether the expression matches this wall-clock time (seconds and below are ignored). */
    public boolean matches(LocalDateTime time) {
        return dayMatches(time.toLocalDate()) && bit(hours, time.getHour()) && bit(minutes, time.getMinute());
    }

    /**
     * The longest time between two consecutive fires, on a calendar without daylight saving
     * (in a zone with it, one gap a year can be longer by the shift, usually an hour). Exact:
     * computed over the whole 400-year cycle of the Gregorian calendar, so {@code 0 0 29 2 *}
     * gives the eight years from 2096 to 2104.
     */
    public Duration longestGap() {
        return longestGap;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cron c && c.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /** The expression as written (trimmed). */
    @Override
    public String toString() {
        return text;
    }

    // ---- parsing

    private static long parseField(int field, String text) {
        long bits = 0;
        for (String item : text.split(",", -1)) {
            bits |= parseItem(field, item);
        }
        return bits;
    }

    private static long parseItem(int field, String item) {
        if (item.isEmpty()) {
            throw new IllegalArgumentException("an empty list item");
        }
        int slash = item.indexOf('/');
        String range = slash < 0 ? item : item.substring(0, slash);
        int step = 1;
        if (slash >= 0) {
            step = parseNumber(item.substring(slash + 1), "step");
            if (step == 0) {
                throw new IllegalArgumentException("a step of 0");
            }
            if (!range.equals("*") && !range.contains("-")) {
                throw new IllegalArgumentException("a step needs * or a range before it, e.g. */15 or 0-30/15");
            }
        }
        int from;
        int to;
        if (range.equals("*")) {
            from = LOW[field];
            to = field == 4 ? 6 : HIGH[field];
        } else {
            int dash = range.indexOf('-');
            from = value(field, dash < 0 ? range : range.substring(0, dash), false);
            to = dash < 0 ? from : value(field, range.substring(dash + 1), true);
            if (to < from) {
                throw new IllegalArgumentException("the range " + range + " runs backwards");
            }
        }
        long bits = 0;
        for (int v = from; v <= to; v += step) {
            bits |= 1L << v;
        }
        return bits;
    }

    private static int value(int field, String text, boolean endOfRange) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("a range with a missing end");
        }
        List<String> names = field == 3 ? MONTHS : field == 4 ? WEEKDAYS : List.of();
        int v;
        if (Character.isLetter(text.charAt(0))) {
            int i = names.indexOf(text.toLowerCase(Locale.ROOT));
            if (i < 0) {
                throw new IllegalArgumentException("'" + text + "' is not " + (names.isEmpty() ? "a number"
                        : "a number or one of " + String.join(", ", names)));
            }
            v = field == 3 ? i + 1 : (i == 0 && endOfRange ? 7 : i);
        } else {
            v = parseNumber(text, "value");
        }
        if (v < LOW[field] || v > HIGH[field]) {
            throw new IllegalArgumentException(v + " is out of range " + LOW[field] + "-" + HIGH[field]);
        }
        return v;
    }

    private static int parseNumber(String text, String what) {
        if (text.isEmpty() || text.length() > 4 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("'" + text + "' is not a " + (what.equals("step") ? "step (a number)"
                    : "number"));
        }
        return Integer.parseInt(text);
    }

    // ---- matching

    private static boolean bit(long bits, int i) {
        return (bits & (1L << i)) != 0;
    }

    private boolean dayMatches(LocalDate date) {
        return bit(months, date.getMonthValue()) && dayMatches(date.getDayOfMonth(), date.getDayOfWeek());
    }

    private boolean dayMatches(int dayOfMonth, DayOfWeek dayOfWeek) {
        boolean dom = bit(daysOfMonth, dayOfMonth);
        boolean dow = bit(weekdays, dayOfWeek.getValue() % 7);
        return anyDayOfMonth || anyDayOfWeek ? dom && dow : dom || dow;
    }

    /** The first matching wall-clock minute at or after {@code from}. */
    private LocalDateTime nextLocal(LocalDateTime from) {
        LocalDate date = from.toLocalDate();
        int minuteOfDay = from.getHour() * 60 + from.getMinute();
        for (int day = 0; day <= CYCLE_DAYS; day++) {
            if (!bit(months, date.getMonthValue())) {
                date = date.withDayOfMonth(1).plusMonths(1);
                minuteOfDay = 0;
                continue;
            }
            if (dayMatches(date)) {
                int i = Arrays.binarySearch(times, minuteOfDay);
                i = i >= 0 ? i : -i - 1;
                if (i < times.length) {
                    return date.atTime(times[i] / 60, times[i] % 60);
                }
            }
            date = date.plusDays(1);
            minuteOfDay = 0;
        }
        throw new IllegalStateException("cron '" + text + "' matches no date"); // parse refuses such expressions
    }

    private static int[] timesOfDay(long hours, long minutes) {
        int[] t = new int[Long.bitCount(hours) * Long.bitCount(minutes)];
        int n = 0;
        for (int h = 0; h < 24; h++) {
            for (int m = 0; m < 60; m++) {
                if (bit(hours, h) && bit(minutes, m)) {
                    t[n++] = h * 60 + m;
                }
            }
        }
        return t;
    }

    /**
     * Fires fall on matching days at the same minutes of each: the longest gap is the longer of
     * the longest gap within a day and the longest run between matching days, from the last
     * fire of one to the first of the next. Null if no day matches.
     */
    private Duration computeLongestGap() {
        long first = -1;
        long previous = -1;
        long longestDays = 0;
        int day = 0;
        DayOfWeek weekday = CYCLE_START.getDayOfWeek();
        for (int year = CYCLE_START.getYear(); year < CYCLE_START.getYear() + 400; year++) {
            for (Month month : Month.values()) {
                int length = month.length(Year.isLeap(year));
                if (!bit(months, month.getValue())) {
                    day += length;
                    weekday = weekday.plus(length);
                    continue;
                }
                for (int dayOfMonth = 1; dayOfMonth <= length; dayOfMonth++, day++, weekday = weekday.plus(1)) {
                    if (dayMatches(dayOfMonth, weekday)) {
                        if (first < 0) {
                            first = day;
                        } else {
                            longestDays = Math.max(longestDays, day - previous);
                        }
                        previous = day;
                    }
                }
            }
        }
        if (first < 0) {
            return null;
        }
        longestDays = Math.max(longestDays, first + CYCLE_DAYS - previous); // across the cycle's end
        long withinDay = 0;
        for (int i = 1; i < times.length; i++) {
            withinDay = Math.max(withinDay, times[i] - times[i - 1]);
        }
        long betweenDays = longestDays * MINUTES_PER_DAY - (times[times.length - 1] - times[0]);
        return Duration.ofMinutes(Math.max(withinDay, betweenDays));
    }
}
