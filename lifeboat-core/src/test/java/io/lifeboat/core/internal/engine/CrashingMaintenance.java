package io.lifeboat.core.internal.engine;

import io.lifeboat.core.Repository;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.retention.Decision;
import io.lifeboat.core.retention.RetentionPolicy;
import io.lifeboat.core.storage.local.LocalBlobStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code forget} or {@code prune} process that is killed with SIGKILL at a chosen
 * storage write (see {@link HaltingStore}): just before or just after its N-th put or
 * delete. Run in a child JVM by {@link MaintenanceCrashTest}. Time is injected: the
 * process's clock stands still at the given instant, so the test decides which phase of a
 * prune is due. With N beyond the run's writes it completes, prints what it did and
 * exits 0.
 *
 * <p>Usage: {@code CrashingMaintenance REPO N before|after EPOCH_MILLIS forget KEEP_LAST}
 * (soft-deletes every snapshot but the KEEP_LAST newest, as {@code forget --keep-last}
 * does) or {@code CrashingMaintenance REPO N before|after EPOCH_MILLIS prune} (a prune
 * without grace period, with the default clock skew).
 */
public final class CrashingMaintenance {
    static final String HOST = "test-host";
    static final String USER = "tester";

    private CrashingMaintenance() {
    }

    public static void main(String[] args) throws IOException {
        Path repoDir = Path.of(args[0]);
        int crashAt = Integer.parseInt(args[1]);
        boolean after = args[2].equals("after");
        Clock clock = Clock.fixed(Instant.ofEpochMilli(Long.parseLong(args[3])), ZoneOffset.UTC);
        HaltingStore store = new HaltingStore(new LocalBlobStore(repoDir, clock), crashAt, after);
        try (Repository repo = Repository.open(store, TestRepos.PASSPHRASE)) {
            switch (args[4]) {
                case "forget" -> System.out.println("forgot " + forget(repo, Integer.parseInt(args[5]), clock).size());
                case "prune" -> print(prune(repo, clock));
                default -> throw new IllegalArgumentException("forget or prune, not " + args[4]);
            }
        }
    }

    /** Soft-deletes every snapshot but the {@code keepLast} newest; returns those it forgot, in the order it did. */
    static List<Snapshot> forget(Repository repo, int keepLast, Clock clock) throws IOException {
        RetentionPolicy policy = RetentionPolicy.builder().keepLast(keepLast).build();
        List<Snapshot> forgotten = new ArrayList<>();
        for (Decision d : policy.apply(repo.snapshots(), ZoneOffset.UTC)) {
            if (!d.keep()) {
                repo.forget(d.snapshot(), clock.instant(), HOST, USER, String.join("; ", d.reasons()));
                forgotten.add(d.snapshot());
            }
        }
        return forgotten;
    }

    /** One prune run without grace period: carries out the plans that are due, then plans. */
    static PruneEngine.Report prune(Repository repo, Clock clock) throws IOException {
        PruneEngine.Options options = PruneEngine.Options.defaults(HOST, USER, clock).withGrace(Duration.ZERO);
        return new PruneEngine(repo, options, what -> { }).run();
    }

    private static void print(PruneEngine.Report r) {
        if (r.carried() != null) {
            System.out.println("carried packsDeleted=" + r.carried().packsDeleted() + " snapshotsRemoved="
                    + r.carried().snapshotsRemoved());
        }
        System.out.println("planned packs=" + r.planned().packsToDelete() + " repacked=" + r.planned().packsRepacked()
                + " snapshots=" + r.planned().snapshotsExpired());
    }
}
