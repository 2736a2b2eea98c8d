package io.lifeboat.core.internal.engine;

import io.lifeboat.core.Id;
import io.lifeboat.core.IntegrityException;
import io.lifeboat.core.Repository;
import io.lifeboat.core.RepositoryBusyException;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.Tombstone;
import io.lifeboat.core.internal.format.BlobType;
import io.lifeboat.core.internal.format.IndexFile;
import io.lifeboat.core.internal.format.MaintenanceJson;
import io.lifeboat.core.internal.format.MaintenanceJson.PrunePlan;
import io.lifeboat.core.internal.format.MaintenanceJson.SessionMarker;
import io.lifeboat.core.internal.format.Node;
import io.lifeboat.core.internal.format.PackBuilder;
import io.lifeboat.core.internal.format.PackEntry;
import io.lifeboat.core.internal.format.Packs;
import io.lifeboat.core.internal.format.Tree;
import io.lifeboat.core.internal.repo.ChunkIndex;
import io.lifeboat.core.storage.BlobInfo;
import io.lifeboat.core.storage.NoSuchBlobException;
import io.lifeboat.core.storage.ObjectLockedException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Garbage collection in two phases that never stops backups (format section 18).
 *
 * <p><b>Phase 1 (plan).</b> From the snapshots to keep (every snapshot not soft-deleted,
 * and soft-deleted ones still inside their grace period or under a retention lock), mark
 * every blob they reference. Packs holding no marked blob, and packs no index lists, are
 * to be deleted; packs whose unused share is above the waste threshold have their used
 * blobs copied into new packs (indexed at once) and are to be deleted too. Snapshots past
 * their grace period are to be removed. The plan is stored under {@code prune/}, stamped
 * with the time it is stored; nothing is deleted. From then on, backups do not reuse
 * blobs that only planned packs hold.
 *
 * <p><b>Phase 2 (carry out), in a later run.</b> Once the plan is older than the allowed
 * clock skew and every backup session that may have begun before the plan (by the clocks)
 * has ended or died, mark again from the snapshots stored now (which include those of
 * the backups that were running), keep any planned pack that still holds the only copy
 * of a marked blob, and delete the rest: first rewrite the index files naming them, then
 * remove expired snapshots and their tombstones, then the packs, then the plan.
 *
 * <p>Locked objects are never deleted: a pack under a retention lock, or named by an
 * index file under one, is neither planned nor repacked.
 */
public final class PruneEngine {
    /** How far apart two hosts' clocks may be, unless the operator says otherwise. */
    public static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofMinutes(10);
    /** How long a forgotten snapshot can be brought back, unless the operator says otherwise. */
    public static final Duration DEFAULT_GRACE = Duration.ofDays(7);
    /** Repack a partly used pack when more than this share of its bytes is unused, unless told otherwise. */
    public static final double DEFAULT_MAX_WASTE = 0.20;
    /** Blobs per index file that compaction writes. */
    static final int COMPACT_ENTRIES = 100_000;
    /** Index files with fewer blobs than this are small; compaction merges them once there are {@link #SMALL_FILES}. */
    static final int SMALL_ENTRIES = COMPACT_ENTRIES / 4;
    static final int SMALL_FILES = 8;

    /**
     * @param grace        how long a soft-deleted snapshot stays recoverable
     * @param maxWaste     the unused share of a pack above which it is repacked, 0 to 1
     * @param maxClockSkew how far apart the clocks of the hosts using the repository may be
     * @param dryRun       report, but write and delete nothing
     */
    public record Options(Duration grace, double maxWaste, Duration maxClockSkew, boolean dryRun, String hostname,
                          String username, Clock clock) {
        public Options {
            if (grace.isNegative() || maxClockSkew.isNegative()) {
                throw new IllegalArgumentException("grace period and clock skew cannot be negative");
            }
            if (!(maxWaste >= 0 && maxWaste <= 1)) {
                throw new IllegalArgumentException("the waste threshold is a share between 0% and 100%, not " + maxWaste);
            }
        }

        public static Options defaults(String hostname, String username, Clock clock) {
            return new Options(DEFAULT_GRACE, DEFAULT_MAX_WASTE, DEFAULT_MAX_CLOCK_SKEW, false, hostname, username, clock);
        }

        public Options withDryRun(boolean d) {
            return new Options(grace, maxWaste, maxClockSkew, d, hostname, username, clock);
        }

        public Options withGrace(Duration g) {
            return new Options(g, maxWaste, maxClockSkew, dryRun, hostname, username, clock);
        }

        public Options withMaxWaste(double w) {
            return new Options(grace, w, maxClockSkew, dryRun, hostname, username, clock);
        }

        public Options withMaxClockSkew(Duration s) {
            return new Options(grace, maxWaste, s, dryRun, hostname, username, clock);
        }
    }

    /** What phase 2 did (or, in a dry run, would do now) for the plans that were due. */
    public record Carried(List<Id> plans, int packsDeleted, long bytesFreed, int packsKept, int snapshotsRemoved,
                          int indexFilesRewritten, int indexFilesWritten) {}

    /** A plan that is not due yet, and why. */
    public record Waiting(Id plan, Instant time, String reason) {}

    /**
     * What phase 1 planned (or would plan).
     *
     * @param plan           the plan's id; null in a dry run or when there was nothing to plan
     * @param packsToDelete  packs planned for deletion, repacked ones included
     * @param bytesToFree    their bytes, less what repacking wrote again
     * @param packsRepacked  partly used packs whose used blobs were copied
     * @param bytesRepacked  bytes of blobs copied into new packs
     * @param snapshotsExpired soft-deleted snapshots past their grace period
     * @param unusedBytesKept unused bytes left in partly used packs below the waste threshold
     */
    public record Planned(Id plan, int packsToDelete, long bytesToFree, int packsRepacked, long bytesRepacked,
                          int snapshotsExpired, long unusedBytesKept) {}

    /**
     * @param lockedPacks  packs that would be deleted or repacked but are under a retention lock
     * @param lockedBytes  their bytes
     * @param lockedUntil  when the first of them unlocks, or null
     * @param warnings     damaged objects skipped on the way
     */
    public record Report(boolean dryRun, Carried carried, List<Waiting> waiting, Planned planned, int lockedPacks,
                         long lockedBytes, Instant lockedUntil, int deadSessionsRemoved, List<String> warnings) {}

    private final Repository repo;
    private final Options options;
    private final Consumer<String> progress;
    private final List<String> warnings = new ArrayList<>();

    public PruneEngine(Repository repo, Options options, Consumer<String> progress) {
        this.repo = repo;
        this.options = options;
        this.progress = progress;
    }

    /**
     * Carries out the plans that are due, then plans what is unused now.
     *
     * @throws RepositoryBusyException if another prune is running
     * @throws IntegrityException if an index file or snapshot cannot be read: the prune
     *         cannot know what it references, so it deletes nothing
     */
    public Report run() throws IOException {
        Session session = options.dryRun() ? null
                : beginExclusive(repo, "prune", options.hostname(), options.username(), options.clock(),
                        options.maxClockSkew());
        try {
            List<SessionMarker> sessions = Session.list(repo);
            Instant now = options.clock().instant();
            List<Waiting> waiting = new ArrayList<>();
            List<PrunePlan> due = new ArrayList<>();
            for (PrunePlan plan : repo.prunePlans(e -> warnings.add(e.getMessage() + " (the plan is ignored)"))) {
                String reason = notDue(plan, sessions, now);
                if (reason == null) {
                    due.add(plan);
                } else {
                    waiting.add(new Waiting(plan.id(), plan.time(), reason));
                }
            }
            Locked locked = new Locked();
            Carried carried = due.isEmpty() ? null : carryOut(due, locked);
            Planned planned = plan(locked);
            int dead = options.dryRun() ? 0 : removeDeadSessions(sessions, now);
            return new Report(options.dryRun(), carried, waiting, planned, locked.packs, locked.bytes, locked.until,
                    dead, List.copyOf(warnings));
        } finally {
            if (session != null) {
                session.close();
            }
        }
    }

    // ---- sessions ------------------------------------------------------------------

    /** Session kinds that rewrite or delete the index: at most one of them runs at a time. */
    static boolean maintenance(String kind) {
        return kind.equals("prune") || kind.equals("repair");
    }

    /**
     * Begins a maintenance session of {@code kind} ({@code prune}, {@code repair}) that no
     * other maintenance session runs alongside: two prunes at once would each delete what
     * the other still counts on, and a repair could index a pack a prune is deleting. Of
     * two that start together, the one that began later (or, at the same instant, has the
     * larger session id) backs off.
     *
     * @throws RepositoryBusyException if another live maintenance session began first
     */
    public static Session beginExclusive(Repository repo, String kind, String hostname, String username, Clock clock,
                                         Duration maxClockSkew) throws IOException {
        Session mine = Session.begin(repo, kind, hostname, username, clock);
        try {
            Instant now = clock.instant();
            for (SessionMarker m : Session.list(repo)) {
                if (!maintenance(m.kind()) || m.session().equals(mine.id()) || !Session.alive(m, now, maxClockSkew)) {
                    continue;
                }
                boolean theirsFirst = m.start().isBefore(mine.start())
                        || (m.start().equals(mine.start()) && m.session().compareTo(mine.id()) < 0);
                if (theirsFirst) {
                    throw new RepositoryBusyException("a " + m.kind() + " is running on " + m.hostname() + " (by "
                            + m.username() + ", since " + m.start() + "); try again when it has finished");
                }
            }
            return mine;
        } catch (IOException | RuntimeException e) {
            mine.close();
            throw e;
        }
    }

    /** Why a plan cannot be carried out yet, or null if it can. */
    private String notDue(PrunePlan plan, List<SessionMarker> sessions, Instant now) {
        Instant horizon = plan.time().plus(options.maxClockSkew());
        if (now.isBefore(horizon)) {
            return "younger than the allowed clock skew (" + options.maxClockSkew().toMinutes()
                    + " min); due from " + horizon;
        }
        for (SessionMarker m : sessions) {
            if (!maintenance(m.kind()) && Session.alive(m, now, options.maxClockSkew()) && !m.start().isAfter(horizon)) {
                return "a " + m.kind() + " on " + m.hostname() + " that began at " + m.start()
                        + ", before the plan, is still running";
            }
        }
        return null;
    }

    private int removeDeadSessions(List<SessionMarker> sessions, Instant now) throws IOException {
        int removed = 0;
        for (SessionMarker m : repo.sessionMarkers(e -> { })) {
            if (!Session.alive(m, now, options.maxClockSkew())) {
                removed += repo.store().delete(Repository.SESSIONS + "/" + m.id().hex()) ? 1 : 0;
            }
        }
        return removed;
    }

    // ---- what is stored --------------------------------------------------------------

    /** One index file as loaded: which packs it names and whether it is locked. */
    private record IndexFileInfo(Id id, List<Id> packs, int blobs, boolean locked) {}

    /** Packs that could not be deleted or repacked because of retention locks. */
    private static final class Locked {
        final Set<Id> seen = new HashSet<>();
        int packs;
        long bytes;
        Instant until;

        void add(Id pack, long size, Instant lockedUntil) {
            if (!seen.add(pack)) {
                return;
            }
            packs++;
            bytes += size;
            if (lockedUntil != null && (until == null || lockedUntil.isBefore(until))) {
                until = lockedUntil;
            }
        }
    }

    /** The repository as read at one moment: index, packs, snapshots, tombstones. */
    private final class State {
        final ChunkIndex index;
        final Map<Id, IndexFileInfo> indexFiles = new LinkedHashMap<>();
        final Map<Id, BlobInfo> packs = new HashMap<>();
        /** Packs named by an index file under a retention lock: deleting them would leave that file pointing nowhere. */
        final Map<Id, Instant> namedByLockedIndex = new HashMap<>();
        final List<Snapshot> snapshots;
        final Map<Id, Tombstone> firstTombstone = new HashMap<>();
        final Instant now;

        State() throws IOException {
            now = options.clock().instant();
            // Snapshots before the index: a backup stores its index files before its
            // snapshot, so every snapshot read here has its blobs in the index read next.
            // The other way round, a backup committing in between leaves a snapshot whose
            // blobs seem to be in no index.
            List<IntegrityException> badSnapshots = new ArrayList<>();
            snapshots = repo.allSnapshots(badSnapshots::add);
            if (!badSnapshots.isEmpty()) {
                throw new IntegrityException(badSnapshots.get(0).objectName(), "cannot be read, so prune cannot know what"
                        + " it references and deletes nothing; run 'lifeboat check' (" + badSnapshots.get(0).getMessage()
                        + ")");
            }
            for (Tombstone t : repo.tombstones(e -> warnings.add(e.getMessage() + " (it deletes nothing)"))) {
                firstTombstone.merge(t.snapshot(), t, (a, b) -> a.time().isAfter(b.time()) ? b : a);
            }
            repo.resetIndex();
            Map<String, BlobInfo> indexInfo = new HashMap<>();
            for (BlobInfo info : repo.store().list(Repository.INDEX + "/")) {
                indexInfo.put(info.name(), info);
            }
            List<IntegrityException> damaged = repo.loadIndex((id, file) -> {
                BlobInfo info = indexInfo.get(Repository.INDEX + "/" + id.hex());
                boolean locked = info != null && info.lockedAt(now);
                indexFiles.put(id, new IndexFileInfo(id, List.copyOf(file.packs().keySet()), file.blobCount(), locked));
                if (locked) {
                    file.packs().keySet().forEach(p -> namedByLockedIndex.merge(p, info.retainUntil(),
                            (a, b) -> a.isAfter(b) ? a : b));
                }
            });
            if (!damaged.isEmpty()) {
                throw new IntegrityException(damaged.get(0).objectName(), "cannot be read, so prune cannot know what"
                        + " the packs it names hold and deletes nothing; run 'lifeboat repair index' first ("
                        + damaged.get(0).getMessage() + ")");
            }
            index = repo.index();
            for (BlobInfo info : repo.store().list(Repository.DATA + "/")) {
                Id pack = Packs.idOf(info.name());
                if (pack != null) {
                    packs.put(pack, info);
                }
            }
        }

        /** Until when a pack may not be deleted (its own lock or that of an index file naming it), or null. */
        Instant lockedUntil(Id pack) {
            BlobInfo info = packs.get(pack);
            Instant own = info != null && info.lockedAt(now) ? info.retainUntil() : null;
            Instant viaIndex = namedByLockedIndex.get(pack);
            if (own == null) {
                return viaIndex;
            }
            return viaIndex == null || own.isAfter(viaIndex) ? own : viaIndex;
        }

        /** Soft-deleted snapshots whose first tombstone is older than the grace period and that are not locked. */
        Set<Id> expired() throws IOException {
            Set<Id> out = new LinkedHashSet<>();
            for (Snapshot s : snapshots) {
                Tombstone t = firstTombstone.get(s.id());
                if (t != null && !t.time().plus(options.grace()).isAfter(now)) {
                    BlobInfo info = repo.store().stat(Repository.SNAPSHOTS + "/" + s.id().hex());
                    if (!info.lockedAt(now)) {
                        out.add(s.id());
                    }
                }
            }
            return out;
        }

        /** Marks every blob the snapshots not in {@code dropped} reference, by index ordinal. */
        BitSet referenced(Set<Id> dropped) throws IOException {
            BitSet marked = new BitSet(index.size());
            Deque<Id> trees = new ArrayDeque<>();
            for (Snapshot s : snapshots) {
                if (!dropped.contains(s.id())) {
                    trees.push(s.tree());
                }
            }
            while (!trees.isEmpty()) {
                Id treeId = trees.pop();
                int ord = ordinal(treeId, "tree");
                if (marked.get(ord)) {
                    continue; // shared with a snapshot walked already
                }
                marked.set(ord);
                Tree tree = repo.loadTreeOnce(treeId); // once per tree: `marked`
                for (Node node : tree.nodes()) {
                    if (node.subtree() != null) {
                        trees.push(node.subtree());
                    }
                    if (node.chunks() != null) {
                        for (Id chunk : node.chunks()) {
                            marked.set(ordinal(chunk, "chunk"));
                        }
                    }
                }
            }
            return marked;
        }

        private int ordinal(Id id, String what) throws IntegrityException {
            int ord = index.ordinal(id);
            if (ord < 0) {
                throw new IntegrityException(what + " " + id.shortHex(), "is referenced by a snapshot but in no index,"
                        + " so prune deletes nothing; run 'lifeboat repair index', then 'lifeboat check'");
            }
            return ord;
        }
    }

    // ---- phase 2 -------------------------------------------------------------------

    private Carried carryOut(List<PrunePlan> plans, Locked locked) throws IOException {
        progress.accept("carrying out " + plans.size() + " prune plan(s)");
        State st = new State();
        Set<Id> plannedSnapshots = new HashSet<>();
        Set<Id> plannedPacks = new LinkedHashSet<>();
        for (PrunePlan p : plans) {
            plannedSnapshots.addAll(p.snapshots());
            plannedPacks.addAll(p.packs());
        }
        // Only what was planned and is still past its grace period goes (undelete may have
        // brought a snapshot back since).
        Set<Id> dropped = st.expired();
        dropped.retainAll(plannedSnapshots);
        BitSet marked = st.referenced(dropped);

        Set<Id> doomed = new LinkedHashSet<>();
        for (Id pack : plannedPacks) {
            BlobInfo info = st.packs.get(pack);
            if (info == null) {
                continue; // gone already (an earlier run was interrupted after deleting it)
            }
            Instant lockedUntil = st.lockedUntil(pack);
            if (lockedUntil != null) {
                locked.add(pack, info.size(), lockedUntil);
                continue;
            }
            doomed.add(pack);
        }
        // Keep every planned pack that holds the only surviving copy of a marked blob: the
        // snapshot of a backup that was running when the plan was made may reference it.
        int kept = 0;
        for (int ord = marked.nextSetBit(0); ord >= 0; ord = marked.nextSetBit(ord + 1)) {
            List<PackEntry> copies = st.index.copiesOf(st.index.id(ord));
            boolean survives = false;
            for (PackEntry c : copies) {
                if (!doomed.contains(c.pack()) && st.packs.containsKey(c.pack())) {
                    survives = true;
                    break;
                }
            }
            if (!survives) {
                for (PackEntry c : copies) {
                    if (doomed.remove(c.pack())) {
                        kept++;
                        break;
                    }
                }
            }
        }
        long bytes = 0;
        for (Id pack : doomed) {
            bytes += st.packs.get(pack).size();
        }
        List<Id> planIds = plans.stream().map(PrunePlan::id).toList();
        if (options.dryRun()) {
            int[] rewritten = compactionSize(st, doomed);
            return new Carried(planIds, doomed.size(), bytes, kept, dropped.size(), rewritten[0], rewritten[1]);
        }
        // What references packs first (the expired snapshots, then their tombstones), so
        // that no snapshot is left whose trees the index no longer names; then the index,
        // so that no index file names a pack once it is gone; then the packs; the plans
        // last, so that an interrupted run is simply carried out again.
        removeSnapshots(st, dropped, plannedSnapshots);
        int[] compacted = compact(st, doomed);
        progress.accept("deleting " + doomed.size() + " packs");
        for (Id pack : doomed) {
            deleteIfUnlocked(Packs.name(pack));
        }
        for (Id plan : planIds) {
            repo.store().delete(Repository.PRUNE + "/" + plan.hex());
        }
        return new Carried(planIds, doomed.size(), bytes, kept, dropped.size(), compacted[0], compacted[1]);
    }

    /**
     * Deletes the dropped snapshots, then their tombstones, and the tombstones of planned
     * snapshots that are gone already (a run interrupted between a snapshot and its
     * tombstone): nothing else would ever remove those.
     */
    private void removeSnapshots(State st, Set<Id> dropped, Set<Id> planned) throws IOException {
        for (Id s : dropped) {
            deleteIfUnlocked(Repository.SNAPSHOTS + "/" + s.hex());
        }
        Set<Id> present = new HashSet<>();
        st.snapshots.forEach(s -> present.add(s.id()));
        for (Tombstone t : repo.tombstones(e -> { })) {
            boolean gone = planned.contains(t.snapshot()) && !present.contains(t.snapshot());
            if (dropped.contains(t.snapshot()) || gone) {
                deleteIfUnlocked(Repository.DELETED + "/" + t.id().hex());
            }
        }
    }

    private void deleteIfUnlocked(String name) throws IOException {
        try {
            repo.store().delete(name);
        } catch (ObjectLockedException e) {
            warnings.add(e.getMessage());
        }
    }

    /** The unlocked index files compaction rewrites: those naming a doomed pack, and the small ones once there are many. */
    private List<IndexFileInfo> toRewrite(State st, Set<Id> doomed) {
        List<IndexFileInfo> unlocked = st.indexFiles.values().stream().filter(f -> !f.locked()).toList();
        List<IndexFileInfo> small = unlocked.stream().filter(f -> f.blobs() < SMALL_ENTRIES).toList();
        boolean mergeSmall = small.size() >= SMALL_FILES;
        List<IndexFileInfo> out = new ArrayList<>();
        for (IndexFileInfo f : unlocked) {
            if ((mergeSmall && f.blobs() < SMALL_ENTRIES) || f.packs().stream().anyMatch(doomed::contains)) {
                out.add(f);
            }
        }
        return out;
    }

    /** {rewritten, written} for a dry run: how many index files compaction would replace, and by how many. */
    private int[] compactionSize(State st, Set<Id> doomed) {
        List<IndexFileInfo> files = toRewrite(st, doomed);
        long blobs = 0;
        for (IndexFileInfo f : files) {
            blobs += f.blobs();
        }
        return new int[] {files.size(), (int) ((blobs + COMPACT_ENTRIES - 1) / COMPACT_ENTRIES)};
    }

    /**
     * Rewrites the index files that name doomed packs (and merges small ones): the packs
     * they name, less the doomed, go into new files of up to {@link #COMPACT_ENTRIES}
     * blobs, each listing the files it replaces; the old files are deleted once all the
     * new ones are stored. Returns {rewritten, written}.
     */
    private int[] compact(State st, Set<Id> doomed) throws IOException {
        List<IndexFileInfo> files = toRewrite(st, doomed);
        if (files.isEmpty()) {
            return new int[] {0, 0};
        }
        progress.accept("compacting " + files.size() + " index files");
        List<Id> replaced = files.stream().map(IndexFileInfo::id).toList();
        Set<Id> done = new HashSet<>();
        Map<Id, List<PackEntry>> batch = new LinkedHashMap<>();
        int entries = 0;
        int written = 0;
        for (IndexFileInfo f : files) {
            IndexFile file;
            try {
                file = IndexFile.decode(repo.loadObject(Repository.INDEX, f.id()));
            } catch (io.lifeboat.core.internal.format.CorruptObjectException e) {
                throw new IntegrityException(Repository.INDEX + "/" + f.id().hex(), "malformed: " + e.getMessage(), e);
            }
            for (Map.Entry<Id, List<PackEntry>> e : file.packs().entrySet()) {
                if (doomed.contains(e.getKey()) || !done.add(e.getKey())) {
                    continue;
                }
                batch.put(e.getKey(), e.getValue());
                entries += e.getValue().size();
                if (entries >= COMPACT_ENTRIES) {
                    repo.saveIndex(batch, replaced);
                    written++;
                    batch = new LinkedHashMap<>();
                    entries = 0;
                }
            }
        }
        if (!batch.isEmpty()) {
            repo.saveIndex(batch, replaced);
            written++;
        }
        for (Id id : replaced) {
            deleteIfUnlocked(Repository.INDEX + "/" + id.hex());
        }
        return new int[] {files.size(), written};
    }

    // ---- phase 1 -------------------------------------------------------------------

    private Planned plan(Locked locked) throws IOException {
        progress.accept("finding unused data");
        State st = new State();
        Set<Id> expired = st.expired();
        BitSet marked = st.referenced(expired);
        Set<Id> pending = st.index.doomed(); // planned already, by plans not yet carried out
        Set<Id> newlyExpired = new LinkedHashSet<>(expired);
        for (PrunePlan p : repo.prunePlans(e -> { })) {
            p.snapshots().forEach(newlyExpired::remove);
        }
        Map<Id, long[]> usage = new HashMap<>(); // pack -> {used bytes, unused bytes}
        for (PackEntry e : st.index.allCopies()) {
            boolean used = marked.get(st.index.ordinal(e.id())) && st.index.get(e.id()).equals(e);
            usage.computeIfAbsent(e.pack(), k -> new long[2])[used ? 0 : 1] += e.length();
        }
        Set<Id> delete = new LinkedHashSet<>();
        Set<Id> repack = new LinkedHashSet<>();
        long unusedKept = 0;
        for (Map.Entry<Id, BlobInfo> p : st.packs.entrySet()) {
            Id pack = p.getKey();
            if (pending.contains(pack)) {
                continue;
            }
            long[] u = usage.get(pack);
            boolean unused = u == null || u[0] == 0;
            boolean wasteful = !unused && u[1] > options.maxWaste() * (u[0] + u[1]);
            if (!unused && !wasteful) {
                unusedKept += u[1];
                continue;
            }
            Instant lockedUntil = st.lockedUntil(pack);
            if (lockedUntil != null) {
                locked.add(pack, p.getValue().size(), lockedUntil);
                continue;
            }
            (unused ? delete : repack).add(pack);
        }
        long repackedBytes = 0;
        for (Id pack : repack) {
            repackedBytes += usage.get(pack)[0];
        }
        long freed = 0;
        for (Id pack : delete) {
            freed += st.packs.get(pack).size();
        }
        for (Id pack : repack) {
            freed += st.packs.get(pack).size() - usage.get(pack)[0];
        }
        if (delete.isEmpty() && repack.isEmpty() && newlyExpired.isEmpty()) {
            return new Planned(null, 0, 0, 0, 0, 0, unusedKept);
        }
        if (options.dryRun()) {
            return new Planned(null, delete.size() + repack.size(), freed, repack.size(), repackedBytes,
                    newlyExpired.size(), unusedKept);
        }
        Set<Id> repacked = repack.isEmpty() ? Set.of() : repack(st, marked, repack);
        if (repacked.size() < repack.size()) {
            for (Id pack : repack) {
                if (!repacked.contains(pack)) {
                    freed -= st.packs.get(pack).size() - usage.get(pack)[0];
                    repackedBytes -= usage.get(pack)[0];
                }
            }
        }
        List<Id> packs = new ArrayList<>(delete);
        packs.addAll(repacked);
        if (packs.isEmpty() && newlyExpired.isEmpty()) {
            return new Planned(null, 0, 0, 0, 0, 0, unusedKept);
        }
        // Stamped when stored, not when marking began: phase 2 waits only for backups that
        // began before this time (plus the skew), and a backup that began during marking or
        // repacking read the plans before this one existed, so it may reuse these packs.
        PrunePlan plan = new PrunePlan(null, options.clock().instant(), options.hostname(), options.username(), packs,
                new ArrayList<>(newlyExpired), options.maxClockSkew());
        Id id = repo.saveObject(Repository.PRUNE, MaintenanceJson.encode(plan));
        return new Planned(id, packs.size(), freed, repacked.size(), repackedBytes, newlyExpired.size(), unusedKept);
    }

    /**
     * Copies the used blobs of {@code packs} into new packs, as they are stored (sealed;
     * each is opened and verified first), and indexes the new packs. Returns the packs
     * whose used blobs are all copied; a pack with a damaged used blob is left alone.
     */
    private Set<Id> repack(State st, BitSet marked, Set<Id> packs) throws IOException {
        progress.accept("repacking " + packs.size() + " partly used packs");
        Map<Id, List<PackEntry>> used = new HashMap<>();
        for (PackEntry e : st.index.allCopies()) {
            if (packs.contains(e.pack()) && marked.get(st.index.ordinal(e.id())) && st.index.get(e.id()).equals(e)) {
                used.computeIfAbsent(e.pack(), k -> new ArrayList<>()).add(e);
            }
        }
        int packSize = repo.config().packSize();
        Map<BlobType, PackBuilder> builders = new EnumMap<>(BlobType.class);
        Map<Id, List<PackEntry>> stored = new LinkedHashMap<>();
        Set<Id> done = new LinkedHashSet<>();
        for (Id pack : packs) {
            List<PackEntry> entries = new ArrayList<>(used.getOrDefault(pack, List.of()));
            entries.sort(Comparator.comparingLong(PackEntry::offset));
            byte[] bytes;
            try {
                bytes = repo.store().get(Packs.name(pack));
                for (PackEntry e : entries) {
                    if (e.offset() + e.length() > bytes.length) {
                        throw new IntegrityException(Packs.name(pack), "truncated");
                    }
                    repo.openBlob(e, bytes, (int) e.offset(), e.length()); // verify before copying
                }
            } catch (IntegrityException | NoSuchBlobException e) {
                warnings.add("pack " + pack.shortHex() + " not repacked: " + e.getMessage() + "; run 'lifeboat check'");
                continue;
            }
            for (PackEntry e : entries) {
                PackBuilder b = builders.computeIfAbsent(e.type(), t -> new PackBuilder(t, packSize));
                if (!b.isEmpty() && b.projectedSize(e.length()) > packSize) {
                    store(b, stored);
                    b = new PackBuilder(e.type(), packSize);
                    builders.put(e.type(), b);
                }
                b.add(e.id(), bytes, (int) e.offset(), e.length(), e.rawLength());
            }
            done.add(pack);
        }
        for (PackBuilder b : builders.values()) {
            if (!b.isEmpty()) {
                store(b, stored);
            }
        }
        if (!stored.isEmpty()) {
            repo.saveIndex(stored); // the copies are reusable from here on; the plan comes after
        }
        return done;
    }

    private void store(PackBuilder b, Map<Id, List<PackEntry>> stored) throws IOException {
        PackBuilder.Sealed sealed = b.finish(repo.envelope());
        repo.store().putIfAbsent(Packs.name(sealed.id()), sealed.bytes(), 0, sealed.length(), repo.retainUntil());
        stored.put(sealed.id(), sealed.entries());
    }
}
