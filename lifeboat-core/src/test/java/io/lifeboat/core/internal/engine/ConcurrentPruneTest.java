package io.lifeboat.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.BackupListener;
import io.lifeboat.core.BackupOptions;
import io.lifeboat.core.CheckOptions;
import io.lifeboat.core.Id;
import io.lifeboat.core.ManualClock;
import io.lifeboat.core.Repository;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.internal.chunk.ChunkerParams;
import io.lifeboat.core.internal.crypto.KdfParams;
import io.lifeboat.core.storage.BlobInfo;
import io.lifeboat.core.storage.BlobStore;
import io.lifeboat.core.storage.HookedBlobStore;
import io.lifeboat.core.storage.local.LocalBlobStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups from several hosts and prunes running at the same time, with time injected:
 * prune never deletes a pack that a snapshot, or a backup still in flight, references.
 *
 * <p>The main test has hosts back up their own changing sources (each host its own
 * {@link Repository} instance on one directory, as separate processes would open it, one
 * host with two backups at once) while a pruner, its own instance too, forgets old
 * snapshots and prunes with no grace period and a low waste threshold, round after round.
 * The sources share content across hosts and rounds, and content comes back after its
 * snapshots were forgotten, so that dedup across packs, partly used packs and repacking
 * all come into play. A coordinator moves the shared clock on by more than the allowed
 * clock skew each round, so that plans made in one round fall due in the next while
 * backups are running; some backups are held in their first file while prunes run, or
 * until a prune has run on the far side of a clock step. No backup spans more than one
 * step, far less than {@link Session#FENCE}, and there is one pruner: any failure of a
 * backup or a prune fails the test. At the end, after a last forget and prune to
 * completion, check reads every pack clean, every forgotten snapshot is gone and every
 * other one restores exactly what its source held when it was taken.
 *
 * <p>Three further tests pin interleavings one at a time: a backup that commits while a
 * prune reads the repository; a backup that begins while a prune is still marking, after
 * more than the allowed clock skew (the random run never moves the clock during a prune);
 * and a host that keeps its repository open across a prune that deletes data it had
 * indexed.
 */
class ConcurrentPruneTest {
    private static final Duration SKEW = PruneEngine.DEFAULT_MAX_CLOCK_SKEW;
    /** One round of the coordinator: a plan made in a round is old enough in the next. */
    private static final Duration STEP = SKEW.plusSeconds(1);
    private static final int ROUNDS = 20;
    private static final int BACKUPS_PER_ROUND = 2;
    private static final int PRUNES_PER_ROUND = 3;
    private static final int KEEP_LAST = 2;
    /** How long any one wait on another thread may take before the test calls it stuck. */
    private static final Duration STUCK = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private final ManualClock clock = new ManualClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private Path repoDir;

    @BeforeEach
    void setUp() throws IOException {
        repoDir = Files.createDirectories(tmp.resolve("repo"));
        // 1 MiB packs, so that small files share packs and forgetting some leaves packs partly used.
        Repository.InitOptions options = new Repository.InitOptions(ChunkerParams.DEFAULT, 1024 * 1024,
                KdfParams.TESTING, "test-host", "tester", clock);
        Repository.init(new LocalBlobStore(repoDir, clock), TestRepos.PASSPHRASE, options).close();
    }

    // ---- the random run ---------------------------------------------------------------

    @Test
    void hostsBackUpWhileAPrunerForgetsAndPrunesRoundAfterRound() throws Exception {
        Run run = new Run();
        byte[][] pool = pool(new Random(7));
        Host alpha = new Host("alpha", open());
        Host beta = new Host("beta", open());
        Host gamma = new Host("gamma", open());
        List<Agent> agents = List.of(
                new Agent(run, alpha, "alpha-home", pool, 1, true),
                new Agent(run, alpha, "alpha-models", pool, 2, false),
                new Agent(run, beta, "beta-home", pool, 3, false),
                new Agent(run, gamma, "gamma-home", pool, 4, true));
        Pruner pruner = new Pruner(run, open(), new Random(5));
        List<Thread> threads = new ArrayList<>();
        for (Agent a : agents) {
            threads.add(Thread.ofPlatform().name("backup-" + a.name).start(a::loop));
        }
        threads.add(Thread.ofPlatform().name("pruner").start(pruner::loop));
        try {
            for (int round = 0; round < ROUNDS; round++) {
                run.awaitRoundDone(agents);
                run.advance();
            }
        } finally {
            run.stop();
            for (Thread t : threads) {
                assertThat(t.join(STUCK)).as(t.getName() + " ended").isTrue();
            }
            alpha.repo.close();
            beta.repo.close();
            gamma.repo.close();
            pruner.repo.close();
        }
        run.rethrow();

        // Finish: forget by the same rule, then prune until nothing is planned or waiting.
        try (Repository repo = open()) {
            new Pruner(run, repo, new Random(6)).forgetByRule(false);
            run.pruneWarnings.addAll(finishPrune(repo));
        }

        assertThat(run.packsDeleted).as("packs deleted over the run").isPositive();
        assertThat(run.packsRepacked).as("packs repacked over the run").isPositive();
        assertThat(run.snapshotsRemoved).as("forgotten snapshots removed during the run").isPositive();
        assertThat(run.carriedWhileBackingUp).as("plans carried out while a backup was running throughout")
                .isPositive();
        assertThat(run.waitedForBackup).as("plans that waited for a backup still running").isPositive();
        assertThat(run.packsKept).as("planned packs kept for snapshots of backups that were running").isPositive();
        assertThat(run.pruneWarnings).isEmpty();
        assertThat(Duration.ofSeconds(run.longestBackup.get()))
                .as("no backup ran long enough for its session to expire")
                .isLessThan(Session.FENCE);
        assertThat(run.sourceWarnings).as("no backup met a source changing under it").isEmpty();
        // A backup may list an index file, snapshot or tombstone that a prune removes before
        // it reads it (it stores that data again, or looks past it for a parent); nothing
        // else is expected.
        assertThat(run.repoWarnings).allMatch(w -> w.startsWith(Repository.INDEX + "/")
                || w.startsWith(Repository.SNAPSHOTS + "/") || w.startsWith(Repository.DELETED + "/"));

        assertThat(objects("prune/")).isEmpty();
        assertThat(objects("sessions/")).isEmpty();
        assertThat(objects("deleted/")).isEmpty();
        Set<String> stored = new HashSet<>();
        objects("snapshots/").forEach(b -> stored.add(b.name().substring("snapshots/".length())));
        for (Id gone : run.forgotten) {
            assertThat(stored).as("forgotten snapshot %s removed", gone.shortHex()).doesNotContain(gone.hex());
        }
        Map<Id, Taken> survivors = new HashMap<>(run.taken);
        survivors.keySet().removeAll(run.forgotten);
        assertThat(survivors).isNotEmpty();
        assertCleanAndRestores(survivors);
    }

    /** Prunes, a clock step apart, until a run neither carries out nor plans nor waits; returns their warnings. */
    private List<String> finishPrune(Repository repo) throws IOException {
        List<String> warnings = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            clock.advance(STEP);
            PruneEngine.Report r = new PruneEngine(repo, pruneOptions(), what -> { }).run();
            warnings.addAll(r.warnings());
            if (r.carried() == null && r.planned().plan() == null && r.waiting().isEmpty()) {
                return warnings;
            }
        }
        throw new AssertionError("prune did not settle: every run still found something to do");
    }

    /** No grace period and a low waste threshold, so that forgotten data goes, and packs are repacked, often. */
    private PruneEngine.Options pruneOptions() {
        return new PruneEngine.Options(Duration.ZERO, 0.10, SKEW, false, "pruner", "tester", clock);
    }

    /** What a snapshot must restore to: where its source was and what it held. */
    private record Taken(Path source, Map<String, String> description) {}

    private record Host(String name, Repository repo) {}

    /**
     * State shared by the coordinator, the agents and the pruner, guarded by {@link #lock}:
     * the round, what each thread did in it, and the first failure. The clock moves only
     * under {@link #timeLock}, which a prune holds for its whole run: a plan is stamped and
     * stored within one step of the clock (as it is, in practice, within the allowed skew).
     */
    private final class Run {
        final ReentrantLock lock = new ReentrantLock();
        final Condition changed = lock.newCondition();
        final ReentrantLock timeLock = new ReentrantLock(true);
        int round;
        int prunesThisRound;
        int prunesDone;
        boolean stopping;
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        /** Backups in flight, one token each. */
        final Set<Object> inFlight = ConcurrentHashMap.newKeySet();
        final Map<Id, Taken> taken = new ConcurrentHashMap<>();
        final Set<Id> forgotten = ConcurrentHashMap.newKeySet();
        /** Seconds of injected time the longest backup took, from its start to its snapshot. */
        final AtomicLong longestBackup = new AtomicLong();
        final List<String> sourceWarnings = Collections.synchronizedList(new ArrayList<>());
        final List<String> repoWarnings = Collections.synchronizedList(new ArrayList<>());
        // Tallies, written by the pruner (then the test thread after joining it).
        final List<String> pruneWarnings = new ArrayList<>();
        int packsDeleted;
        int packsRepacked;
        int packsKept;
        int snapshotsRemoved;
        int carriedWhileBackingUp;
        int waitedForBackup;

        void tally(PruneEngine.Report r, boolean backupsThroughout) {
            pruneWarnings.addAll(r.warnings());
            if (r.carried() != null) {
                packsDeleted += r.carried().packsDeleted();
                packsKept += r.carried().packsKept();
                snapshotsRemoved += r.carried().snapshotsRemoved();
                carriedWhileBackingUp += backupsThroughout ? 1 : 0;
            }
            packsRepacked += r.planned().packsRepacked();
            waitedForBackup += r.waiting().stream().anyMatch(w -> w.reason().contains("still running")) ? 1 : 0;
        }

        /** Waits, with the lock held, until {@code done} holds, the run stops or a thread fails. */
        void await(BooleanSupplier done, String what) throws InterruptedException {
            long left = STUCK.toNanos();
            while (!done.getAsBoolean() && !stopping) {
                if (left <= 0) {
                    throw new AssertionError("stuck waiting for " + what + " in round " + round);
                }
                left = changed.awaitNanos(left);
            }
        }

        /** Every agent has finished a backup begun in this round, or is held inside one; the pruner ran twice. */
        void awaitRoundDone(List<Agent> agents) throws InterruptedException {
            lock.lock();
            try {
                await(() -> prunesThisRound >= 2 && agents.stream().allMatch(a -> a.held || a.doneInRound == round),
                        "the round's backups and prunes");
                rethrow();
            } finally {
                lock.unlock();
            }
        }

        void advance() {
            timeLock.lock();
            lock.lock();
            try {
                clock.advance(STEP);
                round++;
                prunesThisRound = 0;
                changed.signalAll();
            } finally {
                lock.unlock();
                timeLock.unlock();
            }
        }

        void stop() {
            lock.lock();
            try {
                stopping = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void fail(Throwable t) {
            failure.compareAndSet(null, t);
            stop();
        }

        void rethrow() {
            Throwable t = failure.get();
            if (t != null) {
                throw new AssertionError("a backup or prune failed: " + t, t);
            }
        }
    }

    /** One source directory and the thread that changes and backs it up, on its host's repository. */
    private final class Agent {
        final Run run;
        final Host host;
        final String name;
        final Path source;
        final Random rnd;
        final byte[][] pool;
        /** Whether two backups in three are held in their first file, across prune runs or a clock step. */
        final boolean holds;
        /** Content this source dropped lately, which may come back. */
        final List<byte[]> dropped = new ArrayList<>();
        // Guarded by run.lock:
        int doneInRound = -1;
        int startedInRound;
        int startedRound = -1;
        boolean held;
        int backups;

        Agent(Run run, Host host, String name, byte[][] pool, long seed, boolean holds) throws IOException {
            this.run = run;
            this.host = host;
            this.name = name;
            this.source = Files.createDirectories(tmp.resolve("src").resolve(name));
            this.rnd = new Random(seed);
            this.pool = pool;
            this.holds = holds;
        }

        void loop() {
            try {
                while (true) {
                    int round = awaitTurn();
                    if (round < 0) {
                        return;
                    }
                    change();
                    backup(round);
                }
            } catch (Throwable t) {
                run.fail(t);
            }
        }

        /** The round this backup begins in, once this agent may begin one; -1 when the run stops. */
        private int awaitTurn() throws InterruptedException {
            run.lock.lock();
            try {
                run.await(() -> startedRound != run.round || startedInRound < BACKUPS_PER_ROUND, name + "'s turn");
                if (run.stopping) {
                    return -1;
                }
                if (startedRound != run.round) {
                    startedRound = run.round;
                    startedInRound = 0;
                }
                startedInRound++;
                return run.round;
            } finally {
                run.lock.unlock();
            }
        }

        private void backup(int round) throws IOException {
            Hold hold;
            run.lock.lock();
            try {
                hold = !holds ? Hold.NONE : Hold.values()[backups++ % 3];
            } finally {
                run.lock.unlock();
            }
            Object token = new Object();
            run.inFlight.add(token);
            Snapshot s;
            try {
                BackupOptions options = new BackupOptions(List.of(source), null, null, List.of(), new TreeMap<>(), null,
                        null, host.name, "tester", null, 2, clock);
                s = new BackupEngine(host.repo, options, listener(hold, round)).run();
            } finally {
                run.inFlight.remove(token);
            }
            run.longestBackup.accumulateAndGet(Duration.between(s.time(), clock.instant()).toSeconds(), Math::max);
            // Recorded at once: nothing changes this source until this thread's next turn.
            run.taken.put(s.id(), new Taken(source, TestRepos.describe(source)));
            run.lock.lock();
            try {
                doneInRound = Math.max(doneInRound, round);
                run.changed.signalAll();
            } finally {
                run.lock.unlock();
            }
        }

        /** Records warnings, and holds the first file read as {@code hold} says. */
        private BackupListener listener(Hold hold, int round) {
            AtomicBoolean first = new AtomicBoolean(hold != Hold.NONE);
            return new BackupListener() {
                @Override
                public void warning(String path, String message) {
                    List<String> to = path.startsWith(tmp.toString()) ? run.sourceWarnings : run.repoWarnings;
                    to.add(path + ": " + message);
                }

                @Override
                public void fileStarted(String path) {
                    if (first.compareAndSet(true, false)) {
                        hold(hold, round);
                    }
                }
            };
        }

        /**
         * Holds this backup (the coordinator does not wait for it meanwhile). Either until a
         * prune has run on the far side of a clock step, so that plans made while it ran
         * wait for it; or until a prune begun after this point has run, likely carrying out
         * plans made before the backup began, which it must not reuse. Either way the
         * backup spans at most one step, far less than {@link Session#FENCE}.
         */
        private void hold(Hold hold, int round) {
            run.lock.lock();
            try {
                held = true;
                run.changed.signalAll();
                int prunes = run.prunesDone;
                run.await(() -> hold == Hold.ACROSS_STEP ? run.round > round && run.prunesThisRound >= 1
                        : run.prunesDone >= prunes + 2, name + "'s held backup");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                held = false;
                run.lock.unlock();
            }
        }

        // ---- the source ----------------------------------------------------------------

        /**
         * Changes the source as between two real backups: at least one file's content, and
         * perhaps more. Content dropped from the source (deleted or overwritten) may come
         * back a few backups later, when the snapshots that held it may be forgotten and its
         * packs planned for deletion.
         */
        private void change() throws IOException {
            if (!Files.exists(source.resolve("big.bin"))) {
                for (int i = 0; i < 6; i++) {
                    writeUnique("f" + i + ".bin");
                }
                addShared(rnd.nextInt(pool.length));
                addShared(rnd.nextInt(pool.length));
                write(source.resolve("big.bin"), random(1_200_000));
                return;
            }
            List<Path> files = files();
            switch (rnd.nextInt(3)) {
                case 0 -> {
                    if (!files.isEmpty()) {
                        Path p = files.get(rnd.nextInt(files.size()));
                        drop(p);
                        writeUnique(source.relativize(p).toString());
                    } else {
                        writeUnique("n" + rnd.nextInt(1_000_000) + ".bin");
                    }
                }
                case 1 -> writeUnique("n" + rnd.nextInt(1_000_000) + ".bin");
                default -> bringBack();
            }
            int more = rnd.nextInt(3);
            for (int i = 0; i < more; i++) {
                files = files();
                switch (rnd.nextInt(5)) {
                    case 0 -> writeUnique("d" + rnd.nextInt(3) + "/n" + rnd.nextInt(1_000_000) + ".bin");
                    case 1 -> {
                        if (!files.isEmpty()) {
                            Path p = files.get(rnd.nextInt(files.size()));
                            drop(p);
                            Files.delete(p);
                        }
                    }
                    case 2 -> {
                        int k = rnd.nextInt(pool.length);
                        Path p = source.resolve("shared").resolve("p" + k + ".bin");
                        if (Files.exists(p)) {
                            Files.delete(p);
                        } else {
                            addShared(k);
                        }
                    }
                    case 3 -> bringBack();
                    default -> editBig();
                }
            }
        }

        /** Remembers the content of a file about to be deleted or overwritten. */
        private void drop(Path p) throws IOException {
            dropped.add(Files.readAllBytes(p));
            if (dropped.size() > 8) {
                dropped.remove(0);
            }
        }

        /** Writes content dropped some backups ago into a new file (or new content if none was dropped). */
        private void bringBack() throws IOException {
            String name = "back" + rnd.nextInt(1_000_000) + ".bin";
            if (dropped.isEmpty()) {
                writeUnique(name);
            } else {
                write(source.resolve(name), dropped.remove(rnd.nextInt(dropped.size())));
            }
        }

        /** Files that may be rewritten or deleted: all but the big one. */
        private List<Path> files() throws IOException {
            try (Stream<Path> s = Files.walk(source)) {
                return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().equals("big.bin"))
                        .sorted().toList();
            }
        }

        private void writeUnique(String name) throws IOException {
            write(source.resolve(name), random(8_000 + rnd.nextInt(200_000)));
        }

        /** A copy of shared content: the same bytes on other hosts, and again after it was forgotten. */
        private void addShared(int k) throws IOException {
            write(source.resolve("shared").resolve("p" + k + ".bin"), pool[k]);
        }

        /** Overwrites a region of the big file: most of its chunks stay as they were. */
        private void editBig() throws IOException {
            Path big = source.resolve("big.bin");
            byte[] b = Files.readAllBytes(big);
            byte[] patch = random(32_000);
            System.arraycopy(patch, 0, b, rnd.nextInt(b.length - patch.length), patch.length);
            write(big, b);
        }

        private byte[] random(int n) {
            byte[] b = new byte[n];
            rnd.nextBytes(b);
            return b;
        }
    }

    /** How a backup is held in its first file: see {@link Agent#hold}. */
    private enum Hold { NONE, ACROSS_PRUNES, ACROSS_STEP }

    private static void write(Path p, byte[] b) throws IOException {
        Files.createDirectories(p.getParent());
        Files.write(p, b);
    }

    /** Content that several hosts hold, and that comes and goes. */
    private static byte[][] pool(Random rnd) {
        byte[][] pool = new byte[8][];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = new byte[40_000 + rnd.nextInt(300_000)];
            rnd.nextBytes(pool[i]);
        }
        return pool;
    }

    /** Forgets by a keep-last rule (and, now and then, one more at random), then prunes. */
    private final class Pruner {
        final Run run;
        final Repository repo;
        final Random rnd;

        Pruner(Run run, Repository repo, Random rnd) {
            this.run = run;
            this.repo = repo;
            this.rnd = rnd;
        }

        void loop() {
            try {
                while (awaitTurn()) {
                    run.timeLock.lock();
                    try {
                        Set<Object> before = Set.copyOf(run.inFlight);
                        forgetByRule(true);
                        PruneEngine.Report r = new PruneEngine(repo, pruneOptions(), what -> { }).run();
                        boolean throughout = before.stream().anyMatch(run.inFlight::contains);
                        run.tally(r, throughout);
                        run.lock.lock();
                        try {
                            run.prunesThisRound++;
                            run.prunesDone++;
                            run.changed.signalAll();
                        } finally {
                            run.lock.unlock();
                        }
                    } finally {
                        run.timeLock.unlock();
                    }
                }
            } catch (Throwable t) {
                run.fail(t);
            }
        }

        private boolean awaitTurn() throws InterruptedException {
            run.lock.lock();
            try {
                run.await(() -> run.prunesThisRound < PRUNES_PER_ROUND, "the pruner's turn");
                return !run.stopping;
            } finally {
                run.lock.unlock();
            }
        }

        /** Keeps the last KEEP_LAST snapshots of each source; with {@code random}, now and then forgets one more. */
        void forgetByRule(boolean random) throws IOException {
            Map<List<String>, List<Snapshot>> bySource = new LinkedHashMap<>();
            for (Snapshot s : repo.snapshots()) { // oldest first
                bySource.computeIfAbsent(s.paths(), k -> new ArrayList<>()).add(s);
            }
            for (List<Snapshot> list : bySource.values()) {
                int drop = Math.max(0, list.size() - KEEP_LAST);
                for (int i = 0; i < drop; i++) {
                    forget(list.get(i));
                }
                if (random && list.size() > drop && rnd.nextInt(4) == 0) {
                    forget(list.get(drop + rnd.nextInt(list.size() - drop)));
                }
            }
        }

        private void forget(Snapshot s) throws IOException {
            repo.forget(s, clock.instant(), "pruner", "tester", "test");
            run.forgotten.add(s.id());
        }
    }

    // ---- pinned interleavings -----------------------------------------------------------

    @Test
    void aBackupCommittingWhileAPruneReadsTheRepositoryNeitherStopsNorFoolsIt() throws IOException {
        Path source = Files.createDirectories(tmp.resolve("src"));
        Random rnd = new Random(21);
        write(source.resolve("a.bin"), random(rnd, 700_000));
        try (Repository repo = open()) {
            Snapshot s1 = backup(repo, source, BackupOptions.NO_PARENT, BackupListener.NONE);
            forget(repo, s1);
        }
        write(source.resolve("b.bin"), random(rnd, 300_000));
        // Between two of the prune's reads of the repository, another host stores a whole
        // backup (packs, index file, snapshot), reusing the forgotten snapshot's data.
        AtomicReference<Snapshot> landed = new AtomicReference<>();
        AtomicBoolean once = new AtomicBoolean(true);
        HookedBlobStore hooked = new HookedBlobStore(new LocalBlobStore(repoDir, clock));
        hooked.onList(prefix -> {
            if (prefix.startsWith(Repository.SNAPSHOTS) && once.getAndSet(false)) {
                try (Repository other = open()) {
                    landed.set(backup(other, source, BackupOptions.NO_PARENT, BackupListener.NONE));
                }
            }
        });
        Map<String, String> v = TestRepos.describe(source);
        try (Repository repo = open(hooked)) {
            PruneEngine.Report r = new PruneEngine(repo, pruneOptions(), what -> { }).run();
            assertThat(landed.get()).as("the hook ran").isNotNull();
            assertThat(r.planned().snapshotsExpired()).isEqualTo(1);
            clock.advance(STEP);
            new PruneEngine(repo, pruneOptions(), what -> { }).run();
        }
        assertCleanAndRestores(Map.of(landed.get().id(), new Taken(source, v)));
    }

    @Test
    void aBackupThatBeginsWhileAPruneIsStillPlanningKeepsWhatItReuses() throws Exception {
        Path source = Files.createDirectories(tmp.resolve("src"));
        write(source.resolve("model.bin"), random(new Random(22), 2_500_000));
        try (Repository repo = open()) {
            forget(repo, backup(repo, source, BackupOptions.NO_PARENT, BackupListener.NONE));
        }
        // The prune is held while it reads the repository for marking, after it took the
        // time, as if marking and repacking took longer than the allowed clock skew.
        CountDownLatch marking = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        AtomicBoolean once = new AtomicBoolean(true);
        HookedBlobStore slowPlan = new HookedBlobStore(new LocalBlobStore(repoDir, clock));
        slowPlan.onList(prefix -> {
            if (prefix.startsWith(Repository.DATA) && once.getAndSet(false)) {
                marking.countDown();
                awaitOrFail(goOn);
            }
        });
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        BackupListener pausing = new BackupListener() {
            @Override
            public void fileStarted(String path) {
                reading.countDown();
                awaitOrFail(resume);
            }
        };
        Map<String, String> v = TestRepos.describe(source);
        try (Repository pruneRepo = open(slowPlan); Repository backupRepo = open()) {
            CompletableFuture<PruneEngine.Report> first = async(() -> prune(pruneRepo));
            assertThat(marking.await(STUCK.toSeconds(), TimeUnit.SECONDS)).isTrue();
            clock.advance(STEP);
            // This backup begins after the prune took the time, and reads the plans before the plan is stored.
            CompletableFuture<Snapshot> backup =
                    async(() -> backup(backupRepo, source, BackupOptions.NO_PARENT, pausing));
            assertThat(reading.await(STUCK.toSeconds(), TimeUnit.SECONDS)).isTrue();
            goOn.countDown();
            assertThat(first.get(STUCK.toSeconds(), TimeUnit.SECONDS).planned().packsToDelete()).isPositive();

            PruneEngine.Report second = prune(pruneRepo);
            assertThat(second.carried()).as("the plan waits for the backup that did not see it").isNull();
            resume.countDown();
            Snapshot s2 = backup.get(STUCK.toSeconds(), TimeUnit.SECONDS);
            assertThat(s2.summary().blobsAdded()).as("the backup reused the forgotten snapshot's chunks")
                    .isLessThan(3);
            assertThat(finishPrune(pruneRepo)).isEmpty();
            assertCleanAndRestores(Map.of(s2.id(), new Taken(source, v)));
        }
    }

    @Test
    void aHostThatKeepsItsRepositoryOpenDoesNotReuseDataAPruneDeleted() throws IOException {
        Path source = Files.createDirectories(tmp.resolve("src"));
        Random rnd = new Random(23);
        byte[] comesBack = random(rnd, 600_000);
        write(source.resolve("keep.bin"), random(rnd, 200_000));
        write(source.resolve("back.bin"), comesBack);
        try (Repository host = open(); Repository pruner = open()) {
            Snapshot s1 = backup(host, source, null, BackupListener.NONE);
            Files.delete(source.resolve("back.bin"));
            Snapshot s2 = backup(host, source, null, BackupListener.NONE);
            Map<String, String> v2 = TestRepos.describe(source);
            forget(pruner, s1);
            assertThat(prune(pruner).planned().packsToDelete()).isPositive();
            clock.advance(STEP);
            assertThat(prune(pruner).carried().packsDeleted()).isPositive();

            // The content comes back; the host still has in memory the index it read before the prune.
            write(source.resolve("back.bin"), comesBack);
            Snapshot s3 = backup(host, source, null, BackupListener.NONE);
            Map<String, String> v3 = TestRepos.describe(source);
            host.close();
            assertCleanAndRestores(Map.of(s2.id(), new Taken(source, v2), s3.id(), new Taken(source, v3)));
        }
    }

    // ---- helpers --------------------------------------------------------------------

    private Snapshot backup(Repository repo, Path source, String parent, BackupListener listener) throws IOException {
        BackupOptions options = new BackupOptions(List.of(source), null, null, List.of(), new TreeMap<>(), null, null,
                "test-host", "tester", parent, 2, clock);
        return new BackupEngine(repo, options, listener).run();
    }

    private PruneEngine.Report prune(Repository repo) {
        try {
            return new PruneEngine(repo, pruneOptions(), what -> { }).run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void forget(Repository repo, Snapshot s) throws IOException {
        repo.forget(s, clock.instant(), "test-host", "tester", "test");
    }

    /** Runs {@code work} on a thread of its own (the common pool may have just one). */
    private static <T> CompletableFuture<T> async(Callable<T> work) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                f.complete(work.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    private static void awaitOrFail(CountDownLatch latch) {
        try {
            if (!latch.await(STUCK.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test did not go on");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static byte[] random(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private Repository open() throws IOException {
        return open(new LocalBlobStore(repoDir, clock));
    }

    private static Repository open(BlobStore store) throws IOException {
        return Repository.open(store, TestRepos.PASSPHRASE);
    }

    private List<BlobInfo> objects(String prefix) throws IOException {
        return new LocalBlobStore(repoDir).list(prefix);
    }

    private void assertCleanAndRestores(Map<Id, Taken> expected) throws IOException {
        try (Repository repo = open()) {
            assertThat(new CheckEngine(repo, new CheckOptions(true, 100, 2)).run().errors()).isEmpty();
            assertThat(repo.snapshots().stream().map(Snapshot::id).toList())
                    .containsExactlyInAnyOrderElementsOf(expected.keySet());
            for (Snapshot s : repo.snapshots()) {
                Taken t = expected.get(s.id());
                Path target = tmp.resolve("restore-" + s.id().shortHex());
                assertThat(TestRepos.restore(repo, s, target).damaged()).isEmpty();
                assertThat(TestRepos.describe(TestRepos.restored(target, t.source())))
                        .as("snapshot %s of %s", s.id().shortHex(), t.source().getFileName())
                        .isEqualTo(t.description());
            }
        }
    }
}
