package io.lifeboat.core.internal.engine;

import io.lifeboat.core.CheckOptions;
import io.lifeboat.core.CheckReport;
import io.lifeboat.core.Id;
import io.lifeboat.core.IntegrityException;
import io.lifeboat.core.Repository;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.Tombstone;
import io.lifeboat.core.internal.format.MaintenanceJson;
import io.lifeboat.core.internal.format.Node;
import io.lifeboat.core.internal.format.Node.NodeType;
import io.lifeboat.core.internal.format.PackEntry;
import io.lifeboat.core.internal.format.Packs;
import io.lifeboat.core.internal.format.Tree;
import io.lifeboat.core.internal.io.Buf;
import io.lifeboat.core.internal.io.FileIo;
import io.lifeboat.core.storage.BlobInfo;
import io.lifeboat.core.storage.NoSuchBlobException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Verifies a repository: the index against the packs that exist, every snapshot's trees
 * and the presence of every chunk they name; with {@code readData}, every byte of the
 * (chosen) packs: the SHA-256 of each pack against its name, its header against the index
 * and every blob's authentication and keyed hash. Damage is mapped back to the files it
 * affects.
 */
public final class CheckEngine {
    private final Repository repo;
    private final CheckOptions options;
    private final ByteBudget budget;
    private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    private final List<String> infos = new ArrayList<>();
    /** Blobs found missing or damaged, and packs found damaged as a whole. */
    private final Set<Id> badBlobs = ConcurrentHashMap.newKeySet();
    private final Set<Id> badPacks = ConcurrentHashMap.newKeySet();
    private long trees;
    private long packsRead;
    /**
     * The buffers of the packs being verified, one set per pack verified at once: as many
     * as there are cores (or reader threads, if fewer). Readers beyond that wait for one
     * with their pack opened (for a remote store, fetched): verifying is work for a core,
     * and more at once only time-slices them and holds more buffers.
     */
    private final BlockingQueue<Verifier> verifiers;
    private final AtomicInteger verifying = new AtomicInteger();
    private final AtomicInteger peakVerifying = new AtomicInteger();

    public CheckEngine(Repository repo, CheckOptions options) {
        this(repo, options, new ByteBudget(ByteBudget.DEFAULT), Runtime.getRuntime().availableProcessors());
    }

    /**
     * With a budget for the bytes of packs held in memory at once, whatever the threads, and
     * at most {@code cores} packs verified at once.
     */
    CheckEngine(Repository repo, CheckOptions options, ByteBudget budget, int cores) {
        this.repo = repo;
        this.options = options;
        this.budget = budget;
        int n = Math.max(1, Math.min(options.threads(), cores));
        this.verifiers = new ArrayBlockingQueue<>(n);
        for (int i = 0; i < n; i++) {
            verifiers.add(new Verifier());
        }
    }

    /** The most packs verified at once (for tests of the limit). */
    int peakVerifying() {
        return peakVerifying.get();
    }

    /**
     * Reads in the reverse of the order writers write (packs, then index files, then the
     * snapshot): snapshots first, then the index, then the pack listing. Whatever a backup
     * running meanwhile adds, every snapshot seen has its index seen and every indexed
     * pack is listed, so a concurrent writer never looks like damage.
     */
    public CheckReport run() throws IOException {
        checkKeySlots();
        List<Id> snapshotIds = repo.listObjects(Repository.SNAPSHOTS);
        for (IntegrityException e : repo.loadIndex()) {
            errors.add("index " + e.getMessage());
        }
        Map<Id, Long> packSizes = listPacks();
        Map<Id, List<PackEntry>> indexed = indexedPacks();
        checkPacksExist(packSizes, indexed);
        List<Snapshot> snapshots = loadSnapshots(snapshotIds);
        checkTombstones(snapshotIds);
        checkPolicies();
        checkCatalog();
        checkMaintenance();
        walkSnapshots(snapshots);
        if (options.readData()) {
            readPacks(packSizes, indexed);
        }
        List<String> files = badBlobs.isEmpty() && badPacks.isEmpty() ? List.of() : affectedFiles(snapshots, indexed);
        return new CheckReport(packSizes.size(), packsRead, snapshots.size(), trees, repo.index().size(), errors, infos,
                files);
    }

    /** Every key slot must parse and hash to its name, or a later open may find no key. */
    private void checkKeySlots() throws IOException {
        for (io.lifeboat.core.storage.BlobInfo info : repo.store().list(Repository.KEYS + "/")) {
            byte[] bytes = repo.store().get(info.name());
            String hex = info.name().substring(info.name().lastIndexOf('/') + 1);
            if (!Id.sha256(bytes).hex().equals(hex)) {
                errors.add(info.name() + ": content does not match its name (damaged key slot)");
                continue;
            }
            try {
                io.lifeboat.core.internal.crypto.KeySlot.fromJson(bytes);
            } catch (IOException e) {
                errors.add(info.name() + ": not a readable key slot: " + e.getMessage());
            }
        }
    }

    private Map<Id, Long> listPacks() throws IOException {
        Map<Id, Long> sizes = new HashMap<>();
        for (BlobInfo info : repo.store().list(Repository.DATA + "/")) {
            Id id = Packs.idOf(info.name());
            if (id == null) {
                infos.add("unexpected object " + info.name() + " (not a pack)");
            } else {
                sizes.put(id, info.size());
            }
        }
        return sizes;
    }

    private Map<Id, List<PackEntry>> indexedPacks() {
        Map<Id, List<PackEntry>> packs = new HashMap<>();
        for (PackEntry e : repo.index().allCopies()) {
            packs.computeIfAbsent(e.pack(), k -> new ArrayList<>()).add(e);
        }
        return packs;
    }

    private void checkPacksExist(Map<Id, Long> sizes, Map<Id, List<PackEntry>> indexed) {
        for (Map.Entry<Id, List<PackEntry>> e : indexed.entrySet()) {
            Id pack = e.getKey();
            Long size = sizes.get(pack);
            if (size == null) {
                error(pack, Packs.name(pack) + ": missing (the index lists " + e.getValue().size() + " blobs in it)");
                continue;
            }
            long end = e.getValue().stream().mapToLong(PackEntry::end).max().orElse(0);
            if (size < end + Packs.TRAILER) {
                errors.add(Packs.name(pack) + ": truncated (" + size + " bytes; its blobs alone need " + end + ")");
                for (PackEntry blob : e.getValue()) {
                    if (blob.end() > size) {
                        badBlobs.add(blob.id());
                    }
                }
            }
        }
        for (Id pack : sizes.keySet()) {
            if (!indexed.containsKey(pack)) {
                infos.add("pack " + pack.shortHex() + " is in no index (left by an interrupted backup; harmless)");
            }
        }
    }

    /** A whole pack is lost: every blob in it is damage. */
    private void error(Id pack, String message) {
        badPacks.add(pack);
        errors.add(message);
    }

    private List<Snapshot> loadSnapshots(List<Id> ids) throws IOException {
        List<Snapshot> out = new ArrayList<>();
        for (Id id : ids) {
            try {
                out.add(repo.loadSnapshot(id));
            } catch (IntegrityException e) {
                errors.add("snapshot " + e.getMessage());
            }
        }
        return out;
    }

    /**
     * Every catalog event opens (its meaning is lifeboat-catalog's to check), and every claim
     * holds the 32 bytes of a keyed hash, named by their SHA-256.
     */
    private void checkCatalog() throws IOException {
        for (Id id : repo.listObjects(Repository.CATALOG)) {
            try {
                repo.loadObject(Repository.CATALOG, id);
            } catch (IntegrityException e) {
                if (!(e.getCause() instanceof io.lifeboat.core.storage.NoSuchBlobException)) {
                    errors.add("catalog event " + e.getMessage() + " (the model registry reads without it)");
                }
            }
        }
        for (Id id : repo.listObjects(Repository.CLAIMS)) {
            String name = Repository.CLAIMS + "/" + id.hex();
            try {
                byte[] claim = repo.store().get(name);
                if (claim.length != Id.LENGTH || !Id.sha256(claim).equals(id)) {
                    errors.add("version claim " + name + ": content does not match its name (damaged)");
                }
            } catch (io.lifeboat.core.storage.NoSuchBlobException e) {
                // never deleted; vanished means the listing raced a repair by hand
            }
        }
    }

    /** Every raised retention lock opens: one that cannot be read may have raised the lock, so it is damage. */
    private void checkPolicies() throws IOException {
        for (Id id : repo.listObjects(Repository.POLICY)) {
            try {
                repo.loadObject(Repository.POLICY, id);
            } catch (IntegrityException e) {
                errors.add("retention policy " + e.getMessage() + " (the lock it raised may not be in force)");
            }
        }
    }

    /**
     * Prune plans and session markers open. Pending plans and running (or abandoned)
     * sessions are information: a prune carries the plans out and removes dead markers.
     */
    private void checkMaintenance() throws IOException {
        for (MaintenanceJson.PrunePlan p : repo.prunePlans(e -> errors.add("prune plan " + e.getMessage()
                + " (ignored by prune and backups: nothing it lists is deleted)"))) {
            infos.add("prune plan " + p.id().shortHex() + " made at " + p.time() + " on " + p.hostname() + ": "
                    + p.packs().size() + " packs and " + p.snapshots().size()
                    + " snapshots to delete at a later prune");
        }
        java.time.Instant now = java.time.Instant.now();
        for (MaintenanceJson.SessionMarker m : Session.list(repo)) {
            infos.add(Session.alive(m, now, PruneEngine.DEFAULT_MAX_CLOCK_SKEW)
                    ? "a " + m.kind() + " on " + m.hostname() + " has been running since " + m.start()
                    : "session marker of a " + m.kind() + " on " + m.hostname() + " that began at " + m.start()
                            + " and ended without removing it (a prune removes it)");
        }
    }

    /**
     * Every tombstone opens; one naming a snapshot that is not there (pruned, or listed
     * after the snapshots were) is information, not damage: it deletes nothing.
     */
    private void checkTombstones(List<Id> snapshotIds) throws IOException {
        Set<Id> present = new HashSet<>(snapshotIds);
        for (Tombstone t : repo.tombstones(e -> errors.add("tombstone " + e.getMessage()))) {
            if (!present.contains(t.snapshot())) {
                infos.add("tombstone " + t.id().shortHex() + " names snapshot " + t.snapshot().shortHex()
                        + ", which is not in the repository (pruned): it can go");
            }
        }
    }

    /** Every tree loads and every chunk a file names is in the index. */
    private void walkSnapshots(List<Snapshot> snapshots) {
        Set<Id> seen = new HashSet<>();
        for (Snapshot s : snapshots) {
            walkTree(s, s.tree(), "", seen);
        }
    }

    private void walkTree(Snapshot s, Id treeId, String path, Set<Id> seen) {
        if (!seen.add(treeId)) {
            return;
        }
        trees++;
        Tree tree;
        try {
            tree = repo.loadTreeOnce(treeId); // once per tree: `seen`
        } catch (IOException e) {
            badBlobs.add(treeId);
            errors.add("snapshot " + s.id().shortHex() + ": directory " + (path.isEmpty() ? "/" : path) + " unreadable: "
                    + e.getMessage());
            return;
        }
        for (Node n : tree.nodes()) {
            String child = path + "/" + n.name();
            if (n.type() == NodeType.DIR) {
                walkTree(s, n.subtree(), child, seen);
            } else if (n.type() == NodeType.FILE) {
                for (Id c : n.chunks()) {
                    if (!repo.index().contains(c) && badBlobs.add(c)) {
                        errors.add("snapshot " + s.id().shortHex() + ": " + child + ": chunk " + c.shortHex()
                                + " is in no index (missing)");
                    }
                }
            }
        }
    }

    // ---- reading data ------------------------------------------------------------

    private void readPacks(Map<Id, Long> sizes, Map<Id, List<PackEntry>> indexed) throws IOException {
        List<Id> chosen = new ArrayList<>(sizes.keySet());
        if (options.subsetPercent() < 100) {
            Collections.shuffle(chosen, ThreadLocalRandom.current());
            int n = (int) Math.ceil(chosen.size() * options.subsetPercent() / 100.0);
            chosen = chosen.subList(0, Math.min(chosen.size(), n));
        }
        Parallel.forEach(chosen, options.threads(), "lifeboat-check",
                pack -> readPack(pack, sizes.get(pack), indexed.getOrDefault(pack, List.of())));
        packsRead = chosen.size();
    }

    private void readPack(Id pack, long size, List<PackEntry> indexedEntries) throws IOException {
        String name = Packs.name(pack);
        int room = budget.take(size);
        try (InputStream in = repo.store().openStream(name)) {
            Verifier v = takeVerifier();
            peakVerifying.accumulateAndGet(verifying.incrementAndGet(), Math::max);
            try {
                verifyPack(pack, name, in, size, indexedEntries, v);
            } finally {
                verifying.decrementAndGet();
                v.trim();
                verifiers.add(v);
            }
        } catch (NoSuchBlobException e) {
            // reported as missing already
        } finally {
            budget.give(room);
        }
    }

    private Verifier takeVerifier() throws InterruptedIOException {
        try {
            return verifiers.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to verify a pack");
        }
    }

    /** The buffers one pack verification reuses: the pack's bytes, and each blob's plaintext. */
    private static final class Verifier {
        /** Pack buffers grown past this (for a rare huge pack) are dropped after use. */
        private static final int RETAINED_PACK_BUFFER = 64 * 1024 * 1024;
        /** Plaintext buffers grown past this (for a rare huge blob) are dropped after use. */
        private static final int RETAINED_PLAIN_BUFFER = 4 * 1024 * 1024;

        final Buf pack = new Buf();
        final Buf plain = new Buf();

        void trim() {
            pack.trim(RETAINED_PACK_BUFFER);
            plain.trim(RETAINED_PLAIN_BUFFER);
        }
    }

    /** The largest pack that can be read (the largest Java array). */
    private static final int MAX_PACK = Integer.MAX_VALUE - 16;

    /**
     * Reads a pack front to back in slices of {@link FileIo#SLICE} bytes into the verifier's
     * buffer, hashing each slice as it arrives and verifying each indexed blob as soon as
     * its last byte has: while the bytes are still in the processor's cache, where a pack
     * read whole first came back from memory to be hashed and again to be opened. The
     * header, at the pack's end, is checked last; the findings are then reported as if it
     * had been read first: the pack's hash, its header, then each indexed blob in index
     * order, a blob that a readable header does not list as such rather than with what its
     * verification found.
     */
    private void verifyPack(Id pack, String name, InputStream in, long listedSize, List<PackEntry> entries, Verifier v)
            throws IOException {
        // The entries in the order their last byte arrives, and what verifying each found.
        List<Integer> byEnd = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            byEnd.add(i);
        }
        byEnd.sort(Comparator.comparingLong(i -> entries.get(i).end()));
        String[] found = new String[entries.size()];
        int next = 0;
        MessageDigest sha = Id.sha256();
        // Room for a byte more than listed, so that the end is found without growing.
        byte[] bytes = v.pack.ensure((int) Math.min(MAX_PACK, listedSize + 1));
        int size = 0;
        while (true) {
            if (size == bytes.length) {
                if (size == MAX_PACK) {
                    throw new IOException(name + " is too large to check (over " + MAX_PACK + " bytes)");
                }
                v.pack.length(size);
                bytes = v.pack.grow(size + 1);
            }
            int n = in.read(bytes, size, Math.min(FileIo.SLICE, bytes.length - size));
            if (n < 0) {
                break;
            }
            sha.update(bytes, size, n);
            size += n;
            for (; next < byEnd.size() && entries.get(byEnd.get(next)).end() <= size; next++) {
                int i = byEnd.get(next);
                found[i] = verifyBlob(entries.get(i), bytes, v.plain);
            }
        }
        report(pack, name, Id.of(sha.digest()), bytes, size, entries, found);
    }

    /** Reports what {@link #verifyPack} found in the {@code size} bytes of a pack. */
    private void report(Id pack, String name, Id hash, byte[] bytes, int size, List<PackEntry> entries, String[] found) {
        if (!hash.equals(pack)) {
            // Which blobs suffer is found blob by blob below.
            errors.add(name + ": content does not match its name (damaged)");
        }
        List<PackEntry> header;
        try {
            header = Packs.readHeader(pack, bytes, size, repo.envelope());
        } catch (IntegrityException e) {
            errors.add(e.getMessage());
            header = List.of();
        }
        Set<String> inHeader = new HashSet<>();
        for (PackEntry e : header) {
            inHeader.add(e.id().hex() + "@" + e.offset() + "+" + e.length());
        }
        for (int i = 0; i < entries.size(); i++) {
            PackEntry e = entries.get(i);
            String error;
            if (!header.isEmpty() && !inHeader.contains(e.id().hex() + "@" + e.offset() + "+" + e.length())) {
                error = name + ": blob " + e.id().shortHex() + " is in the index but not in the pack's header";
            } else if (e.end() > size) {
                error = name + ": blob " + e.id().shortHex() + " runs past the end of the pack (truncated)";
            } else {
                error = found[i];
            }
            if (error != null) {
                badBlobs.add(e.id());
                errors.add(error);
            }
        }
    }

    /** Opens, decodes and hashes one blob of a pack held in {@code bytes}; returns what is wrong with it, or null. */
    private String verifyBlob(PackEntry e, byte[] bytes, Buf plain) {
        try {
            repo.openBlob(e, bytes, (int) e.offset(), e.length(), plain);
            return null;
        } catch (IntegrityException ex) {
            return ex.getMessage();
        }
    }

    // ---- mapping damage to files ---------------------------------------------------

    private List<String> affectedFiles(List<Snapshot> snapshots, Map<Id, List<PackEntry>> indexed) {
        Set<Id> bad = new HashSet<>(badBlobs);
        for (Id pack : badPacks) {
            for (PackEntry e : indexed.getOrDefault(pack, List.of())) {
                bad.add(e.id());
            }
        }
        List<String> out = new ArrayList<>();
        for (Snapshot s : snapshots) {
            collect(s, s.tree(), "", bad, out);
        }
        return out;
    }

    private void collect(Snapshot s, Id treeId, String path, Set<Id> bad, List<String> out) {
        if (bad.contains(treeId)) {
            out.add(s.id().shortHex() + ":" + (path.isEmpty() ? "/" : path) + "/ (directory listing)");
            return;
        }
        Tree tree;
        try {
            tree = repo.loadTree(treeId);
        } catch (IOException e) {
            return;
        }
        for (Node n : tree.nodes()) {
            String child = path + "/" + n.name();
            if (n.type() == NodeType.DIR) {
                collect(s, n.subtree(), child, bad, out);
            } else if (n.type() == NodeType.FILE && n.chunks().stream().anyMatch(bad::contains)) {
                out.add(s.id().shortHex() + ":" + child);
            }
        }
    }
}
