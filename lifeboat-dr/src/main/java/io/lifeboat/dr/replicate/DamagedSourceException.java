package io.lifeboat.dr.replicate;

import io.lifeboat.core.IntegrityException;

/**
 * Objects at the source of a replication failed verification: their bytes do not hash to
 * their names. They were not copied; everything that could be copied without making the
 * replica inconsistent was (see {@link Replicator}). The command line maps it, as every
 * {@link IntegrityException}, to exit code 10. {@link #objectName()} is the first damaged
 * object; {@link #result()} lists them all.
 */
public final class DamagedSourceException extends IntegrityException {
    private final transient Replicator.Result result;

    DamagedSourceException(String source, Replicator.Result result) {
        super(firstName(result), message(source, result));
        this.result = result;
    }

    /** What the run copied, with every damaged object in {@link Replicator.Result#damaged()}. */
    public Replicator.Result result() {
        return result;
    }

    private static String firstName(Replicator.Result result) {
        String first = result.damaged().get(0);
        return first.substring(0, first.indexOf(':'));
    }

    private static String message(String source, Replicator.Result result) {
        int n = result.damaged().size();
        StringBuilder b = new StringBuilder();
        b.append(n == 1 ? "this object" : "this and " + (n - 1) + " more objects").append(" of the repository at ")
                .append(source).append(n == 1 ? " is" : " are").append(" damaged and ").append(n == 1 ? "was" : "were")
                .append(" not copied");
        if (!result.notCopied().isEmpty()) {
            b.append("; not copied either, to keep the replica consistent: ").append(result.notCopied().stream()
                    .map(p -> p.name().toLowerCase(java.util.Locale.ROOT)).toList());
        }
        return b.append(". Run 'lifeboat check --read-data' there").toString();
    }
}
