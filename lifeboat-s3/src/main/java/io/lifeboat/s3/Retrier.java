package io.lifeboat.s3;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Runs a call again after transient failures, with exponential backoff and full jitter,
 * until it succeeds, fails for good, or has spent its time budget.
 *
 * <p>Attempt {@code n} (from 1) that fails transiently is followed by a pause drawn
 * uniformly from {@code [0, min(maxDelay, firstDelay * 2^(n-1))]}. Before pausing, the
 * retrier checks that the pause ends within the budget, counted from the start of the
 * first attempt; if it would not, it gives up with an {@link IOException} that names the
 * call, the number of attempts, the time spent and the last failure. Time and pauses come
 * from an injected clock and {@link Sleeper}, so tests prove the bound without waiting.
 *
 * <p>Thread-safe: it keeps no state between calls, and its random generator is only
 * drawn from.
 */
final class Retrier {
    /** Waits between attempts; tests pass one that advances a fake clock. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /** One attempt at a call; {@code attempt} counts from 1. */
    @FunctionalInterface
    interface Attempt<T> {
        T run(int attempt) throws IOException;
    }

    private final Duration budget;
    private final Duration firstDelay;
    private final Duration maxDelay;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final S3Failures failures;

    /**
     * @param budget           how long a call may keep trying, from its first attempt
     * @param firstDelay       the largest pause after the first failure
     * @param maxDelay         the largest pause ever
     * @param failures         which failures are worth another attempt, and how to name them
     */
    Retrier(Duration budget, Duration firstDelay, Duration maxDelay, LongSupplier nanoTime, Sleeper sleeper,
            RandomGenerator random, S3Failures failures) {
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
    Duration budget() {
        return budget;
    }

    /** Runs {@code attempt} until it succeeds; see {@link #run(String, BooleanSupplier, Attempt)}. */
    <T> T run(String call, Attempt<T> attempt) throws IOException {
        return run(call, () -> false, attempt);
    }

    /**
     * Runs {@code attempt} until it returns or throws a failure that is not transient
     * (which propagates as it is).
     *
     * @param call      what is being done, for the message when giving up, e.g.
     *                  "S3 PUT of data/ab/abcd in s3://bucket/prefix"
     * @param cancelled checked before every retry: once it is true the last failure
     *                  propagates without further attempts (another part of the same
     *                  upload failed)
     * @throws IOException naming {@code call} once the budget is spent
     */
    <T> T run(String call, BooleanSupplier cancelled, Attempt<T> attempt) throws IOException {
        long start = nanoTime.getAsLong();
        for (int n = 1; ; n++) {
            try {
                return attempt.run(n);
            } catch (IOException | RuntimeException e) {
                if (!failures.isTransient(e) || cancelled.getAsBoolean()) {
                    throw e;
                }
                Duration pause = pause(n);
                Duration spent = Duration.ofNanos(nanoTime.getAsLong() - start);
                if (spent.plus(pause).compareTo(budget) > 0) {
                    throw new IOException(call + " failed: gave up after " + n + (n == 1 ? " attempt" : " attempts")
                            + " in " + human(spent) + " (retry budget " + human(budget) + "); last error: "
                            + failures.summary(e));
                }
                sleep(call, pause);
            }
        }
    }

    /** The pause after failed attempt {@code n}: full jitter under an exponential cap. */
    Duration pause(int n) {
        long cap = firstDelay.toNanos();
        for (int i = 1; i < n && cap < maxDelay.toNanos(); i++) {
            cap *= 2;
        }
        cap = Math.min(cap, maxDelay.toNanos());
        return cap == 0 ? Duration.ZERO : Duration.ofNanos(random.nextLong(cap + 1));
    }

    private void sleep(String call, Duration pause) throws InterruptedIOException {
        try {
            sleeper.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(call + " was interrupted while waiting to retry");
        }
    }

    /** {@code 4m30s}, {@code 12.5s}, {@code 0.2s}. */
    static String human(Duration d) {
        long minutes = d.toMinutes();
        double seconds = (d.toMillis() - minutes * 60_000) / 1000.0;
        String s = seconds == Math.rint(seconds) ? String.valueOf((long) seconds) : String.format(Locale.ROOT, "%.1f", seconds);
        return minutes == 0 ? s + "s" : minutes + "m" + s + "s";
    }
}
