package io.lifeboat.core.storage;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The one retry loop of every storage backend: runs a call again after transient failures,
 * with exponential backoff and full jitter, until it succeeds, fails for good, or has spent
 * its time budget.
 *
 * <p>Attempt {@code n} (from 1) that fails transiently is followed by a pause drawn
 * uniformly from {@code [0, min(maxDelay, firstDelay * 2^(n-1))]} (full jitter, so that
 * many clients throttled together do not come back together), but never shorter than the
 * wait the server asked for ({@link Failures#minimumWait}, e.g. Retry-After). Before
 * pausing, the loop checks that the pause ends within the budget, counted from the start of
 * the first attempt; if it would not, it gives up with an {@link IOException} such as
 *
 * <pre>S3 PUT of data/ab/abcd in s3://bucket/repo failed: gave up after 7 attempts in 1m58.2s (retry budget 2m0s); last error: 503 SlowDown: Please reduce your request rate.</pre>
 *
 * <p>that names the call, the attempts, the time spent and the last failure (as the
 * backend's {@link Failures#describe} puts it, with {@link Failures#cause} chained). Failures
 * that are not transient propagate at once, as they are. Time comes from an injected
 * monotonic nanosecond source and pauses go through an injected {@link Sleeper}, so tests
 * prove the bound without waiting.
 *
 * <p>Thread-safe: it keeps no state between calls but a count of retries, and its random
 * generator is only drawn from (pass one that is safe to share, such as
 * {@code () -> ThreadLocalRandom.current().nextLong()}).
 */
public final class Retry {
    /** Waits between attempts; tests pass one that advances a fake clock. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /** One attempt at a call; {@code attempt} counts from 1. */
    @FunctionalInterface
    public interface Attempt<T> {
        T run(int attempt) throws IOException;
    }

    /** What a backend knows about its failures. */
    public interface Failures {
        /** Whether another attempt may succeed. Failures that are not transient propagate as they are. */
        boolean isTransient(Exception e);

        /** The least the server asked to wait before the next attempt (Retry-After); zero if it did not say. */
        default Duration minimumWait(Exception e) {
            return Duration.ZERO;
        }

        /** One line naming the failure for the message when giving up; must not show secrets. */
        String describe(Exception e);

        /** What to chain as the cause of the give-up exception: {@code e} itself, a redacted copy, or null for none. */
        default Throwable cause(Exception e) {
            return e;
        }
    }

    private final Duration budget;
    private final Duration firstDelay;
    private final Duration maxDelay;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final Failures failures;
    private final AtomicLong retries = new AtomicLong();

    /**
     * @param budget     how long a call may keep trying, from the start of its first attempt;
     *                   zero means a single attempt
     * @param firstDelay the largest pause after the first failure
     * @param maxDelay   the largest pause ever (unless the server asks for longer)
     * @param nanoTime   a monotonic time source in nanoseconds, e.g. {@code System::nanoTime}
     * @param sleeper    how to pause
     * @param random     where the jitter comes from
     * @param failures   which failures are worth another attempt, and how to name them
     */
    public Retry(Duration budget, Duration firstDelay, Duration maxDelay, LongSupplier nanoTime, Sleeper sleeper,
                 RandomGenerator random, Failures failures) {
        if (budget.isNegative() || firstDelay.isNegative() || maxDelay.compareTo(firstDelay) < 0) {
            throw new IllegalArgumentException("bad retry timing: budget " + budget + ", first delay " + firstDelay
                    + ", max delay " + maxDelay);
        }
        this.budget = budget;
        this.firstDelay = firstDelay;
        this.maxDelay = maxDelay;
        this.nanoTime = Objects.requireNonNull(nanoTime);
        this.sleeper = Objects.requireNonNull(sleeper);
        this.random = Objects.requireNonNull(random);
        this.failures = Objects.requireNonNull(failures);
    }

    /** The budget of one call. */
    public Duration budget() {
        return budget;
    }

    /** How many attempts were made again after a transient failure, over all calls so far. */
    public long retries() {
        return retries.get();
    }

    /** Runs {@code attempt} until it succeeds; see {@link #run(String, BooleanSupplier, Attempt)}. */
    public <T> T run(String call, Attempt<T> attempt) throws IOException {
        return run(call, () -> false, attempt);
    }

    /**
     * Runs {@code attempt} until it returns or throws a failure that is not transient
     * (which propagates as it is).
     *
     * @param call      what is being done, for the messages, e.g.
     *                  "S3 PUT of data/ab/abcd in s3://bucket/prefix"
     * @param cancelled checked before every retry: once it is true the last failure
     *                  propagates without further attempts (e.g. another part of the same
     *                  upload failed)
     * @throws IOException           naming {@code call} once the budget is spent
     * @throws InterruptedIOException if a pause is interrupted (the interrupt flag is kept)
     */
    public <T> T run(String call, BooleanSupplier cancelled, Attempt<T> attempt) throws IOException {
        long start = nanoTime.getAsLong();
        for (int n = 1; ; n++) {
            try {
                return attempt.run(n);
            } catch (IOException | RuntimeException e) {
                if (!failures.isTransient(e) || cancelled.getAsBoolean()) {
                    throw e;
                }
                Duration pause = max(pause(n), failures.minimumWait(e));
                Duration spent = Duration.ofNanos(nanoTime.getAsLong() - start);
                if (spent.plus(pause).compareTo(budget) > 0) {
                    throw new IOException(call + " failed: gave up after " + n + (n == 1 ? " attempt" : " attempts")
                            + " in " + human(spent) + " (retry budget " + human(budget) + "); last error: "
                            + failures.describe(e), failures.cause(e));
                }
                retries.incrementAndGet();
                sleep(call, pause);
            }
        }
    }

    /**
     * The pause after failed attempt {@code n} before any minimum the server asked for:
     * drawn uniformly from {@code [0, min(maxDelay, firstDelay * 2^(n-1))]}.
     */
    public Duration pause(int n) {
        long cap = firstDelay.toNanos();
        for (int i = 1; i < n && cap < maxDelay.toNanos(); i++) {
            cap *= 2;
        }
        cap = Math.min(cap, maxDelay.toNanos());
        return cap == 0 ? Duration.ZERO : Duration.ofNanos(random.nextLong(cap + 1));
    }

    private static Duration max(Duration a, Duration b) {
        return b == null || a.compareTo(b) >= 0 ? a : b;
    }

    private void sleep(String call, Duration pause) throws InterruptedIOException {
        try {
            sleeper.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(call + " was interrupted while waiting to retry");
        }
    }

    /** A duration as people write it: {@code 4m30s}, {@code 12.5s}, {@code 0.2s}. */
    public static String human(Duration d) {
        long minutes = d.toMinutes();
        double seconds = (d.toMillis() - minutes * 60_000) / 1000.0;
        String s = seconds == Math.rint(seconds) ? String.valueOf((long) seconds)
                : String.format(Locale.ROOT, "%.1f", seconds);
        return minutes == 0 ? s + "s" : minutes + "m" + s + "s";
    }
}
