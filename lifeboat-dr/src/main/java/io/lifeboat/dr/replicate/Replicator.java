package io.lifeboat.dr.replicate;

import io.lifeboat.core.Id;
import io.lifeboat.core.Repository;
import io.lifeboat.core.RepositoryConfig;
import io.lifeboat.core.RepositoryExistsException;
import io.lifeboat.core.storage.BlobInfo;
import io.lifeboat.core.storage.BlobStore;
import io.lifeboat.core.storage.NoSuchBlobException;
import io.lifeboat.core.storage.Retry;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Copies one repository from a source store to a target store, making the target an exact
 * mirror: the same objects, byte for byte, under the same names, so the same repository id
 * and the same key slots. Any site holding a replica can therefore take over with the
 * passphrase it already has. Works between any two backends (local disk, S3, Azure).
 *
 * <h2>What is copied</h2>
 * Exactly the stored objects the target lacks, found by listing both stores: {@code keys/},
 * {@code data/}, {@code index/}, {@code deleted/}, {@code snapshots/}, {@code policy/},
 * {@code catalog/}, {@code claims/} and {@code config}. The bytes are copied as they are
 * stored, encrypted: the replicator holds no key, and neither the network nor the target
 * ever sees plaintext. <b>Not</b> copied:
 * <ul>
 *   <li>{@code sessions/} and {@code prune/} (format section 18): the state of maintenance
 *       running at the source site. A session marker says a backup or prune is running
 *       <i>there</i>; a prune plan says what a prune <i>there</i> will delete once those
 *       sessions end. Both live for minutes to hours and are deleted at the source, and
 *       replication does not mirror deletions: copied, they would make a replica's prune
 *       wait for backups that never run at the replica, and doom packs there for good.</li>
 *   <li>Names in those directories that are not repository objects (format section 4); they
 *       are reported ({@link Listener#skipped}, {@link Result#skipped()}). Names outside
 *       the format's directories are not listed at all.</li>
 * </ul>
 * Deletions are not mirrored: an object deleted at the source (by prune, undelete or key
 * removal) stays at the target ({@link Lag#surplus()} counts them). The replicator holds no
 * key, so it cannot announce itself with a session marker at the target: the target must
 * not be pruned while a replication into it runs.
 *
 * <h2>Order: a replica is consistent at every instant</h2>
 * Objects become visible at the target in dependency order, one {@link Phase} after the
 * other, each phase complete and durable before the next starts: key slots, packs, index
 * files, tombstones, snapshots, then the catalog and raised locks, and on a first copy the
 * {@code config} last (as {@code init} does), so an interrupted first copy is not yet a
 * repository. The source is listed in the reverse order (see {@link Inventory}). So at any
 * moment, even after the process is killed, every snapshot a replica lists has its index
 * files and packs, and the next run completes it: resumable by construction, since the
 * listings show what is already there.
 *
 * <p>If an index file listed at the source is gone when it is read, the source was pruned
 * meanwhile (compaction replaced it); its replacement may locate blobs the snapshots need.
 * The run then stops before the snapshots and starts a new pass with fresh listings (at
 * most {@value #MAX_PASSES} passes; then it fails, asking to run again later).
 *
 * <h2>Verification on arrival</h2>
 * Every object's name is the SHA-256 of its bytes (format section 17): each object read
 * from the source is hashed before it is written, and one that does not match is damaged
 * at the source. It is not copied, it is reported, and the run ends with a
 * {@link DamagedSourceException} (exit 10 at the command line). Since the replicator cannot
 * read index files (they are encrypted), damage among the packs stops the run before the
 * index phase (a copied index file could name the damaged pack), and damage among the index
 * files stops it before the snapshots; damage elsewhere is reported and the run goes on.
 * {@code config} is verified by parsing it.
 *
 * <h2>Retention locks</h2>
 * An object locked at the source (its retention date in the future by the options' clock)
 * is stored locked until the same date when the target {@linkplain BlobStore#supportsRetention()
 * can hold locks}; otherwise it is stored unlocked and counted
 * ({@link Result#locksDropped()}), for the caller to warn about.
 *
 * <h2>Errors and threads</h2>
 * A storage failure is an {@link IOException} naming the object; the run stops at once
 * (copies in flight finish, none starts), leaving the target consistent. Each phase copies
 * on {@link Options#threads()} threads, holding at most a bounded number of bytes in memory
 * (a quarter of the heap, 16 to 256 MiB; an object larger than that is copied alone). An
 * instance runs once at a time; the listener is called from the copying threads.
 */
public final class Replicator {
    /** Passes over the source before giving up on one that keeps being pruned under us. */
    static final int MAX_PASSES = 3;

    private final BlobStore source;
    private final BlobStore target;
    private final Options options;
    private final Listener listener;
    private final MemoryBudget memory;

    /**
     * @param source   the store holding the repository to copy
     * @param target   the store to make a replica: empty, an interrupted first copy, or a replica of the same repository
     * @param options  threads, bandwidth, dry run
     * @param listener progress
     */
    public Replicator(BlobStore source, BlobStore target, Options options, Listener listener) {
        this(source, target, options, listener, new MemoryBudget(MemoryBudget.DEFAULT));
    }

    Replicator(BlobStore source, BlobStore target, Options options, Listener listener, MemoryBudget memory) {
        this.source = Objects.requireNonNull(source, "source");
        this.target = Objects.requireNonNull(target, "target");
        this.options = Objects.requireNonNull(options, "options");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.memory = memory;
    }

    // ---- the API's values

    /**
     * How a replication runs.
     *
     * @param threads        objects copied at once, 1 to 256 (default 8: object stores reward parallel requests)
     * @param bytesPerSecond the bandwidth limit over all threads, in bytes per second; 0 for none
     * @param dryRun         list and compare only: report what would be copied, copy nothing
     * @param clock          judges retention dates and paces the bandwidth limit
     * @param sleeper        waits for the bandwidth limit; tests pass one that advances a manual clock
     */
    public record Options(int threads, long bytesPerSecond, boolean dryRun, Clock clock, Retry.Sleeper sleeper) {
        public Options {
            if (threads < 1 || threads > 256) {
                throw new IllegalArgumentException("threads must be from 1 to 256, not " + threads);
            }
            if (bytesPerSecond < 0) {
                throw new IllegalArgumentException("a bandwidth limit cannot be negative: " + bytesPerSecond);
            }
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(sleeper, "sleeper");
        }

        /** 8 threads, no bandwidth limit, a real copy, the system clock. */
        public static Options defaults() {
            return new Options(8, 0, false, Clock.systemUTC(),
                    d -> Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000));
        }

        public Options withThreads(int n) {
            return new Options(n, bytesPerSecond, dryRun, clock, sleeper);
        }

        public Options withBandwidth(long limit) {
            return new Options(threads, limit, dryRun, clock, sleeper);
        }

        public Options withDryRun(boolean dry) {
            return new Options(threads, bytesPerSecond, dry, clock, sleeper);
        }

        public Options withTime(Clock c, Retry.Sleeper s) {
            return new Options(threads, bytesPerSecond, dryRun, c, s);
        }
    }

    /** A number of objects and their bytes. */
    public record Counts(long objects, long bytes) {
        public static final Counts ZERO = new Counts(0, 0);

        public Counts {
            if (objects < 0 || bytes < 0) {
                throw new IllegalArgumentException("negative counts: " + objects + " objects, " + bytes + " bytes");
            }
        }

        public Counts plus(Counts o) {
            return new Counts(objects + o.objects, bytes + o.bytes);
        }

        static Counts of(Collection<BlobInfo> blobs) {
            long bytes = 0;
            for (BlobInfo b : blobs) {
                bytes += b.size();
            }
            return new Counts(blobs.size(), bytes);
        }

        static Counts sum(Map<String, Counts> perDirectory) {
            Counts total = ZERO;
            for (Counts c : perDirectory.values()) {
                total = total.plus(c);
            }
            return total;
        }
    }

    /**
     * How far a replica is behind its source, from listings only.
     *
     * @param missing per directory ({@code keys}, {@code data}, ..., {@code config}), in copying order:
     *                what the source holds and the target lacks
     * @param surplus per directory: what the target holds and the source no longer does (deletions
     *                are not mirrored)
     */
    public record Lag(Map<String, Counts> missing, Map<String, Counts> surplus) {
        public Lag {
            missing = Collections.unmodifiableMap(new LinkedHashMap<>(missing));
            surplus = Collections.unmodifiableMap(new LinkedHashMap<>(surplus));
        }

        /** Everything the target lacks. */
        public Counts total() {
            return Counts.sum(missing);
        }

        /** Whether the target holds every object of the source. */
        public boolean upToDate() {
            return total().objects() == 0;
        }
    }

    /**
     * What a run did.
     *
     * @param dryRun       nothing was copied; {@code copied} is what would have been
     * @param created      the target became a repository in this run (its {@code config} was copied;
     *                     in a dry run: would be)
     * @param copied       per directory, in copying order: objects stored at the target by this run
     * @param present      per directory: objects the target already had (or another writer stored meanwhile)
     * @param damaged      source objects whose bytes do not match their name, not copied (one line each)
     * @param skipped      names at the source that are not repository objects, not copied
     * @param notCopied    phases not run because of damage in an earlier one (empty when all ran)
     * @param vanished     objects listed at the source and deleted there before they were read
     * @param locksDropped objects locked at the source stored unlocked, because the target cannot lock
     * @param passes       passes over the source (more than one when a prune changed it meanwhile)
     * @param duration     wall time of the run
     */
    public record Result(boolean dryRun, boolean created, Map<String, Counts> copied, Map<String, Counts> present,
                         List<String> damaged, List<String> skipped, List<Phase> notCopied, long vanished,
                         long locksDropped, int passes, Duration duration) {
        public Result {
            copied = Collections.unmodifiableMap(new LinkedHashMap<>(copied));
            present = Collections.unmodifiableMap(new LinkedHashMap<>(present));
            damaged = List.copyOf(damaged);
            skipped = List.copyOf(skipped);
            notCopied = List.copyOf(notCopied);
        }

        /** Every object and byte copied. */
        public Counts totalCopied() {
            return Counts.sum(copied);
        }

        /** Every object the target already had. */
        public Counts totalPresent() {
            return Counts.sum(present);
        }
    }

    /**
     * Progress of a run. {@link #copied}, {@link #damaged} and {@link #skipped} are called
     * from the copying threads, concurrently: implementations must be thread-safe and quick.
     */
    public interface Listener {
        Listener NONE = new Listener() { };

        /** A pass begins, after the listings: what the target lacks, which this pass will copy. */
        default void started(Lag plan) {
        }

        /** A phase begins (phases of nothing to copy are announced too). */
        default void phase(Phase phase) {
        }

        /** An object was stored at the target. */
        default void copied(String name, long bytes) {
        }

        /** A source object failed verification and was not copied. */
        default void damaged(String name, String problem) {
        }

        /** A name at the source is not a repository object and was not copied. */
        default void skipped(String name) {
        }
    }

    // ---- lag

    /**
     * What {@code target} lacks of {@code source}'s repository, per directory, without copying
     * anything: the listings and the two configs only. For a target that is not yet a
     * repository, everything (the config included) is missing.
     *
     * @throws io.lifeboat.core.RepositoryNotFoundException if the source holds no repository
     * @throws io.lifeboat.core.UnsupportedFormatException if either holds a newer format
     * @throws RepositoryExistsException if the target holds another repository
     */
    public static Lag lag(BlobStore source, BlobStore target) throws IOException {
        RepositoryConfig config = Repository.readConfig(source);
        requireSameRepository(config, source, target);
        Inventory inv = Inventory.take(source, target);
        return new Lag(inv.missingCounts(), inv.surplus);
    }

    // ---- the run

    /**
     * Copies what the target lacks; see the class comment for the order and the guarantees.
     *
     * @return what was copied
     * @throws io.lifeboat.core.RepositoryNotFoundException if the source holds no repository
     * @throws io.lifeboat.core.UnsupportedFormatException if the source or the target holds a newer format
     * @throws RepositoryExistsException if the target holds another repository, or is not empty and not
     *         an interrupted copy of this one; nothing is copied then
     * @throws DamagedSourceException if source objects failed verification; everything else that could
     *         be copied consistently was, and the exception carries the result
     * @throws IOException if a store fails; the target is consistent and the next run resumes
     */
    public Result run() throws IOException {
        long start = System.nanoTime();
        byte[] configBytes = readSourceConfig();
        RepositoryConfig config = RepositoryConfig.fromJson(configBytes, source.describe());
        boolean targetIsRepository = requireSameRepository(config, source, target);
        if (!targetIsRepository) {
            requireEmptyOrOurs();
        }
        Run run = new Run();
        Inventory inv = null;
        for (int pass = 1; ; pass++) {
            run.passes = pass;
            inv = Inventory.take(source, target);
            listener.started(new Lag(inv.missingCounts(), inv.surplus));
            run.notePresent(inv);
            run.noteSkipped(inv, listener);
            if (options.dryRun()) {
                return dryRunResult(inv, run, start);
            }
            if (copyPhases(inv, run)) {
                break;
            }
            if (pass == MAX_PASSES) {
                throw new IOException("the repository at " + source.describe() + " changed under replication in each of "
                        + MAX_PASSES + " passes (index files replaced: a prune is running there); run again later");
            }
        }
        listener.phase(Phase.CONFIG);
        boolean created = false;
        List<BlobInfo> configMissing = inv.missing.get(RepositoryConfig.NAME);
        if (!configMissing.isEmpty() && run.notCopied.isEmpty()) {
            created = copyConfig(configBytes, configMissing.get(0), run);
        } else if (!configMissing.isEmpty()) {
            run.notCopied.add(Phase.CONFIG); // a first copy stopped by damage is not a repository yet
        }
        Result result = run.result(false, created, Duration.ofNanos(System.nanoTime() - start));
        if (!result.damaged().isEmpty()) {
            throw new DamagedSourceException(source.describe(), result);
        }
        return result;
    }

    private byte[] readSourceConfig() throws IOException {
        Repository.readConfig(source); // refuses a missing repository or a newer format with core's messages
        return source.get(RepositoryConfig.NAME);
    }

    /** Refuses a target holding another repository; returns whether it holds this one. */
    private static boolean requireSameRepository(RepositoryConfig config, BlobStore source, BlobStore target)
            throws IOException {
        if (!Repository.exists(target)) {
            return false;
        }
        RepositoryConfig there = Repository.readConfig(target);
        if (!there.id().equals(config.id())) {
            throw new RepositoryExistsException(target.describe() + " holds another repository (id "
                    + there.id().substring(0, 8) + "), not a replica of " + source.describe() + " (id "
                    + config.id().substring(0, 8) + "); replicate into an empty location or a replica of this repository");
        }
        return true;
    }

    /**
     * A target without a config must be empty or an interrupted first copy of this
     * repository: nothing but repository objects, and only key slots the source has.
     */
    private void requireEmptyOrOurs() throws IOException {
        Set<String> ourKeys = new HashSet<>();
        for (BlobInfo b : source.list(Repository.KEYS + "/")) {
            ourKeys.add(b.name());
        }
        for (BlobInfo b : target.list("")) {
            String dir = Phase.directoryOf(b.name());
            if (dir == null || (dir.equals(Repository.KEYS) && !ourKeys.contains(b.name()))) {
                throw new RepositoryExistsException(target.describe() + " is not empty and not a replica of "
                        + source.describe() + " (it holds " + b.name() + "); replicate into an empty location");
            }
        }
    }

    private Result dryRunResult(Inventory inv, Run run, long start) {
        Map<String, Counts> wouldCopy = inv.missingCounts();
        boolean wouldCreate = !inv.missing.get(RepositoryConfig.NAME).isEmpty();
        return new Result(true, wouldCreate, wouldCopy, Run.inOrder(run.present), List.of(), new ArrayList<>(run.skipped),
                List.of(), 0, 0, run.passes, Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * Runs the phases before the config. Returns false if the source was pruned under us
     * (a listed index file vanished) and another pass is needed.
     */
    private boolean copyPhases(Inventory inv, Run run) throws IOException {
        boolean lockable = target.supportsRetention();
        ExecutorService pool = Executors.newFixedThreadPool(options.threads(), Repository.daemonThreads("lifeboat-replicate"));
        try {
            Throttle throttle = new Throttle(options.bytesPerSecond(), options.clock(), options.sleeper());
            for (Phase phase : Phase.values()) {
                if (phase == Phase.CONFIG) {
                    break;
                }
                listener.phase(phase);
                PhaseRun done = new PhaseRun(run, throttle, lockable);
                done.copyAll(pool, inv.missing(phase));
                if (!done.damaged.isEmpty() && (phase == Phase.PACKS || phase == Phase.INDEX)) {
                    notCopiedAfter(phase, run);
                    return true;
                }
                if (phase == Phase.INDEX && done.vanished.get() > 0) {
                    return false;
                }
            }
            return true;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void notCopiedAfter(Phase phase, Run run) {
        for (Phase p : Phase.values()) {
            if (p.ordinal() > phase.ordinal() && p != Phase.CONFIG) {
                run.notCopied.add(p);
            }
        }
    }

    private boolean copyConfig(byte[] bytes, BlobInfo info, Run run) throws IOException {
        Instant lock = lockFor(info);
        boolean lockable = target.supportsRetention();
        boolean created;
        try {
            created = lock != null && lockable
                    ? target.putIfAbsent(RepositoryConfig.NAME, bytes, 0, bytes.length, lock)
                    : target.putIfAbsent(RepositoryConfig.NAME, bytes);
        } catch (IOException e) {
            throw storing(RepositoryConfig.NAME, e);
        }
        if (lock != null && !lockable) {
            run.locksDropped.incrementAndGet();
        }
        if (created) {
            run.count(run.copied, RepositoryConfig.NAME, bytes.length);
            listener.copied(RepositoryConfig.NAME, bytes.length);
        } else {
            requireSameRepository(RepositoryConfig.fromJson(bytes, source.describe()), source, target);
            run.count(run.present, RepositoryConfig.NAME, bytes.length);
        }
        return created;
    }

    /** The source's retention date for an object, if it is still in the future; else null. */
    private Instant lockFor(BlobInfo info) {
        Instant until = info.retainUntil();
        return until != null && options.clock().instant().isBefore(until) ? until : null;
    }

    private IOException storing(String name, IOException e) {
        if (e instanceof InterruptedIOException) {
            return e;
        }
        return new IOException("replicating " + name + " to " + target.describe() + " failed: " + e.getMessage(), e);
    }

    private IOException reading(String name, IOException e) {
        if (e instanceof InterruptedIOException) {
            return e;
        }
        return new IOException("replicating " + name + ": reading it from " + source.describe() + " failed: "
                + e.getMessage(), e);
    }

    // ---- bookkeeping of one run

    /** What a run has done so far, over its passes; safe for the copying threads. */
    private static final class Run {
        final Map<String, Counts> copied = new ConcurrentHashMap<>();
        final Map<String, Counts> present = new ConcurrentHashMap<>();
        final List<String> damaged = Collections.synchronizedList(new ArrayList<>());
        final Set<String> skipped = Collections.synchronizedSet(new java.util.LinkedHashSet<>());
        final List<Phase> notCopied = new ArrayList<>();
        final AtomicLong vanished = new AtomicLong();
        final AtomicLong locksDropped = new AtomicLong();
        int passes;

        /** Counts, on the first pass only, what the target already had. */
        void notePresent(Inventory inv) {
            if (passes == 1) {
                inv.present.forEach((dir, c) -> present.merge(dir, c, Counts::plus));
            }
        }

        void count(Map<String, Counts> map, String dir, long bytes) {
            map.merge(dir, new Counts(1, bytes), Counts::plus);
        }

        /** Reports, once per run, the names at the source that are not repository objects. */
        void noteSkipped(Inventory inv, Listener listener) {
            for (String name : inv.skipped) {
                if (skipped.add(name)) {
                    listener.skipped(name);
                }
            }
        }

        Result result(boolean dryRun, boolean created, Duration duration) {
            return new Result(dryRun, created, inOrder(copied), inOrder(present), damaged, new ArrayList<>(skipped),
                    notCopied, vanished.get(), locksDropped.get(), passes, duration);
        }

        /** The map's entries in copying order, every directory present. */
        private static Map<String, Counts> inOrder(Map<String, Counts> counts) {
            Map<String, Counts> out = new LinkedHashMap<>();
            for (Phase p : Phase.values()) {
                for (String dir : p.directories()) {
                    out.put(dir, counts.getOrDefault(dir, Counts.ZERO));
                }
            }
            return out;
        }
    }

    /** One phase: its objects copied on the pool, the first failure stopping the rest. */
    private final class PhaseRun {
        private final Run run;
        private final Throttle throttle;
        private final boolean lockable;
        private final AtomicReference<IOException> failure = new AtomicReference<>();
        final List<String> damaged = Collections.synchronizedList(new ArrayList<>());
        final AtomicLong vanished = new AtomicLong();

        PhaseRun(Run run, Throttle throttle, boolean lockable) {
            this.run = run;
            this.throttle = throttle;
            this.lockable = lockable;
        }

        /** Copies every object, waits for all, and throws the first failure (others suppressed in it). */
        void copyAll(ExecutorService pool, List<BlobInfo> objects) throws IOException {
            List<Future<?>> futures = new ArrayList<>(objects.size());
            for (BlobInfo b : objects) {
                futures.add(pool.submit(() -> {
                    copyUnlessFailed(b);
                    return null;
                }));
            }
            try {
                for (Future<?> f : futures) {
                    f.get();
                }
            } catch (InterruptedException e) {
                failure.compareAndSet(null, new InterruptedIOException("replication interrupted"));
                futures.forEach(f -> f.cancel(true));
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                throw new IllegalStateException("a replication thread failed", e.getCause());
            }
            IOException first = failure.get();
            if (first != null) {
                throw first;
            }
        }

        private void copyUnlessFailed(BlobInfo b) {
            if (failure.get() != null) {
                return;
            }
            try {
                copy(b);
            } catch (IOException e) {
                if (!failure.compareAndSet(null, e)) {
                    failure.get().addSuppressed(e);
                }
            }
        }

        private void copy(BlobInfo b) throws IOException {
            int room = memory.take(b.size());
            try {
                throttle.acquire(b.size());
                byte[] bytes = read(b.name());
                if (bytes != null && verified(b.name(), bytes)) {
                    store(b, bytes);
                }
            } finally {
                memory.give(room);
            }
        }

        /** The object's bytes, or null if it was deleted at the source since it was listed. */
        private byte[] read(String name) throws IOException {
            try {
                return source.get(name);
            } catch (NoSuchBlobException e) {
                vanished.incrementAndGet();
                run.vanished.incrementAndGet();
                return null;
            } catch (IOException e) {
                throw reading(name, e);
            }
        }

        private boolean verified(String name, byte[] bytes) {
            String actual = Id.sha256(bytes).hex();
            if (actual.equals(Phase.expectedHash(name))) {
                return true;
            }
            String problem = "content does not match its name (SHA-256 " + actual.substring(0, 16) + "...): damaged at "
                    + source.describe() + ", not copied";
            damaged.add(name);
            run.damaged.add(name + ": " + problem);
            listener.damaged(name, problem);
            return false;
        }

        private void store(BlobInfo b, byte[] bytes) throws IOException {
            Instant lock = lockFor(b);
            boolean created;
            try {
                created = lock != null && lockable
                        ? target.putIfAbsent(b.name(), bytes, 0, bytes.length, lock)
                        : target.putIfAbsent(b.name(), bytes);
            } catch (IOException e) {
                throw storing(b.name(), e);
            }
            String dir = Phase.directoryOf(b.name());
            if (created) {
                if (lock != null && !lockable) {
                    run.locksDropped.incrementAndGet();
                }
                run.count(run.copied, dir, bytes.length);
                listener.copied(b.name(), bytes.length);
            } else {
                run.count(run.present, dir, bytes.length);
            }
        }
    }
}
