package io.lifeboat.s3;

import io.lifeboat.core.storage.ObjectLockedException;
import io.lifeboat.core.storage.Retry;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.file.FileSystemException;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * What the S3 backend knows about failures: which are transient (worth another attempt)
 * and how to name one in a message without leaking a credential.
 *
 * <p>Transient: throttling (429, 503 SlowDown), server errors (5xx but 501 Not
 * Implemented), request timeouts, a conflicting conditional write in progress (409
 * ConditionalRequestConflict, OperationAborted), and every failure to talk to the server
 * at all (refused or reset connections, timeouts, truncated bodies). Everything else
 * (403, 404, 412, 416, malformed requests, missing credentials) fails at once.
 *
 * <p>Messages are built from the status, the S3 error code and message and the root
 * cause's text, with every credential value this store was given masked out. SDK
 * exceptions are never attached as causes, so no message further down a chain can carry
 * what was masked here.
 */
final class S3Failures {
    private static final Set<String> TRANSIENT_CODES = Set.of("SlowDown", "Throttling", "ThrottlingException",
            "RequestTimeout", "RequestTimeTooSkewed", "InternalError", "ServiceUnavailable",
            "ConditionalRequestConflict", "OperationAborted", "RequestLimitExceeded", "TooManyRequests");

    /** An I/O failure found inside an attempt that another attempt would not fix. */
    static final class PermanentIOException extends IOException {
        PermanentIOException(String message) {
            super(message);
        }
    }

    /** What the SDK appends to its messages; Lifeboat counts attempts itself. */
    private static final Pattern ATTEMPT_COUNT = Pattern.compile(" \\(SDK Attempt Count: \\d+\\)");

    private final List<String> secrets;

    /** @param secrets values never to show (keys, tokens); short ones are ignored */
    S3Failures(Collection<String> secrets) {
        this.secrets = secrets.stream().filter(s -> s != null && s.length() >= 4).distinct().toList();
    }

    /** Whether another attempt may succeed. */
    boolean isTransient(Throwable e) {
        if (e instanceof AwsServiceException s) {
            int status = s.statusCode();
            String code = errorCode(s);
            return status == 429 || (status >= 500 && status != 501) || TRANSIENT_CODES.contains(code);
        }
        if (e instanceof AbortedException) {
            return false; // the thread was interrupted
        }
        if (e instanceof ApiCallAttemptTimeoutException) {
            return true;
        }
        if (e instanceof SdkClientException) {
            return ioCause(e);
        }
        if (e instanceof UncheckedIOException) {
            return true;
        }
        if (e instanceof IOException) {
            return !(e instanceof PermanentIOException || e instanceof EOFException || e instanceof FileSystemException
                    || e instanceof ObjectLockedException
                    || (e instanceof InterruptedIOException && !(e instanceof SocketTimeoutException)));
        }
        return false;
    }

    private static boolean ioCause(Throwable e) {
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c instanceof InterruptedIOException && !(c instanceof SocketTimeoutException)) {
                return false;
            }
            if (c instanceof IOException || c instanceof UncheckedIOException) {
                return true;
            }
        }
        return false;
    }

    /** The HTTP status of a service error, or -1. */
    static int status(Throwable e) {
        return e instanceof AwsServiceException s ? s.statusCode() : -1;
    }

    /** The S3 error code of a service error ({@code NoSuchKey}, {@code SlowDown}), or "". */
    static String errorCode(Throwable e) {
        if (e instanceof AwsServiceException s && s.awsErrorDetails() != null && s.awsErrorDetails().errorCode() != null) {
            return s.awsErrorDetails().errorCode();
        }
        return "";
    }

    /**
     * These rules as the shared {@link Retry} loop asks for them: transient as {@link #isTransient},
     * described by {@link #summary} (which hides the secrets), with no cause chained, as the
     * SDK's own messages are not redacted. S3's Retry-After is not read: no minimum wait.
     */
    Retry.Failures forRetry() {
        return new Retry.Failures() {
            @Override
            public boolean isTransient(Exception e) {
                return S3Failures.this.isTransient(e);
            }

            @Override
            public String describe(Exception e) {
                return summary(e);
            }

            @Override
            public Throwable cause(Exception e) {
                return null;
            }
        };
    }

    /** One line for a message: {@code 503 SlowDown: Please reduce your request rate.} or the root cause's text. */
    String summary(Throwable e) {
        String text;
        if (e instanceof AwsServiceException s) {
            String message = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorMessage();
            text = s.statusCode() + (errorCode(s).isEmpty() ? "" : " " + errorCode(s))
                    + (message == null || message.isBlank() ? "" : ": " + message)
                    + (s.requestId() == null ? "" : " (request id " + s.requestId() + ")");
        } else {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String outer = e.getMessage() == null ? e.getClass().getSimpleName()
                    : ATTEMPT_COUNT.matcher(e.getMessage()).replaceAll("");
            String inner = root == e || root.getMessage() == null || outer.contains(root.getMessage()) ? ""
                    : " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
            text = outer + inner;
        }
        return redact(text);
    }

    /** An exception for a call that failed for good. */
    IOException failure(String call, Throwable e) {
        return new IOException(call + " failed: " + summary(e));
    }

    /** {@code text} with every credential value replaced by {@code ***}. */
    String redact(String text) {
        String out = text;
        for (String s : secrets) {
            out = out.replace(s, "***");
        }
        return out;
    }
}
