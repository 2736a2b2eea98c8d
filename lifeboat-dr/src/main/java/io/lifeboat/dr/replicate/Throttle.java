package io.lifeboat.dr.replicate;

import io.lifeboat.core.storage.Retry;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A token bucket shared by every copying thread: {@link #acquire} takes one object's bytes
 * and waits, through the injected sleeper, until the average since the start stays at the
 * rate. Tokens accrue at {@code bytesPerSecond} up to one second's worth (the largest burst
 * after an idle spell); the bucket starts empty. A request larger than the bucket goes into
 * debt and waits for it, so objects larger than a second's bytes (packs on a slow link)
 * still pass, at the rate. Time comes from the injected clock; tests advance a manual clock
 * in the sleeper and never sleep. Thread-safe.
 */
final class Throttle {
    private final long bytesPerSecond;
    private final Clock clock;
    private final Retry.Sleeper sleeper;
    /** Bytes that may pass now; negative while requests already granted are still being paid for. */
    private double tokens;
    private long lastNanos;

    /** @param bytesPerSecond the rate; 0 for no limit */
    Throttle(long bytesPerSecond, Clock clock, Retry.Sleeper sleeper) {
        this.bytesPerSecond = bytesPerSecond;
        this.clock = clock;
        this.sleeper = sleeper;
        this.lastNanos = nanos();
    }

    /** Takes {@code bytes} from the bucket, first waiting as long as it takes to refill it. */
    void acquire(long bytes) throws InterruptedIOException {
        if (bytesPerSecond == 0 || bytes <= 0) {
            return;
        }
        long wait = reserve(bytes);
        if (wait > 0) {
            try {
                sleeper.sleep(Duration.ofNanos(wait));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while keeping to the bandwidth limit");
            }
        }
    }

    /** Books the bytes and returns how long the caller must wait, in nanoseconds. */
    private synchronized long reserve(long bytes) {
        long now = nanos();
        if (now > lastNanos) {
            tokens = Math.min(bytesPerSecond, tokens + (now - lastNanos) * (double) bytesPerSecond / 1e9);
            lastNanos = now;
        }
        tokens -= bytes;
        return tokens >= 0 ? 0 : (long) Math.ceil(-tokens * 1e9 / bytesPerSecond);
    }

    private long nanos() {
        Instant t = clock.instant();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }
}
