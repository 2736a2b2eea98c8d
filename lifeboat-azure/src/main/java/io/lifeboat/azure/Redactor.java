package io.lifeboat.azure;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Keeps credentials out of messages. Azure SDK exceptions can carry request URLs with SAS
 * query strings, connection strings or headers; everything this module puts in an
 * exception message, or chains as a cause, goes through {@link #clean} or
 * {@link #redacted} first.
 *
 * <p>Two nets: the store's own secrets (the account key, the SAS token, the connection
 * string), removed wherever they appear, also URL-encoded; and patterns that catch any
 * signature ({@code sig=}, {@code AccountKey=}, {@code SharedAccessSignature=}, a
 * SharedKey authorization header), whoever's it is.
 */
final class Redactor {
    static final String MASK = "[REDACTED]";

    private static final List<Pattern> PATTERNS = List.of(
            Pattern.compile("(?i)(\\bsig=)[^&\\s\"'<>;]+"),
            Pattern.compile("(?i)(\\bAccountKey=)[^;\\s\"'<>]+"),
            Pattern.compile("(?i)(\\bSharedAccessSignature=)[^;\\s\"'<>]+"),
            Pattern.compile("(?i)(\\bSharedKey(?:Lite)?\\s+[^:\\s]+:)[^\\s\"'<>,;]+"));

    private final List<String> secrets;

    Redactor(Collection<String> secrets) {
        List<String> all = new ArrayList<>();
        for (String s : secrets) {
            if (s != null && s.length() >= 4) { // shorter "secrets" would mask ordinary words
                all.add(s);
                all.add(URLEncoder.encode(s, StandardCharsets.UTF_8));
            }
        }
        all.sort(Comparator.comparingInt(String::length).reversed()); // longest first: a whole before its parts
        this.secrets = List.copyOf(all);
    }

    /** {@code text} with every credential replaced by {@value #MASK}. */
    String clean(String text) {
        if (text == null) {
            return null;
        }
        String s = text;
        for (String secret : secrets) {
            s = s.replace(secret, MASK);
        }
        for (Pattern p : PATTERNS) {
            s = p.matcher(s).replaceAll("$1" + MASK);
        }
        return s;
    }

    /**
     * A copy of {@code t} that is safe to chain as a cause and print: its class name and
     * cleaned message, its stack trace, and its causes copied the same way. The original
     * is not kept (its message, or a cause's, may hold a credential).
     */
    IOException redacted(Throwable t) {
        return copy(t, 0);
    }

    private RedactedException copy(Throwable t, int depth) {
        Throwable cause = t.getCause();
        RedactedException copy = new RedactedException(clean(t.getClass().getName()
                + (t.getMessage() == null ? "" : ": " + t.getMessage())),
                cause == null || cause == t || depth > 8 ? null : copy(cause, depth + 1));
        copy.setStackTrace(t.getStackTrace());
        for (Throwable s : t.getSuppressed()) {
            if (depth < 8) {
                copy.addSuppressed(copy(s, depth + 1));
            }
        }
        return copy;
    }

    /** A URL without its query string (where a SAS token would be). */
    static String stripQuery(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?" + MASK;
    }

    /** The stand-in for an exception whose text was cleaned; its message starts with the original class name. */
    static final class RedactedException extends IOException {
        RedactedException(String message, Throwable cause) {
            super(message, cause);
        }

        @Override
        public String toString() {
            return getMessage(); // already "original.Class: message"
        }
    }
}
