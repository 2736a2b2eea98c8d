package io.lifeboat.azure;

import com.azure.core.exception.HttpResponseException;
import com.azure.storage.blob.models.BlobStorageException;
import io.lifeboat.core.storage.Retry;
import java.io.IOException;
import java.time.Duration;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads Azure SDK exceptions: status, error code, whether a retry can help, and a short safe description. */
final class AzureErrors {
    private AzureErrors() {}

    /** The HTTP status of a service answer, or -1 if the call got none (a connection error). */
    static int status(Throwable e) {
        if (e instanceof HttpResponseException h && h.getResponse() != null) {
            return h.getResponse().getStatusCode();
        }
        return -1;
    }

    /** Azure's error code ({@code BlobNotFound}, {@code ServerBusy}...), or null. */
    static String code(Throwable e) {
        if (e instanceof BlobStorageException b && b.getErrorCode() != null) {
            return b.getErrorCode().toString();
        }
        if (e instanceof HttpResponseException h && h.getResponse() != null) {
            return h.getResponse().getHeaderValue("x-ms-error-code");
        }
        return null;
    }

    static boolean is(Throwable e, int status, String... codes) {
        if (status(e) != status) {
            return false;
        }
        if (codes.length == 0) {
            return true;
        }
        String code = code(e);
        for (String c : codes) {
            if (c.equalsIgnoreCase(code)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Azure's failures as the shared {@link Retry} loop asks for them: the SDK's unchecked
     * errors that {@link #retryable} says a retry can help (Lifeboat's own IOExceptions never),
     * waiting at least what Retry-After asks, described and chained without secrets.
     */
    static Retry.Failures forRetry(Redactor redactor) {
        return new Retry.Failures() {
            @Override
            public boolean isTransient(Exception e) {
                return e instanceof RuntimeException && retryable(e);
            }

            @Override
            public Duration minimumWait(Exception e) {
                return Duration.ofMillis(retryAfterMillis(e));
            }

            @Override
            public String describe(Exception e) {
                return AzureErrors.describe(e, redactor);
            }

            @Override
            public Throwable cause(Exception e) {
                return redactor.redacted(e);
            }
        };
    }

    /**
     * Whether the same request may succeed later: throttling (429, 503 ServerBusy), other
     * server errors, request timeouts, and connection failures (reset, refused, timed out).
     * Not: client errors, and an unknown host (a misspelt account answers the same next time).
     */
    static boolean retryable(Throwable e) {
        int status = status(e);
        if (status >= 0) {
            return status == 408 || status == 429 || (status >= 500 && status != 501 && status != 505);
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof UnknownHostException) {
                return false;
            }
            if (c instanceof IOException || c instanceof TimeoutException) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    /** The delay a throttled answer asks for ({@code x-ms-retry-after-ms} or {@code Retry-After} seconds), or 0. */
    static long retryAfterMillis(Throwable e) {
        if (!(e instanceof HttpResponseException h) || h.getResponse() == null) {
            return 0;
        }
        try {
            String ms = h.getResponse().getHeaderValue("x-ms-retry-after-ms");
            if (ms != null) {
                return Math.max(0, Long.parseLong(ms.trim()));
            }
            String s = h.getResponse().getHeaderValue("Retry-After");
            if (s != null) {
                return Math.max(0, Long.parseLong(s.trim()) * 1000);
            }
        } catch (NumberFormatException ignored) {
            // an HTTP date or garbage: use our own backoff
        }
        return 0;
    }

    /** A one-line description, credentials removed: {@code 503 ServerBusy (The server is busy.)} or the connection error. */
    static String describe(Throwable e, Redactor redactor) {
        int status = status(e);
        if (status >= 0) {
            String code = code(e);
            String message = serviceMessage(e.getMessage());
            return redactor.clean(status + (code == null ? "" : " " + code) + (message == null ? "" : " (" + message + ")"));
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return redactor.clean(root.getClass().getSimpleName() + (message == null ? "" : ": " + firstLine(message)));
    }

    private static final Pattern MESSAGE = Pattern.compile("<Message>(.*?)</Message>", Pattern.DOTALL);

    /** The first line of the service's own message in an error body ({@code <Message>...</Message>}), or null. */
    private static String serviceMessage(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = MESSAGE.matcher(text);
        return m.find() ? firstLine(m.group(1)) : null;
    }

    private static String firstLine(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        String line = s.strip().lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
