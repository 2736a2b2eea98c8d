package io.lifeboat.dr.plan;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/** A five-field cron expression. (Placeholder: the plan reader's author implements it.) */
public final class Cron {
    private final String text;

    private Cron(String text) {
        this.text = text;
    }

    public static Cron parse(String text) {
        throw new UnsupportedOperationException("cron schedules are not implemented yet: " + text);
    }

    /** The first scheduled time strictly after {@code after}. */
    public Instant next(Instant after, ZoneId zone) {
        throw new UnsupportedOperationException(text);
    }

    /** The longest time between two consecutive scheduled times. */
    public Duration longestGap() {
        throw new UnsupportedOperationException(text);
    }

    @Override
    public String toString() {
        return text;
    }
}
