package io.lifeboat.dr.plan;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Objects;

/**
 * One thing wrong with a plan file, where it is and how bad it is.
 *
 * @param file     the plan file as it was named (for messages), or null
 * @param line     1-based line, 0 if the problem has no place in the file
 * @param column   1-based column, 0 if unknown
 * @param severity an {@link Severity#ERROR} makes the plan unusable; a {@link Severity#WARNING} does not
 * @param message  what is wrong and, where it helps, how to fix it; for people, lower case, no final period
 */
public record Problem(Path file, int line, int column, Severity severity, String message) {
    /** Problems in reading order: by file position, errors before warnings at the same place. */
    public static final Comparator<Problem> IN_FILE_ORDER = Comparator.comparingInt(Problem::line)
            .thenComparingInt(Problem::column).thenComparing(Problem::severity).thenComparing(Problem::message);

    public Problem {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(message, "message");
        if (line < 0 || column < 0) {
            throw new IllegalArgumentException("line and column are 0 (unknown) or more");
        }
    }

    public enum Severity {
        ERROR, WARNING;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** As compilers print it: {@code file:line:column: error: message} (unknown parts left out). */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(file == null ? "<plan>" : file.toString());
        if (line > 0) {
            sb.append(':').append(line);
            if (column > 0) {
                sb.append(':').append(column);
            }
        }
        return sb.append(": ").append(severity).append(": ").append(message).toString();
    }
}
