package io.lifeboat.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.ManualClock;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The shared retry loop on a fake clock: every bound proven without waiting. */
class RetryTest {
    private static final Instant EPOCH = Instant.parse("2030-01-01T00:00:00Z");
    private final ManualClock clock = new ManualClock(EPOCH);
    private final List<Duration> pauses = new CopyOnWriteArrayList<>();
    private final Retry.Sleeper recording = d -> {
        pauses.add(d);
        clock.advance(d);
    };

    /** A failure a retry may cure; "busy" ones say how long to wait. */
    static final class Flaky extends RuntimeException {
        final Duration retryAfter;

        Flaky(String message, Duration retryAfter) {
            super(message);
            this.retryAfter = retryAfter;
        }
    }

    private static final Retry.Failures FAILURES = new Retry.Failures() {
        @Override
        public boolean isTransient(Exception e) {
            return e instanceof Flaky;
        }

        @Override
        public Duration minimumWait(Exception e) {
            return e instanceof Flaky f ? f.retryAfter : Duration.ZERO;
        }

        @Override
        public String describe(Exception e) {
            return "503 " + e.getMessage().replace("secret", "***");
        }

        @Override
        public Throwable cause(Exception e) {
            return new IOException(e.getMessage().replace("secret", "***"));
        }
    };

    private long nanos() {
        return Duration.between(EPOCH, clock.instant()).toNanos();
    }

    private Retry retry(Duration budget, Retry.Sleeper sleeper, Retry.Failures failures) {
        return new Retry(budget, Duration.ofMillis(100), Duration.ofSeconds(8), this::nanos, sleeper,
                new SplittableRandom(7), failures);
    }

    private Retry retry(Duration budget) {
        return retry(budget, recording, FAILURES);
    }

    @Test
    void transientFailuresAreRetriedAndCounted() throws Exception {
        Retry r = retry(Duration.ofMinutes(1));

        String result = r.run("GET x", attempt -> {
            if (attempt < 4) {
                throw new Flaky("busy", Duration.ZERO);
            }
            return "ok on " + attempt;
        });

        assertThat(result).isEqualTo("ok on 4");
        assertThat(pauses).hasSize(3);
        assertThat(r.retries()).isEqualTo(3);
    }

    @Test
    void pausesAreFullJitterUnderADoublingCap() {
        Retry r = retry(Duration.ofMinutes(1));
        boolean belowHalf = false;
        for (int n = 1; n <= 10; n++) {
            Duration cap = Duration.ofMillis(Math.min(8_000, 100L << (n - 1)));
            for (int i = 0; i < 100; i++) {
                Duration p = r.pause(n);
                assertThat(p).isBetween(Duration.ZERO, cap);
                belowHalf |= p.compareTo(cap.dividedBy(2)) < 0;
            }
        }
        assertThat(belowHalf).as("full jitter reaches below half the cap").isTrue();
        assertThat(r.pause(60)).isLessThanOrEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void givesUpAtTheBudgetWithAMessageNamingCallAttemptsTimeAndLastError() {
        Retry r = retry(Duration.ofSeconds(30));
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> r.run("PUT data/ab/ab01 in mem://x", attempt -> {
            calls.incrementAndGet();
            clock.advance(Duration.ofMillis(250)); // an attempt takes time too
            throw new Flaky("ServerBusy token=secret", Duration.ZERO);
        }))
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(InterruptedIOException.class)
                .hasMessageStartingWith("PUT data/ab/ab01 in mem://x failed: gave up after " + calls.get() + " attempts in ")
                .hasMessageContaining("(retry budget 30s); last error: 503 ServerBusy token=***")
                .hasMessageNotContaining("secret")
                .cause().isInstanceOf(IOException.class).hasMessage("ServerBusy token=***");

        assertThat(Duration.between(EPOCH, clock.instant())).isLessThanOrEqualTo(Duration.ofSeconds(30))
                .isGreaterThan(Duration.ofSeconds(22)); // it stops only when the next pause (≤ 8 s) would pass 30 s
        assertThat(calls.get()).isGreaterThan(5);
        assertThat(r.retries()).isEqualTo(calls.get() - 1);
    }

    @Test
    void aZeroBudgetMakesOneAttempt() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> retry(Duration.ZERO).run("HEAD x", attempt -> {
            calls.incrementAndGet();
            throw new Flaky("busy", Duration.ZERO);
        })).hasMessage("HEAD x failed: gave up after 1 attempt in 0s (retry budget 0s); last error: 503 busy");
        assertThat(calls).hasValue(1);
        assertThat(pauses).isEmpty();
    }

    @Test
    void theServersMinimumWaitIsHonoured() throws Exception {
        Retry r = retry(Duration.ofMinutes(1));

        r.run("GET x", attempt -> {
            if (attempt == 1) {
                throw new Flaky("throttled", Duration.ofSeconds(3));
            }
            return null;
        });

        assertThat(pauses).containsExactly(Duration.ofSeconds(3));
    }

    @Test
    void aMinimumWaitBeyondTheBudgetGivesUpAtOnce() {
        assertThatThrownBy(() -> retry(Duration.ofSeconds(10)).run("GET x", attempt -> {
            throw new Flaky("throttled", Duration.ofSeconds(11));
        })).hasMessageContaining("gave up after 1 attempt");
        assertThat(pauses).isEmpty();
    }

    @Test
    void nonTransientFailuresPropagateAtOnceAsTheyAre() {
        IllegalStateException refused = new IllegalStateException("403 denied");
        IOException own = new IOException("checksum mismatch");
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> retry(Duration.ofMinutes(1)).run("PUT x", attempt -> {
            calls.incrementAndGet();
            throw refused;
        })).isSameAs(refused);
        assertThatThrownBy(() -> retry(Duration.ofMinutes(1)).run("PUT x", attempt -> {
            calls.incrementAndGet();
            throw own;
        })).isSameAs(own);
        assertThat(calls).hasValue(2);
        assertThat(pauses).isEmpty();
    }

    @Test
    void aCancelledCallStopsRetryingWithItsLastFailure() {
        AtomicInteger calls = new AtomicInteger();
        Flaky last = new Flaky("busy", Duration.ZERO);

        assertThatThrownBy(() -> retry(Duration.ofMinutes(1)).run("PUT part 2", () -> calls.get() >= 3, attempt -> {
            calls.incrementAndGet();
            throw last;
        })).isSameAs(last);
        assertThat(calls).hasValue(3);
        assertThat(pauses).hasSize(2);
    }

    @Test
    void anInterruptedPauseEndsTheCallAndKeepsTheInterrupt() {
        Retry r = retry(Duration.ofMinutes(1), d -> {
            throw new InterruptedException();
        }, FAILURES);
        try {
            assertThatThrownBy(() -> r.run("GET x", attempt -> {
                throw new Flaky("busy", Duration.ZERO);
            })).isInstanceOf(InterruptedIOException.class)
                    .hasMessage("GET x was interrupted while waiting to retry");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void byDefaultTheFailureItselfIsTheCause() {
        Flaky busy = new Flaky("busy", Duration.ZERO);
        Retry.Failures plain = new Retry.Failures() {
            @Override
            public boolean isTransient(Exception e) {
                return true;
            }

            @Override
            public String describe(Exception e) {
                return e.getMessage();
            }
        };

        assertThatThrownBy(() -> retry(Duration.ZERO, recording, plain).run("GET x", attempt -> {
            throw busy;
        })).hasCause(busy);
        assertThat(plain.minimumWait(busy)).isZero();
    }

    @Test
    void badTimingIsRefused() {
        assertThatThrownBy(() -> new Retry(Duration.ofSeconds(-1), Duration.ZERO, Duration.ZERO, this::nanos, recording,
                new SplittableRandom(1), FAILURES)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Retry(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(1),
                this::nanos, recording, new SplittableRandom(1), FAILURES)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void durationsReadAsPeopleWriteThem() {
        assertThat(Retry.human(Duration.ofSeconds(270))).isEqualTo("4m30s");
        assertThat(Retry.human(Duration.ofMillis(12_500))).isEqualTo("12.5s");
        assertThat(Retry.human(Duration.ZERO)).isEqualTo("0s");
    }
}
