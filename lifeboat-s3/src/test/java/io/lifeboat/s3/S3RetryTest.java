package io.lifeboat.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.storage.Retry;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The shared {@link Retry} loop with S3's failure rules: what is retried, how it is named, how the budget bounds it. */
class S3RetryTest {
    private final FakeTime time = new FakeTime();
    private final S3Failures failures = new S3Failures(List.of());

    private Retry retrier(Duration budget) {
        return new Retry(budget, Duration.ofMillis(200), Duration.ofSeconds(20), time::nanoTime, time,
                new SplittableRandom(1), failures.forRetry());
    }

    static S3Exception serviceError(int status, String code, String message) {
        return (S3Exception) S3Exception.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build())
                .message(message).build();
    }

    @Test
    void transientFailuresAreRetriedUntilTheCallSucceeds() throws Exception {
        AtomicInteger calls = new AtomicInteger();

        String result = retrier(Duration.ofMinutes(5)).run("S3 PUT of x", attempt -> {
            if (calls.incrementAndGet() == 1) {
                throw serviceError(503, "SlowDown", "Please reduce your request rate.");
            }
            if (attempt == 2) {
                throw SdkClientException.create("Unable to execute HTTP request", new SocketException("Connection reset"));
            }
            if (attempt == 3) {
                throw serviceError(500, "InternalError", "We encountered an internal error.");
            }
            return "done on attempt " + attempt;
        });

        assertThat(result).isEqualTo("done on attempt 4");
        assertThat(time.pauses()).hasSize(3);
    }

    @Test
    void pausesGrowExponentiallyWithFullJitterUnderTheCap() {
        Retry r = retrier(Duration.ofMinutes(5));
        for (int n = 1; n <= 12; n++) {
            long cap = Math.min(20_000, 200L << (n - 1));
            for (int i = 0; i < 50; i++) {
                assertThat(r.pause(n)).isBetween(Duration.ZERO, Duration.ofMillis(cap));
            }
        }
        assertThat(r.pause(40)).isLessThanOrEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void theBudgetBoundsTheTimeSpentAndTheErrorNamesTheCall() {
        Retry r = retrier(Duration.ofMinutes(2));
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> r.run("S3 PUT of data/ab/abcd in s3://bucket/repo", attempt -> {
            calls.incrementAndGet();
            time.advance(Duration.ofMillis(300)); // each attempt takes time too
            throw serviceError(503, "SlowDown", "Please reduce your request rate.");
        }))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("S3 PUT of data/ab/abcd in s3://bucket/repo failed: gave up after " + calls.get())
                .hasMessageContaining("retry budget 2m0s")
                .hasMessageContaining("503 SlowDown: Please reduce your request rate.");

        Duration spent = Duration.ofNanos(time.nanoTime() - 1_000_000_000L);
        assertThat(spent).isLessThanOrEqualTo(Duration.ofMinutes(2));
        assertThat(calls.get()).isGreaterThan(5);
    }

    @Test
    void aZeroBudgetMakesOneAttempt() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> retrier(Duration.ZERO).run("S3 GET of x", attempt -> {
            calls.incrementAndGet();
            throw serviceError(503, "SlowDown", "slow down");
        })).hasMessageContaining("gave up after 1 attempt in 0s");
        assertThat(calls).hasValue(1);
    }

    @Test
    void permanentFailuresPropagateAtOnce() {
        AtomicInteger calls = new AtomicInteger();
        S3Exception denied = serviceError(403, "AccessDenied", "Access Denied");

        assertThatThrownBy(() -> retrier(Duration.ofMinutes(5)).run("S3 GET of x", attempt -> {
            calls.incrementAndGet();
            throw denied;
        })).isSameAs(denied);
        assertThat(calls).hasValue(1);
        assertThat(time.pauses()).isEmpty();
    }

    @Test
    void aCancelledCallStopsRetrying() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> retrier(Duration.ofMinutes(5)).run("S3 PUT of part 2", () -> calls.get() >= 2,
                attempt -> {
                    calls.incrementAndGet();
                    throw serviceError(503, "SlowDown", "slow down");
                })).isInstanceOf(S3Exception.class);
        assertThat(calls).hasValue(2);
    }

    @Test
    void anInterruptedPauseEndsTheCall() {
        Retry r = new Retry(Duration.ofMinutes(1), Duration.ofMillis(200), Duration.ofSeconds(20), time::nanoTime,
                d -> {
                    throw new InterruptedException();
                }, new SplittableRandom(1), failures.forRetry());
        try {
            assertThatThrownBy(() -> r.run("S3 GET of x", attempt -> {
                throw serviceError(500, "InternalError", "oops");
            })).isInstanceOf(InterruptedIOException.class).hasMessageContaining("S3 GET of x");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void whichFailuresAreTransient() {
        assertThat(failures.isTransient(serviceError(503, "SlowDown", ""))).isTrue();
        assertThat(failures.isTransient(serviceError(429, "TooManyRequests", ""))).isTrue();
        assertThat(failures.isTransient(serviceError(500, "InternalError", ""))).isTrue();
        assertThat(failures.isTransient(serviceError(502, "", ""))).isTrue();
        assertThat(failures.isTransient(serviceError(400, "RequestTimeout", ""))).isTrue();
        assertThat(failures.isTransient(serviceError(409, "ConditionalRequestConflict", ""))).isTrue();
        assertThat(failures.isTransient(serviceError(200, "InternalError", ""))).isTrue(); // an error inside a 200
        assertThat(failures.isTransient(SdkClientException.create("x", new SocketException("Connection refused")))).isTrue();
        assertThat(failures.isTransient(new IOException("the response ended after 3 of 10 bytes"))).isTrue();

        assertThat(failures.isTransient(serviceError(501, "NotImplemented", ""))).isFalse();
        assertThat(failures.isTransient(serviceError(412, "PreconditionFailed", ""))).isFalse();
        assertThat(failures.isTransient(serviceError(404, "NoSuchKey", ""))).isFalse();
        assertThat(failures.isTransient(serviceError(403, "AccessDenied", ""))).isFalse();
        assertThat(failures.isTransient(SdkClientException.create("Unable to load credentials"))).isFalse();
        assertThat(failures.isTransient(new java.io.EOFException())).isFalse();
        assertThat(failures.isTransient(new InterruptedIOException())).isFalse();
        assertThat(failures.isTransient(new java.net.SocketTimeoutException())).isTrue();
    }

    @Test
    void durationsReadAsPeopleWriteThem() {
        assertThat(Retry.human(Duration.ofSeconds(270))).isEqualTo("4m30s");
        assertThat(Retry.human(Duration.ofMillis(12_500))).isEqualTo("12.5s");
        assertThat(Retry.human(Duration.ZERO)).isEqualTo("0s");
    }

    @Test
    void summariesNameTheErrorWithoutTheSdksAttemptCount() {
        assertThat(failures.summary(serviceError(503, "SlowDown", "Please reduce your request rate.")))
                .isEqualTo("503 SlowDown: Please reduce your request rate.");
        assertThat(failures.summary(SdkClientException.create("Unable to execute HTTP request: Connection reset"
                + " (SDK Attempt Count: 1)", new SocketException("Connection reset"))))
                .isEqualTo("Unable to execute HTTP request: Connection reset");
        assertThat(failures.summary(SdkClientException.create("Unable to execute HTTP request",
                new java.net.ConnectException("Connection refused"))))
                .isEqualTo("Unable to execute HTTP request (ConnectException: Connection refused)");
    }
}
