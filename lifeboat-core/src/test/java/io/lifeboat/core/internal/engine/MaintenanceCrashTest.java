package io.lifeboat.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.BackupListener;
import io.lifeboat.core.BackupOptions;
import io.lifeboat.core.CheckOptions;
import io.lifeboat.core.CheckReport;
import io.lifeboat.core.Id;
import io.lifeboat.core.ManualClock;
import io.lifeboat.core.Repository;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.internal.chunk.ChunkerParams;
import io.lifeboat.core.internal.crypto.KdfParams;
import io.lifeboat.core.retention.Decision;
import io.lifeboat.core.retention.RetentionPolicy;
import io.lifeboat.core.storage.BlobInfo;
import io.lifeboat.core.storage.local.LocalBlobStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code forget} and both phases of {@code prune} killed with SIGKILL at storage writes
 * (no shutdown hooks, no {@code finally}; see {@link HaltingStore}),
 * just before or just after the write reaches the store, each time from a fresh copy of
 * the same repository. After every kill the repository must check clean with --read-data
 * (leftovers are information, not errors) and every snapshot not forgotten must restore
 * exactly what was backed up. A prune killed half-way must moreover be finished by the
 * next complete prune: no plan, tombstone, session marker or unused pack left, and still
 * clean.
 *
 * <p>Which writes: a run is first made without a kill to list its writes. Up to
 * {@value #EVERY_WRITE_UP_TO} writes, it is killed at every one of them; beyond that
 * (only a larger repository would get there), at the first and last write of every kind
 * ({@code put} or {@code delete} under {@code prune/}, {@code index/}, {@code data/},
 * {@code snapshots/}, {@code deleted/}, {@code sessions/}) plus writes spread evenly in
 * between, up to that many, so that the time the test takes stays bounded (each kill
 * costs a JVM start, about half a second). A forget is killed before and after each
 * write. A prune is killed before each write and after the last: it writes from one
 * thread, one write at a time (its session marker is never refreshed, the clock standing
 * still), so dying just after write N leaves the store exactly as dying just before write
 * N+1 does, and killing it there too would only double the time. The repositories here
 * are small (1 MiB packs, a few MiB of data) so that every write is covered.
 */
class MaintenanceCrashTest {
    private static final Duration SKEW = PruneEngine.DEFAULT_MAX_CLOCK_SKEW;
    /** A run with at most this many writes is killed at every one; a longer one at a spread of this many. */
    private static final int EVERY_WRITE_UP_TO = 30;
    /** Child runs going on while the checks of an earlier one run. */
    private static final int AHEAD = 2;
    private static final Pattern NUMBER = Pattern.compile("(\\w+)=(\\d+)");

    @TempDir
    Path tmp;

    private final ManualClock clock = new ManualClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private final Random rnd = new Random(7);
    private Path source;
    private final AtomicInteger copies = new AtomicInteger();
    /** What each snapshot backed up, by snapshot id. */
    private final Map<Id, Map<String, String>> backedUp = new HashMap<>();

    // ---- set-up ------------------------------------------------------------------

    private Repository create(Path dir) throws IOException {
        // 1 MiB packs, so that a few MiB of data fill several.
        Repository.InitOptions options = new Repository.InitOptions(ChunkerParams.DEFAULT, 1024 * 1024, KdfParams.TESTING,
                "test-host", "tester", clock);
        Files.createDirectories(dir);
        return Repository.init(new LocalBlobStore(dir, clock), TestRepos.PASSPHRASE, options);
    }

    private Repository open(Path dir) throws IOException {
        return Repository.open(new LocalBlobStore(dir, clock), TestRepos.PASSPHRASE);
    }

    private void write(String name, int bytes) throws IOException {
        byte[] b = new byte[bytes];
        rnd.nextBytes(b);
        Files.write(source.resolve(name), b);
    }

    /** Backs the source up at the current time, remembers what it held, and moves the clock on. */
    private Snapshot backup(Repository repo) throws IOException {
        BackupOptions options = new BackupOptions(List.of(source), null, null, List.of(), new TreeMap<>(), null, null,
                "test-host", "tester", null, 2, clock);
        Snapshot s = new BackupEngine(repo, options, BackupListener.NONE).run();
        backedUp.put(s.id(), TestRepos.describe(source));
        clock.advance(Duration.ofMinutes(1));
        return s;
    }

    /** Four snapshots of a small source that changes in between. */
    private Path forgetHistory() throws IOException {
        source = Files.createDirectories(tmp.resolve("src"));
        Path dir = tmp.resolve("pristine");
        try (Repository repo = create(dir)) {
            for (int i = 0; i < 4; i++) {
                write("f" + i + ".bin", 20_000);
                backup(repo);
            }
        }
        return dir;
    }

    /**
     * A repository where a prune has all of its work to do, in both phases: s0 (three
     * large files, gone afterwards: wholly unused packs) and s1 (forty small files) are
     * forgotten without grace; s2 and s3 stay. Of s1's files, which are packed about in
     * name order, the first ones are deleted afterwards, then every other one, and the
     * last ones stay: so its first packs are mostly or partly unused (repacked) while its
     * last pack stays in use, and the index file naming them all is rewritten.
     */
    private Path pruneHistory() throws IOException {
        source = Files.createDirectories(tmp.resolve("src"));
        Path dir = tmp.resolve("pristine");
        try (Repository repo = create(dir)) {
            for (int i = 0; i < 3; i++) {
                write("old-" + i + ".bin", 800_000);
            }
            Snapshot s0 = backup(repo);
            for (int i = 0; i < 3; i++) {
                Files.delete(source.resolve("old-" + i + ".bin"));
            }
            for (int i = 0; i < 40; i++) {
                write(String.format("f%02d.bin", i), 60_000);
            }
            Snapshot s1 = backup(repo);
            for (int i = 0; i < 28; i++) {
                if (i < 14 || i % 2 == 0) {
                    Files.delete(source.resolve(String.format("f%02d.bin", i)));
                }
            }
            write("new.bin", 300_000);
            backup(repo);
            write("f29.bin", 60_000);
            backup(repo);
            repo.forget(s0, clock.instant(), "test-host", "tester", "test");
            repo.forget(s1, clock.instant(), "test-host", "tester", "test");
        }
        clock.advance(Duration.ofMinutes(1));
        return dir;
    }

    private Path copy(Path pristine) throws IOException {
        Path dir = tmp.resolve("repo-" + copies.incrementAndGet());
        TestRepos.copyTree(pristine, dir);
        return dir;
    }

    // ---- the child ---------------------------------------------------------------

    /**
     * Runs {@link CrashingMaintenance} in a child JVM whose clock stands at {@code now};
     * returns its exit status and output. The child is tuned to start fast (it does little
     * work): the client compiler only, and the JDK's AES-GCM rather than loading Conscrypt's
     * native library.
     */
    private static Run crashing(Path repo, int crashAt, String when, Instant now, String... command)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Dlifeboat.crypto=jdk",
                "-cp", System.getProperty("java.class.path"), CrashingMaintenance.class.getName(),
                repo.toString(), Integer.toString(crashAt), when, Long.toString(now.toEpochMilli())));
        cmd.addAll(List.of(command));
        HaltingStore.Result r = HaltingStore.run(new ProcessBuilder(cmd));
        return new Run(r.exit(), r.output());
    }

    private record Run(int exit, String output) {
        List<String> writes() {
            return output.lines().filter(l -> l.startsWith("write ")).toList();
        }

        /** The number after {@code name=} on the line starting with {@code prefix}. */
        long number(String prefix, String name) {
            String line = output.lines().filter(l -> l.startsWith(prefix)).findFirst()
                    .orElseThrow(() -> new AssertionError("no '" + prefix + "' in " + output));
            Matcher m = NUMBER.matcher(line);
            while (m.find()) {
                if (m.group(1).equals(name)) {
                    return Long.parseLong(m.group(2));
                }
            }
            throw new AssertionError("no " + name + " in " + line);
        }
    }

    /** A write's kind: {@code put DIR/} or {@code delete DIR/}, from a {@code write N [delete] NAME} line. */
    private static String kind(String write) {
        String what = write.substring(write.indexOf(' ', "write ".length()) + 1);
        boolean delete = what.startsWith("delete ");
        String name = delete ? what.substring("delete ".length()) : what;
        return (delete ? "delete " : "put ") + name.substring(0, name.indexOf('/') + 1);
    }

    private record Point(int write, String when) {
        @Override
        public String toString() {
            return when + " write " + write;
        }
    }

    /**
     * Where to kill a run with these writes (see the class comment): before and after each
     * chosen write if {@code bothSides}, else before each and after the last.
     */
    static List<Point> killPoints(List<String> writes, boolean bothSides) {
        int n = writes.size();
        TreeSet<Integer> chosen = new TreeSet<>();
        if (n <= EVERY_WRITE_UP_TO) {
            for (int i = 1; i <= n; i++) {
                chosen.add(i);
            }
        } else {
            chosen.add(1);
            chosen.add(n);
            Map<String, int[]> firstAndLast = new LinkedHashMap<>();
            for (int i = 1; i <= n; i++) {
                int w = i;
                firstAndLast.computeIfAbsent(kind(writes.get(i - 1)), k -> new int[] {w, w})[1] = w;
            }
            firstAndLast.values().forEach(fl -> {
                chosen.add(fl[0]);
                chosen.add(fl[1]);
            });
            int spread = Math.max(0, EVERY_WRITE_UP_TO - chosen.size());
            for (int i = 1; i <= spread; i++) {
                chosen.add(1 + (int) ((long) i * (n - 1) / (spread + 1)));
            }
        }
        List<Point> out = new ArrayList<>();
        for (int w : chosen) {
            out.add(new Point(w, "before"));
            if (bothSides || w == n) {
                out.add(new Point(w, "after"));
            }
        }
        return out;
    }

    /**
     * Kills the run at each point, from a fresh copy each time, and hands each copy to
     * {@code after}, in order. The next two runs go on in the background meanwhile: a
     * child JVM spends most of its time starting, the checks run warm in this one.
     */
    private void killEverywhere(Path pristine, Run full, boolean bothSides, Instant now, String[] command,
                                AfterKill after) throws Exception {
        List<String> writes = full.writes();
        List<Point> points = killPoints(writes, bothSides);
        ExecutorService children = Executors.newFixedThreadPool(AHEAD);
        try {
            Deque<Future<Killed>> running = new ArrayDeque<>();
            Iterator<Point> next = points.iterator();
            int killed = 0;
            while (!running.isEmpty() || next.hasNext()) {
                while (running.size() < AHEAD && next.hasNext()) {
                    Point point = next.next();
                    running.add(children.submit(() -> {
                        Path dir = copy(pristine);
                        return new Killed(point, dir, crashing(dir, point.write(), point.when(), now, command));
                    }));
                }
                Killed k = running.remove().get();
                String at = k.point() + " of " + writes.size() + " (" + writes.get(k.point().write() - 1) + ")";
                assertThat(k.run().exit()).as(at + ": " + k.run().output()).isIn(0, HaltingStore.KILLED);
                boolean died = k.run().exit() == HaltingStore.KILLED;
                if (died) {
                    killed++;
                    List<String> done = k.run().writes();
                    assertThat(kind(done.get(done.size() - 1))).as("%s: the run died at the write aimed at", at)
                            .isEqualTo(kind(writes.get(k.point().write() - 1)));
                }
                after.check(k.dir(), k.point(), died, at);
                TestRepos.deleteTree(k.dir());
            }
            assertThat(killed).as("the runs really died mid-way").isGreaterThan(points.size() / 2);
        } finally {
            children.shutdownNow();
        }
    }

    private record Killed(Point point, Path dir, Run run) {}

    @FunctionalInterface
    private interface AfterKill {
        void check(Path dir, Point point, boolean died, String at) throws Exception;
    }

    // ---- what must hold after a kill ----------------------------------------------

    /**
     * The repository checks clean with --read-data, and each snapshot in it (forgotten
     * ones too if {@code alsoForgotten}) restores exactly what it backed up. Returns the
     * ids of the snapshots not forgotten.
     */
    private Set<Id> assertCleanAndRestores(Path dir, boolean alsoForgotten, String at) throws IOException {
        try (Repository repo = open(dir)) {
            CheckReport report = new CheckEngine(repo, new CheckOptions(true, 100, 2)).run();
            assertThat(report.errors()).as("check after a kill %s", at).isEmpty();
            List<Snapshot> snapshots = alsoForgotten ? repo.allSnapshots(e -> { }) : repo.snapshots();
            for (Snapshot s : snapshots) {
                Path target = tmp.resolve("restore");
                assertThat(TestRepos.restore(repo, s, target).damaged()).as("restore after a kill %s", at).isEmpty();
                assertThat(TestRepos.describe(TestRepos.restored(target, source)))
                        .as("snapshot %s after a kill %s restores what it backed up", s.id().shortHex(), at)
                        .isEqualTo(backedUp.get(s.id()));
                TestRepos.deleteTree(target);
            }
            return repo.snapshots().stream().map(Snapshot::id).collect(Collectors.toSet());
        }
    }

    private static List<String> names(Path dir, String prefix) throws IOException {
        return new LocalBlobStore(dir).list(prefix).stream().map(BlobInfo::name).toList();
    }

    /**
     * Prunes in-process until a run plans nothing more, as an operator would after a
     * prune was killed at {@code killedAt}, then asserts that nothing of the interrupted
     * prune is left: no plan, no tombstone (every forgotten snapshot is past its grace),
     * no session marker, no pack or snapshot a prune would still delete; and that the
     * repository checks clean and restores.
     */
    private void assertTheNextPruneFinishesIt(Path dir, Instant killedAt, Set<Id> live, String at) throws IOException {
        // Nobody can tell a killed prune from a running one until its session marker times
        // out; until then another prune backs off (RepositoryBusyException).
        clock.set(killedAt.plus(Session.TIMEOUT).plus(SKEW).plusSeconds(1));
        try (Repository repo = open(dir)) {
            int runs = 0;
            PruneEngine.Report r;
            do {
                r = CrashingMaintenance.prune(repo, clock);
                runs++;
                clock.advance(SKEW);
            } while (r.planned().plan() != null && runs < 4);
            assertThat(r.planned().plan()).as("%s: the prunes after it come to an end", at).isNull();
            assertThat(r.waiting()).as(at).isEmpty();
            PruneEngine.Report dry = new PruneEngine(repo, PruneEngine.Options.defaults("test-host", "tester", clock)
                    .withGrace(Duration.ZERO).withDryRun(true), what -> { }).run();
            assertThat(dry.planned().packsToDelete()).as("%s: packs left unused", at).isZero();
            assertThat(dry.planned().snapshotsExpired()).as("%s: snapshots left expired", at).isZero();
            assertThat(repo.allSnapshots(e -> { }).stream().map(Snapshot::id)).as("%s: snapshots left", at)
                    .containsExactlyInAnyOrderElementsOf(live);
        }
        assertThat(names(dir, "prune/")).as("%s: plans left", at).isEmpty();
        assertThat(names(dir, "deleted/")).as("%s: tombstones left", at).isEmpty();
        assertThat(names(dir, "sessions/")).as("%s: session markers left", at).isEmpty();
        assertThat(assertCleanAndRestores(dir, true, at + ", then complete prunes")).isEqualTo(live);
    }

    // ---- the tests ---------------------------------------------------------------

    @Test
    void aForgetKilledAtAnyWriteForgetsAPrefixOfWhatItChoseAndNothingElse() throws Exception {
        Path pristine = forgetHistory();
        Instant now = clock.instant();
        List<Snapshot> toForget;
        try (Repository repo = open(pristine)) {
            toForget = RetentionPolicy.builder().keepLast(1).build().apply(repo.snapshots(), ZoneOffset.UTC).stream()
                    .filter(d -> !d.keep()).map(Decision::snapshot).toList();
        }
        String[] command = {"forget", "1"};
        Run full = crashing(copy(pristine), Integer.MAX_VALUE, "before", now, command);
        assertThat(full.exit()).as(full.output()).isZero();
        assertThat(full.writes()).as("one tombstone per snapshot forgotten").hasSize(toForget.size())
                .allSatisfy(w -> assertThat(kind(w)).isEqualTo("put deleted/"));
        assertThat(toForget).as("the policy forgets several snapshots").hasSizeGreaterThan(1);

        killEverywhere(pristine, full, true, now, command, (dir, point, died, at) -> {
            Set<Id> live = assertCleanAndRestores(dir, true, at);
            int stored = !died ? toForget.size() : point.when().equals("after") ? point.write() : point.write() - 1;
            Set<Id> notForgotten = new HashSet<>(backedUp.keySet());
            toForget.subList(0, stored).forEach(s -> notForgotten.remove(s.id()));
            assertThat(live).as("%s: it soft-deleted the first %d snapshots it chose, and no other", at, stored)
                    .isEqualTo(notForgotten);
            try (Repository repo = open(dir)) {
                CrashingMaintenance.forget(repo, 1, clock);
                assertThat(repo.snapshots()).as("%s, then a complete forget", at).hasSize(1)
                        .doesNotContainAnyElementsOf(toForget);
            }
        });
    }

    @Test
    void aPrunePlanKilledAtAnyWriteDeletesNothingAndIsFinishedByTheNextPrune() throws Exception {
        Path pristine = pruneHistory();
        Instant now = clock.instant();
        String[] command = {"prune"};
        Run full = crashing(copy(pristine), Integer.MAX_VALUE, "before", now, command);
        assertThat(full.exit()).as(full.output()).isZero();
        assertThat(full.output()).as("phase 1 only").doesNotContain("carried");
        assertThat(full.number("planned", "packs")).as("packs planned for deletion").isPositive();
        assertThat(full.number("planned", "repacked")).as("packs repacked").isPositive();
        assertThat(full.number("planned", "snapshots")).as("snapshots planned for removal").isPositive();
        assertThat(full.writes().stream().map(MaintenanceCrashTest::kind).distinct())
                .containsExactlyInAnyOrder("put sessions/", "put data/", "put index/", "put prune/", "delete sessions/");
        Set<Id> live;
        try (Repository repo = open(pristine)) {
            live = repo.snapshots().stream().map(Snapshot::id).collect(Collectors.toSet());
        }

        List<String> stored = new ArrayList<>();
        for (String prefix : List.of("data/", "index/", "snapshots/", "deleted/")) {
            stored.addAll(names(pristine, prefix));
        }

        killEverywhere(pristine, full, false, now, command, (dir, point, died, at) -> {
            assertThat(names(dir, "")).as("%s: phase 1 deletes nothing", at).containsAll(stored);
            assertThat(assertCleanAndRestores(dir, true, at)).as("%s: the snapshots not forgotten", at).isEqualTo(live);
            assertTheNextPruneFinishesIt(dir, now, live, at);
        });
    }

    @Test
    void aPruneCarryingOutItsPlanKilledAtAnyWriteIsFinishedByTheNextPrune() throws Exception {
        Path pristine = pruneHistory();
        try (Repository repo = open(pristine)) {
            PruneEngine.Planned planned = CrashingMaintenance.prune(repo, clock).planned();
            assertThat(planned.packsToDelete()).as("packs planned for deletion").isPositive();
            assertThat(planned.packsRepacked()).as("packs repacked").isPositive();
            assertThat(planned.snapshotsExpired()).as("snapshots planned for removal").isPositive();
        }
        clock.advance(SKEW);
        Instant now = clock.instant();
        String[] command = {"prune"};
        Run full = crashing(copy(pristine), Integer.MAX_VALUE, "before", now, command);
        assertThat(full.exit()).as(full.output()).isZero();
        assertThat(full.number("carried", "packsDeleted")).as("packs phase 2 deleted").isPositive();
        assertThat(full.number("carried", "snapshotsRemoved")).as("snapshots phase 2 removed").isPositive();
        assertThat(full.writes().stream().map(MaintenanceCrashTest::kind).distinct()).contains("put sessions/",
                "put index/", "delete index/", "delete snapshots/", "delete deleted/", "delete data/", "delete prune/",
                "delete sessions/");
        Set<Id> live;
        try (Repository repo = open(pristine)) {
            live = repo.snapshots().stream().map(Snapshot::id).collect(Collectors.toSet());
        }

        killEverywhere(pristine, full, false, now, command, (dir, point, died, at) -> {
            assertThat(assertCleanAndRestores(dir, false, at)).as("%s: the snapshots not forgotten", at).isEqualTo(live);
            assertTheNextPruneFinishesIt(dir, now, live, at);
        });
    }
}
