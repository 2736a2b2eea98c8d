package io.lifeboat.azure;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** A clock that moves only when told, and a sleeper that moves it instead of sleeping: retries take no real time. */
final class FakeTime extends Clock implements AzureBlobStore.Sleeper {
    private Instant now;
    private final List<Duration> sleeps = new ArrayList<>();

    FakeTime(Instant start) {
        this.now = start;
    }

    synchronized void advance(Duration d) {
        now = now.plus(d);
    }

    @Override
    public synchronized void sleep(Duration d) {
        sleeps.add(d);
        now = now.plus(d);
    }

    /** Every wait asked for so far. */
    synchronized List<Duration> sleeps() {
        return new ArrayList<>(sleeps);
    }

    synchronized Duration slept() {
        return sleeps.stream().reduce(Duration.ZERO, Duration::plus);
    }

    @Override
    public synchronized Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
    }
}
