package io.lifeboat.dr.replicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lifeboat.core.ManualClock;
import io.lifeboat.core.storage.Retry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bandwidth limit, on an injected clock: sleeps are recorded and advance the clock, nothing really waits. */
class BandwidthLimitTest {
    @TempDir
    Path tmp;

    final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T10:00:00Z"));
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    final Retry.Sleeper sleeper = d -> {
        sleeps.add(d);
        clock.advance(d);
    };

    private double slept() {
        return sleeps.stream().mapToLong(Duration::toNanos).sum() / 1e9;
    }

    @Test
    void copyingNBytesAtRBytesPerSecondWaitsNOverRSeconds() throws Exception {
        var source = Stores.local(tmp.resolve("source"));
        Sample.create(source, Files.createDirectories(tmp.resolve("work")));
        long rate = 1_000_000;
        Replicator.Options o = Replicator.Options.defaults().withThreads(1).withBandwidth(rate).withTime(clock, sleeper);
        Replicator.Result r = new Replicator(source, Stores.local(tmp.resolve("target")), o, Replicator.Listener.NONE).run();

        long n = r.totalCopied().bytes() - Sample.config(source).length(); // the config is written without the limit
        assertThat(n).isGreaterThan(5_000_000);
        assertThat(slept()).isCloseTo(n / (double) rate, within(0.01 * n / rate));
        assertThat(sleeps.size()).as("one wait per object at most").isLessThanOrEqualTo((int) r.totalCopied().objects());
    }

    @Test
    void withoutALimitNothingWaits() throws Exception {
        var source = Stores.local(tmp.resolve("source"));
        Sample.create(source, Files.createDirectories(tmp.resolve("work")));
        Replicator.Options o = Replicator.Options.defaults().withTime(clock, sleeper);
        new Replicator(source, Stores.local(tmp.resolve("target")), o, Replicator.Listener.NONE).run();
        assertThat(sleeps).isEmpty();
    }

    @Test
    void anObjectLargerThanASecondsWorthWaitsForItsWholeSize() throws Exception {
        Throttle t = new Throttle(1_000, clock, sleeper);
        t.acquire(5_000);
        assertThat(slept()).isCloseTo(5.0, within(1e-6));
    }

    @Test
    void anIdleSpellBanksAtMostOneSecondOfBurst() throws Exception {
        Throttle t = new Throttle(1_000, clock, sleeper);
        clock.advance(Duration.ofMinutes(10));
        t.acquire(1_000);
        assertThat(sleeps).as("one second's worth passes at once").isEmpty();
        t.acquire(2_000);
        assertThat(slept()).as("and not more").isCloseTo(2.0, within(1e-6));
    }

    @Test
    void concurrentCopiesShareTheLimit() throws Exception {
        Throttle t = new Throttle(1_000, clock, d -> sleeps.add(d)); // the clock stands still: every request is simultaneous
        Thread[] threads = new Thread[4];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Thread(() -> {
                try {
                    t.acquire(1_000);
                } catch (java.io.InterruptedIOException e) {
                    throw new IllegalStateException(e);
                }
            });
            threads[i].start();
        }
        for (Thread th : threads) {
            th.join();
        }
        assertThat(sleeps.stream().map(Duration::toSeconds).sorted().toList())
                .as("queued one behind the other").containsExactly(1L, 2L, 3L, 4L);
    }
}
