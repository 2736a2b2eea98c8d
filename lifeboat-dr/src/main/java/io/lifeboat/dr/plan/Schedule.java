package io.lifeboat.dr.plan;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/** When an asset's backup is due: every interval, or at the times of a cron expression. */
public sealed interface Schedule {
    /**
     * Whether a backup is due at {@code now} when the last one was at {@code last} (null:
     * never): never backed up, or a scheduled time has passed since the last backup.
     */
    boolean due(Instant last, Instant now, ZoneId zone);

    /**
     * The longest time between two scheduled runs (for an interval, the interval): an RPO
     * shorter than this cannot be met.
     */
    Duration longestGap();

    /**
     * Reads a plan's {@code schedule}: an interval ({@link Durations}, e.g. {@code 15m}), or a
     * cron expression ({@link Cron}: five fields separated by spaces, or a macro such as
     * {@code @daily}).
     *
     * @throws IllegalArgumentException saying what is wrong with {@code text}
     */
    static Schedule parse(String text) {
        String t = text == null ? "" : text.strip();
        if (t.startsWith("@") || t.contains(" ") || t.contains("\t")) {
            return new CronSchedule(Cron.parse(t));
        }
        try {
            return new Interval(Durations.parse(t));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + "; a schedule is an interval such as 15m or 6h, or a cron"
                    + " expression such as '0 3 * * *'", e);
        }
    }

    /** Every {@code interval}, measured from the last backup. */
    record Interval(Duration interval) implements Schedule {
        public Interval {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("a schedule interval must be longer than zero");
            }
        }

        @Override
        public boolean due(Instant last, Instant now, ZoneId zone) {
            return last == null || !now.isBefore(last.plus(interval));
        }

        @Override
        public Duration longestGap() {
            return interval;
        }
    }

    /** A five-field cron expression (minute hour day-of-month month day-of-week), see {@link Cron}. */
    record CronSchedule(Cron cron) implements Schedule {
        @Override
        public boolean due(Instant last, Instant now, ZoneId zone) {
            if (last == null) {
                return true;
            }
            Instant next = cron.next(last, zone);
            return !now.isBefore(next);
        }

        @Override
        public Duration longestGap() {
            return cron.longestGap();
        }
    }
}
