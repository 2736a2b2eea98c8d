package io.lifeboat.core.storage.fault;

import io.lifeboat.core.storage.BlobInfo;
import io.lifeboat.core.storage.BlobStore;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A store that delegates to another and injects the faults of real networks and object
 * stores: failed calls, connection resets, lost acknowledgements, truncated reads and
 * latency. Used by tests to prove that Lifeboat survives them, and by DR drills.
 *
 * <ul>
 *   <li><b>error</b>: the call fails with an {@link IOException} before reaching the store
 *       (a 503, a throttled request).</li>
 *   <li><b>reset</b>: the call fails with "Connection reset"; for a write, half of the time
 *       after the blob was stored, so that a retry finds it there.</li>
 *   <li><b>lost ack</b>: a write is stored but reported failed.</li>
 *   <li><b>truncate</b>: a read returns fewer bytes than asked for. This breaks the
 *       {@link BlobStore} contract on purpose: readers must notice by verifying hashes.</li>
 *   <li><b>latency</b>: every call waits first, through an injectable {@link Sleeper}.</li>
 * </ul>
 *
 * Faults are drawn from a seeded generator, so a failing run can be repeated. Thread-safe.
 */
public final class FaultInjectingBlobStore implements BlobStore {
    /** Waits for injected latency; tests pass one that records instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /**
     * Fault rates, each the probability (0 to 1) that one call gets that fault.
     *
     * @param errors    calls that fail before reaching the store
     * @param resets    calls that fail with a connection reset
     * @param lostAcks  writes that are stored but reported failed
     * @param truncated reads that return a prefix of the data
     * @param latency   added to every call
     * @param seed      for the fault generator
     */
    public record Faults(double errors, double resets, double lostAcks, double truncated, Duration latency, long seed) {
        public Faults {
            for (double p : new double[] {errors, resets, lostAcks, truncated}) {
                if (!(p >= 0 && p <= 1)) {
                    throw new IllegalArgumentException("a fault rate is a probability from 0 to 1, not " + p);
                }
            }
            Objects.requireNonNull(latency, "latency");
            if (latency.isNegative()) {
                throw new IllegalArgumentException("negative latency " + latency);
            }
        }

        public static Faults none() {
            return new Faults(0, 0, 0, 0, Duration.ZERO, 1);
        }

        public Faults withErrors(double p) {
            return new Faults(p, resets, lostAcks, truncated, latency, seed);
        }

        public Faults withResets(double p) {
            return new Faults(errors, p, lostAcks, truncated, latency, seed);
        }

        public Faults withLostAcks(double p) {
            return new Faults(errors, resets, p, truncated, latency, seed);
        }

        public Faults withTruncated(double p) {
            return new Faults(errors, resets, lostAcks, p, latency, seed);
        }

        public Faults withLatency(Duration d) {
            return new Faults(errors, resets, lostAcks, truncated, d, seed);
        }

        public Faults withSeed(long s) {
            return new Faults(errors, resets, lostAcks, truncated, latency, s);
        }
    }

    private final BlobStore delegate;
    private volatile Faults faults;
    private final Sleeper sleeper;
    private final SplittableRandom random;
    private final AtomicLong injected = new AtomicLong();

    public FaultInjectingBlobStore(BlobStore delegate, Faults faults, Sleeper sleeper) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.faults = Objects.requireNonNull(faults, "faults");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.random = new SplittableRandom(faults.seed());
    }

    /** With latency spent in {@link Thread#sleep}. */
    public FaultInjectingBlobStore(BlobStore delegate, Faults faults) {
        this(delegate, faults, d -> Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000));
    }

    /** Changes the faults from now on (a drill turns them on and off). */
    public void faults(Faults f) {
        this.faults = Objects.requireNonNull(f, "faults");
    }

    /** How many faults were injected so far. */
    public long injected() {
        return injected.get();
    }

    private boolean roll(double p) {
        if (p <= 0) {
            return false;
        }
        double r;
        synchronized (random) {
            r = random.nextDouble();
        }
        return r < p;
    }

    /** Latency, then an error or a reset before the call reaches the store. */
    private void before(String what) throws IOException {
        Faults f = faults;
        if (!f.latency().isZero()) {
            try {
                sleeper.sleep(f.latency());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted during injected latency");
            }
        }
        if (roll(f.errors())) {
            injected.incrementAndGet();
            throw new IOException("injected fault: service unavailable (" + what + ")");
        }
        if (roll(f.resets() / 2)) {
            injected.incrementAndGet();
            throw new IOException("injected fault: Connection reset (" + what + ")");
        }
    }

    /** After a write reached the store: a reset or a lost acknowledgement. */
    private void afterWrite(String what) throws IOException {
        Faults f = faults;
        if (roll(f.resets() / 2) || roll(f.lostAcks())) {
            injected.incrementAndGet();
            throw new IOException("injected fault: Connection reset after the request was sent (" + what + ")");
        }
    }

    private byte[] maybeTruncate(byte[] data) {
        if (data.length > 0 && roll(faults.truncated())) {
            injected.incrementAndGet();
            int n;
            synchronized (random) {
                n = random.nextInt(data.length);
            }
            return Arrays.copyOf(data, n);
        }
        return data;
    }

    @Override
    public boolean putIfAbsent(String name, byte[] data, int offset, int length) throws IOException {
        before("put " + name);
        boolean created = delegate.putIfAbsent(name, data, offset, length);
        afterWrite("put " + name);
        return created;
    }

    @Override
    public boolean putIfAbsent(String name, byte[] data, int offset, int length, Instant retainUntil) throws IOException {
        before("put " + name);
        boolean created = delegate.putIfAbsent(name, data, offset, length, retainUntil);
        afterWrite("put " + name);
        return created;
    }

    @Override
    public boolean supportsRetention() {
        return delegate.supportsRetention();
    }

    @Override
    public byte[] get(String name) throws IOException {
        before("get " + name);
        return maybeTruncate(delegate.get(name));
    }

    @Override
    public byte[] get(String name, long offset, int length) throws IOException {
        before("get " + name);
        return maybeTruncate(delegate.get(name, offset, length));
    }

    @Override
    public List<BlobInfo> list(String prefix) throws IOException {
        before("list " + prefix);
        return delegate.list(prefix);
    }

    @Override
    public BlobInfo stat(String name) throws IOException {
        before("stat " + name);
        return delegate.stat(name);
    }

    @Override
    public boolean delete(String name) throws IOException {
        before("delete " + name);
        boolean deleted = delegate.delete(name);
        afterWrite("delete " + name);
        return deleted;
    }

    @Override
    public String describe() {
        return delegate.describe() + " (with injected faults)";
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
