package io.lifeboat.bench;

import io.lifeboat.core.storage.BlobStore;
import io.lifeboat.core.storage.BlobStores;
import io.lifeboat.dr.replicate.Replicator;
import java.util.Locale;
import java.util.Map;

/**
 * One replication as a process of its own, as {@code lifeboat replicate} will run it: opens
 * the source and the target by URL (a path, {@code file:}, {@code s3://}, {@code azure://},
 * credentials from the environment as for the CLI) and runs the {@link Replicator} with its
 * defaults. The replication benchmark times this process; the CLI has no replicate command
 * yet. Prints one JSON line: objects and bytes copied, objects already present, seconds.
 *
 * <p>Usage: {@code Replicate SOURCE_URL TARGET_URL [THREADS]}
 */
public final class Replicate {
    private Replicate() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: Replicate SOURCE_URL TARGET_URL [THREADS]");
            System.exit(2);
        }
        Map<String, String> env = System.getenv();
        Replicator.Options options = Replicator.Options.defaults();
        if (args.length == 3) {
            options = options.withThreads(Integer.parseInt(args[2]));
        }
        try (BlobStore source = BlobStores.open(args[0], env, Map.of(), false, false);
             BlobStore target = BlobStores.open(args[1], env, Map.of(), true, false)) {
            Replicator.Result r = new Replicator(source, target, options, Replicator.Listener.NONE).run();
            System.out.printf(Locale.ROOT, "{\"objects\":%d,\"bytes\":%d,\"present\":%d,\"seconds\":%.3f}%n",
                    r.totalCopied().objects(), r.totalCopied().bytes(), r.totalPresent().objects(),
                    r.duration().toNanos() / 1e9);
        }
    }
}
