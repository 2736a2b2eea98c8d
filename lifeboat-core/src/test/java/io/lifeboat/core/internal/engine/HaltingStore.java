package io.lifeboat.core.internal.engine;

import io.lifeboat.core.storage.BlobStore;
import io.lifeboat.core.storage.HookedBlobStore;
import java.io.IOException;
import java.time.Instant;

/**
 * A store for crash tests, used inside a child JVM: just before or just after its N-th put
 * or delete reaches the store it wraps, it prints {@code kill-point N} and stops that
 * thread, and the test, reading the child's output, kills the process with SIGKILL
 * ({@link #run}): no shutdown hooks, no {@code finally}, other threads cut off wherever
 * they are. It prints each write as it starts ({@code write N NAME}, a delete as
 * {@code write N delete NAME}), so that a test can count a run's writes and aim at a kind
 * of write.
 */
final class HaltingStore extends HookedBlobStore {
    /** The exit status of a process killed by SIGKILL, as a shell reports it. */
    static final int KILLED = 137;

    private final int crashAt;
    private final boolean after;
    private int writes;

    /**
     * @param crashAt the write to die at, counting from 1; beyond the run's writes it never dies
     * @param after   die once the write is stored, rather than before it reaches the store
     */
    HaltingStore(BlobStore delegate, int crashAt, boolean after) {
        super(delegate);
        this.crashAt = crashAt;
        this.after = after;
    }

    /** Counts a write (printing it) and halts if it is the chosen one and not yet done; returns its number. */
    private synchronized int starting(String what) {
        int n = ++writes;
        System.out.println("write " + n + " " + what);
        maybeDie(n, false);
        return n;
    }

    private void maybeDie(int n, boolean done) {
        if (done == after && n == crashAt) {
            System.out.println(KILL_POINT + n);
            System.out.flush();
            try {
                Thread.sleep(Long.MAX_VALUE); // until the SIGKILL; no other write starts meanwhile (see starting)
            } catch (InterruptedException e) {
                Runtime.getRuntime().halt(KILLED);
            }
            Runtime.getRuntime().halt(KILLED);
        }
    }

    /** The line a child prints where it is to be killed. */
    static final String KILL_POINT = "kill-point ";

    /** A child's exit status and output. */
    record Result(int exit, String output) {}

    /**
     * Runs a child JVM whose store is a {@code HaltingStore}, and kills it with SIGKILL
     * ({@link Process#destroyForcibly}) as soon as it prints its kill point.
     */
    static Result run(ProcessBuilder pb) throws IOException, InterruptedException {
        pb.redirectErrorStream(true);
        Process p = pb.start();
        StringBuilder out = new StringBuilder();
        try (java.io.BufferedReader r = new java.io.BufferedReader(
                new java.io.InputStreamReader(p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                out.append(line).append('\n');
                if (line.startsWith(KILL_POINT)) {
                    p.toHandle().destroyForcibly(); // SIGKILL; Process.destroyForcibly would also close the output we read
                }
            }
        }
        return new Result(p.waitFor(), out.toString());
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
            return putIfAbsent(name, data, offset, length); // counted there
        }
        int n = starting(name);
        boolean created = super.putIfAbsent(name, data, offset, length, retainUntil);
        maybeDie(n, true);
        return created;
    }

    @Override
    public boolean delete(String name) throws IOException {
        int n = starting("delete " + name);
        boolean deleted = super.delete(name);
        maybeDie(n, true);
        return deleted;
    }
}
