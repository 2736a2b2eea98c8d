package io.lifeboat.azure;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one storage request again while it fails in a way a retry can help (see
 * {@link AzureErrors#retryable}): exponential backoff from {@value #BASE_MILLIS} ms,
 * doubling up to {@value #CAP_MILLIS} ms, with jitter (each wait is drawn between half and
 * all of its step) so that many clients throttled together do not return together; longer
 * if the service asks for it (Retry-After). The whole is bounded in time: once the next
 * wait would pass the limit, the request fails with an {@link IOException} that names the
 * operation, the object, the attempts and the last error. Time comes from an injected
 * {@link Clock} and waits go through an injected {@link AzureBlobStore.Sleeper}, so tests
 * prove the bound without sleeping.
 *
 * <p>The SDK's own retries are turned off (one try per call), so this is the only retry
 * loop and the bound is exact, give or take one request's own timeout. Thread-safe.
 */
final class Retrier {
    static final long BASE_MILLIS = 100;
    static final long CAP_MILLIS = 8_000;

    /** One request; SDK calls throw unchecked exceptions, Lifeboat's own checks IOExceptions (never retried). */
    @FunctionalInterface
    interface Request<T> {
        T send() throws IOException;
    }

    private final String where;
    private final Duration limit;
    private final Clock clock;
    private final AzureBlobStore.Sleeper sleeper;
    private final Redactor redactor;
    private final AtomicLong retries = new AtomicLong();

    Retrier(String where, Duration limit, Clock clock, AzureBlobStore.Sleeper sleeper, Redactor redactor) {
        this.where = where;
        this.limit = limit;
        this.clock = clock;
        this.sleeper = sleeper;
        this.redactor = redactor;
    }

    /**
     * Sends {@code request} until it succeeds, fails for good, or the time limit is reached.
     *
     * @param what the operation and object, for the message: {@code put data/3f/3f9a...}
     * @throws RuntimeException the request's own error when a retry cannot help (callers map it)
     * @throws IOException when the time limit is reached, or the wait is interrupted
     */
    <T> T call(String what, Request<T> request) throws IOException {
        Instant start = clock.instant();
        for (int attempt = 1; ; attempt++) {
            try {
                return request.send();
            } catch (RuntimeException e) {
                if (!AzureErrors.retryable(e)) {
                    throw e;
                }
                Duration elapsed = Duration.between(start, clock.instant());
                Duration wait = backoff(attempt, e);
                if (elapsed.plus(wait).compareTo(limit) > 0) {
                    throw new IOException(where + ": " + what + " failed after " + attempt
                            + (attempt == 1 ? " attempt" : " attempts") + " in " + seconds(elapsed) + " (retry limit "
                            + seconds(limit) + "): " + AzureErrors.describe(e, redactor), redactor.redacted(e));
                }
                retries.incrementAndGet();
                sleep(wait, what);
            }
        }
    }

    /** How many requests were sent again so far. */
    long retries() {
        return retries.get();
    }

    private static Duration backoff(int attempt, RuntimeException e) {
        long step = Math.min(CAP_MILLIS, BASE_MILLIS << Math.min(attempt - 1, 20));
        long jittered = step / 2 + ThreadLocalRandom.current().nextLong(step / 2 + 1);
        return Duration.ofMillis(Math.max(jittered, AzureErrors.retryAfterMillis(e)));
    }

    private void sleep(Duration wait, String what) throws InterruptedIOException {
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(where + ": interrupted while waiting to retry " + what);
        }
    }

    private static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
