package io.lifeboat.dr.replicate;

import io.lifeboat.core.storage.BlobStore;
import io.lifeboat.core.storage.HookedBlobStore;
import io.lifeboat.core.storage.local.LocalBlobStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A replication that is killed with SIGKILL at a chosen write to the target (no shutdown
 * hooks, no {@code finally}, other threads cut off wherever they are), just before or just
 * after its N-th put reaches the store. Run in a child JVM by
 * {@link InterruptedReplicationTest}: the child prints each write as it starts
 * ({@code write N NAME}) and {@code kill-point N} where it is to die, then waits; the test
 * kills it on reading that line. With N beyond the run's writes it completes and exits 0.
 *
 * <p>Usage: {@code KilledReplication SOURCE TARGET N before|after}
 */
public final class KilledReplication {
    static final int KILLED = 137;
    static final String KILL_POINT = "kill-point ";

    private KilledReplication() {}

    public static void main(String[] args) throws IOException {
        BlobStore source = new LocalBlobStore(Path.of(args[0]));
        BlobStore target = new Halting(LocalBlobStore.create(Path.of(args[1])), Integer.parseInt(args[2]),
                args[3].equals("after"));
        new Replicator(source, target, Replicator.Options.defaults().withThreads(2), Replicator.Listener.NONE).run();
    }

    /** The child's exit status and output. */
    record Run(int exit, String output) {
        long writes() {
            return output.lines().filter(l -> l.startsWith("write ")).count();
        }
    }

    /** Runs a child and kills it with SIGKILL as soon as it prints its kill point. */
    static Run run(Path source, Path target, int at, String when) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), KilledReplication.class.getName(),
                source.toString(), target.toString(), Integer.toString(at), when).redirectErrorStream(true);
        Process p = pb.start();
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                out.append(line).append('\n');
                if (line.startsWith(KILL_POINT)) {
                    p.toHandle().destroyForcibly(); // SIGKILL, leaving the output stream to read to its end
                }
            }
        }
        return new Run(p.waitFor(), out.toString());
    }

    /** Counts puts, printing each; at the chosen one stops its thread until the parent's SIGKILL arrives. */
    private static final class Halting extends HookedBlobStore {
        private final int at;
        private final boolean after;
        private int writes;

        Halting(BlobStore delegate, int at, boolean after) {
            super(delegate);
            this.at = at;
            this.after = after;
        }

        private synchronized int starting(String name) {
            int n = ++writes;
            System.out.println("write " + n + " " + name);
            maybeDie(n, false);
            return n;
        }

        private void maybeDie(int n, boolean done) {
            if (n == at && done == after) {
                System.out.println(KILL_POINT + n);
                System.out.flush();
                try {
                    Thread.sleep(Long.MAX_VALUE); // until the SIGKILL (before a write, holding the lock: no other write starts)
                } catch (InterruptedException e) {
                    Runtime.getRuntime().halt(KILLED);
                }
            }
        }

        @Override
        public boolean putIfAbsent(String name, byte[] data, int offset, int length) throws IOException {
            int n = starting(name);
            boolean created = super.putIfAbsent(name, data, offset, length);
            maybeDie(n, true);
            return created;
        }

        @Override
        public boolean putIfAbsent(String name, byte[] data, int offset, int length, Instant retainUntil)
                throws IOException {
            if (retainUntil == null) {
                return putIfAbsent(name, data, offset, length);
            }
            int n = starting(name);
            boolean created = super.putIfAbsent(name, data, offset, length, retainUntil);
            maybeDie(n, true);
            return created;
        }
    }
}
