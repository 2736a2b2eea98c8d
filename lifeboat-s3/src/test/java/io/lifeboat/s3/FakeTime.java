package io.lifeboat.s3;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that only moves when the code under test sleeps: retry bounds proven without waiting. */
final class FakeTime implements io.lifeboat.core.storage.Retry.Sleeper {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final List<Duration> pauses = new CopyOnWriteArrayList<>();

    @Override
    public void sleep(Duration d) {
        pauses.add(d);
        nanos.addAndGet(d.toNanos());
    }

    long nanoTime() {
        return nanos.get();
    }

    void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    List<Duration> pauses() {
        return List.copyOf(pauses);
    }

    Duration slept() {
        return pauses.stream().reduce(Duration.ZERO, Duration::plus);
    }
}
