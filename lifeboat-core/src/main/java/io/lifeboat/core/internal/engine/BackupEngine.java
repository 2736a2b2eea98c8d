package io.lifeboat.core.internal.engine;

import io.lifeboat.core.BackupListener;
import io.lifeboat.core.BackupOptions;
import io.lifeboat.core.Id;
import io.lifeboat.core.IntegrityException;
import io.lifeboat.core.Repository;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.internal.chunk.Chunk;
import io.lifeboat.core.internal.chunk.Chunker;
import io.lifeboat.core.internal.codec.BlobCodec;
import io.lifeboat.core.internal.format.BlobType;
import io.lifeboat.core.internal.format.MaintenanceJson;
import io.lifeboat.core.internal.format.Node;
import io.lifeboat.core.internal.format.Node.NodeType;
import io.lifeboat.core.internal.format.PackBuilder;
import io.lifeboat.core.internal.format.PackEntry;
import io.lifeboat.core.internal.format.Tree;
import io.lifeboat.core.internal.io.Buf;
import io.lifeboat.core.internal.io.BufferPool;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Backs up paths (or a stream) into a snapshot.
 *
 * <p>Pipeline: one walker (the calling thread) lists directories depth-first and hands
 * files to the <em>reader</em> pool; a reader chunks its file and hands each chunk to the
 * <em>CPU</em> pool (hash, dedup, compress, seal), except that a file of one chunk is
 * processed by the reader itself; sealed blobs go to a {@link Packer}, which uploads full
 * packs from the <em>upload</em> pool. A directory's tree is stored when all its entries
 * are done.
 *
 * <p>Memory is bounded whatever the thread count: by a byte budget on chunks in flight
 * ({@value #CHUNK_BUDGET} bytes of their arrays, or one array of {@code maxSize} if that is
 * more), a byte budget on readers' arrays, a cap on files in flight and a cap on packs
 * waiting for upload. A reader reads each chunk straight into the array the chunk is handed
 * on in (see {@link Chunker}); it reserves the largest array its file needs (up to
 * {@code maxSize}, see {@link Chunker#bufferSize}) from the read budget
 * ({@value #READ_BUDGET} bytes, or one full array if that is more) before it opens the
 * file, so that few readers hold a large array at once while many read small files. Each
 * reader also holds at most two chunks it cut and has not handed on (one waiting for the
 * chunk budget while the next is read, or a single-chunk file being encoded and sealed),
 * none larger than {@code maxSize}: readers together hold at most about three times the
 * read budget. A file that grows while it is read may grow its array past what it
 * reserved, up to {@code maxSize}.
 *
 * <p>Failure: anything a worker throws other than a source file it cannot read (a
 * repository failure, an {@link Error} such as {@link OutOfMemoryError}) is fatal. The
 * first one is recorded; the walker and readers stop taking new work when they see it, and
 * {@link #run} throws it. Every permit is released in a {@code finally}, so that a failure
 * never leaves another thread waiting for ever.
 *
 * <p>Order of writes: packs, then the index files naming them, then the snapshot. A
 * crash leaves at worst unreferenced packs, never a snapshot that names missing data.
 */
public final class BackupEngine {
    /**
     * Bytes of chunks read but not yet packed. With one sealed data pack uploading and one
     * filling, the read budget and the idle arrays of the buffer pool, a backup holds
     * about 110-140 MiB at the defaults, whatever the thread count (see docs/architecture.md,
     * backpressure).
     */
    private static final int CHUNK_BUDGET = 16 * 1024 * 1024;
    /** Bytes of arrays that readers may hold at once (at least one of {@code maxSize}). */
    private static final int READ_BUDGET = 32 * 1024 * 1024;
    /**
     * Sealed packs of one type that may wait for upload while the next fills. One keeps a
     * local disk busy: writing a 16 MiB pack takes a fraction of the time filling it does.
     */
    private static final int PACKS_IN_FLIGHT = 1;
    /**
     * Packs per index file written during a backup. Data becomes reusable by a later
     * backup once an index names it, so this bounds what an interrupted backup loses.
     */
    private static final int PACKS_PER_INDEX = 8;

    private final Repository repo;
    private final BackupOptions options;
    private final BackupListener listener;
    private final Stats stats = new Stats();
    /**
     * Blobs this backup has taken on to store that no index lists yet: whoever adds an id
     * here stores it, so two workers never store one blob twice. An id leaves the set once
     * its pack is indexed, which keeps the set as small as the data in flight.
     */
    private final Set<Id> claimed = ConcurrentHashMap.newKeySet();
    /** Set when the backup failed: packs stored after that are not added to the index in memory. */
    private volatile boolean aborted;
    /** This backup's announcement to prunes, from the start of {@link #run} to its end. */
    private Session session;
    /** Arrays of chunks in flight and readers' buffers, recycled (see {@link BufferPool}). */
    private final BufferPool chunkBuffers;
    /** Each worker's buffers for the encoded and the sealed form of the blob it stores. */
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);
    private final Map<Id, List<PackEntry>> unindexed = new LinkedHashMap<>();
    private final List<PathMatcher> excludes = new ArrayList<>();
    private final Semaphore chunkBudget;
    private final Semaphore filesInFlight;
    private final int readBudget;
    private final Semaphore readBuffers;
    /** The first fatal failure of any worker; once set, no new work starts. */
    private final AtomicReference<Throwable> fatal = new AtomicReference<>();
    private ExecutorService readers;
    private ExecutorService cpu;
    private ExecutorService uploads;
    private Packer dataPacker;
    private Packer treePacker;

    /** Live counters, for progress displays. */
    public static final class Stats {
        public final AtomicLong files = new AtomicLong();
        public final AtomicLong dirs = new AtomicLong();
        public final AtomicLong symlinks = new AtomicLong();
        public final AtomicLong totalBytes = new AtomicLong();
        public final AtomicLong filesNew = new AtomicLong();
        public final AtomicLong filesChanged = new AtomicLong();
        public final AtomicLong filesUnmodified = new AtomicLong();
        public final AtomicLong bytesRead = new AtomicLong();
        public final AtomicLong blobsAdded = new AtomicLong();
        public final AtomicLong bytesAdded = new AtomicLong();
        public final AtomicLong storedBytesAdded = new AtomicLong();
        public final AtomicLong warnings = new AtomicLong();
    }

    public BackupEngine(Repository repo, BackupOptions options, BackupListener listener) {
        this.repo = repo;
        this.options = options;
        this.listener = listener;
        this.filesInFlight = new Semaphore(options.threads() * 8);
        this.readBudget = readBudget(repo.chunker().params().maxSize());
        this.readBuffers = new Semaphore(readBudget);
        int chunkBytes = chunkBudget(repo.chunker().params().maxSize());
        this.chunkBudget = new Semaphore(chunkBytes);
        // Chunk arrays (up to maxSize) come from the pool. Idle arrays kept for reuse: the
        // read and chunk budgets together (48 MiB at the defaults), so that what a finished
        // file's reader and chunks give back serves the next file. With 16 MiB, a finished
        // reader's 16 MiB read buffer (readers had one then) filled the pool and most chunk
        // arrays released after it were dropped and allocated anew.
        this.chunkBuffers = new BufferPool(repo.chunker().params().maxSize(), (long) readBudget + chunkBytes);
        for (String glob : options.excludes()) {
            excludes.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
        }
    }

    /** Bytes of chunk and read arrays the buffer pool could not serve from idle ones (for tests). */
    long pooledBytesAllocated() {
        return chunkBuffers.allocatedBytes();
    }

    public Stats stats() {
        return stats;
    }

    /**
     * Bytes of chunk arrays that may be in flight between readers and workers, for chunks of
     * at most {@code maxSize}: at least one array of the largest chunk, or a repository
     * whose chunks may exceed {@value #CHUNK_BUDGET} bytes would wait for ever.
     */
    static int chunkBudget(int maxSize) {
        return Math.max(CHUNK_BUDGET, BufferPool.roundUp(maxSize));
    }

    /** Bytes of arrays that readers may hold at once, for chunks of at most {@code maxSize}. */
    static int readBudget(int maxSize) {
        return Math.max(READ_BUDGET, maxSize);
    }

    /** Runs the backup and stores the snapshot. */
    public Snapshot run() throws IOException {
        // Announced before the index and the prune plans are read: a prune that plans after
        // this sees the session and waits for it (format section 18).
        session = Session.begin(repo, "backup", options.hostname(), options.username(), options.clock());
        try {
            return runInSession();
        } catch (IOException | RuntimeException | Error e) {
            // The index in memory now names packs this backup stored that no index file
            // lists: a later backup on this Repository would reuse them and commit a
            // snapshot whose data is in no index. Drop it (the next load reads the files),
            // and keep uploads still finishing from adding to it again.
            aborted = true;
            repo.resetIndex();
            throw e;
        } finally {
            session.close();
        }
    }

    private Snapshot runInSession() throws IOException {
        Instant start = options.clock().instant();
        Set<Id> plansKnown = new HashSet<>(repo.listObjects(Repository.PRUNE));
        for (IntegrityException e : repo.loadIndex()) {
            // Its chunks look absent, so they are stored again: wasteful, never wrong.
            warn(e.objectName(), "index file unreadable; data it lists is stored again");
        }
        int n = options.threads();
        readers = Executors.newFixedThreadPool(n, Repository.daemonThreads("lifeboat-read"));
        cpu = Executors.newFixedThreadPool(n, Repository.daemonThreads("lifeboat-cpu"));
        uploads = Executors.newFixedThreadPool(n, Repository.daemonThreads("lifeboat-upload"));
        int packSize = repo.config().packSize();
        dataPacker = new Packer(repo, BlobType.DATA, packSize, packSize,
                uploads, PACKS_IN_FLIGHT, this::stored);
        treePacker = new Packer(repo, BlobType.TREE, Math.min(packSize, 4 * 1024 * 1024), 256 * 1024, uploads, PACKS_IN_FLIGHT,
                this::stored);
        try {
            Snapshot parent = findParent();
            Id root = options.stdin() != null ? backupStream() : backupPaths(parent);
            dataPacker.flush();
            treePacker.flush();
            flushIndex(true);
            Instant end = options.clock().instant();
            Snapshot snapshot = new Snapshot(null, start, options.hostname(), options.username(), snapshotPaths(),
                    options.tags(), options.asset(), options.kind(), parent == null ? null : parent.id(), root,
                    "lifeboat " + Version.VERSION, summary(Duration.between(start, end)));
            session.ensureAlive();
            checkClockAgainstNewPlans(plansKnown);
            return repo.saveSnapshot(snapshot);
        } finally {
            readers.shutdownNow();
            cpu.shutdownNow();
            uploads.shutdownNow();
        }
    }

    /**
     * A prune plan that appeared during the backup was made after the backup's session
     * began, so the prune waits for this session before it deletes anything, as long as
     * the two hosts' clocks agree within the skew the plan allows for: a plan that looks
     * older than the session by more than that means they do not, and the prune may not
     * wait. Nothing is committed then.
     */
    private void checkClockAgainstNewPlans(Set<Id> known) throws IOException {
        for (MaintenanceJson.PrunePlan plan : repo.prunePlans(e -> { })) {
            Duration skew = plan.maxClockSkew() != null ? plan.maxClockSkew() : PruneEngine.DEFAULT_MAX_CLOCK_SKEW;
            if (!known.contains(plan.id()) && session.start().isAfter(plan.time().plus(skew))) {
                throw new IOException("this host's clock is more than " + Format.duration(skew) + " ahead of "
                        + plan.hostname() + ", which planned a prune at " + plan.time() + " that this backup began"
                        + " before; nothing was committed. Synchronise the clocks (NTP) and run the backup again");
            }
        }
    }

    /** Durations in messages: {@code 10 minutes}, {@code 45 seconds}. */
    private static final class Format {
        static String duration(Duration d) {
            return d.toSeconds() % 60 == 0 ? d.toMinutes() + " minutes" : d.toSeconds() + " seconds";
        }
    }

    private List<String> snapshotPaths() {
        if (options.stdin() != null) {
            return List.of("/" + options.stdinName());
        }
        return options.paths().stream().map(Path::toString).toList();
    }

    private Snapshot.Summary summary(Duration took) {
        return new Snapshot.Summary(stats.files.get(), stats.dirs.get(), stats.symlinks.get(), stats.totalBytes.get(),
                stats.filesNew.get(), stats.filesChanged.get(), stats.filesUnmodified.get(), stats.bytesRead.get(),
                stats.blobsAdded.get(), stats.bytesAdded.get(), stats.storedBytesAdded.get(), took.toMillis(),
                stats.warnings.get());
    }

    // ---- parent ------------------------------------------------------------------

    private Snapshot findParent() throws IOException {
        String p = options.parent();
        if (BackupOptions.NO_PARENT.equals(p) || options.stdin() != null) {
            return null;
        }
        if (p != null) {
            return repo.findSnapshot(p);
        }
        List<String> paths = snapshotPaths();
        Snapshot best = null;
        for (Snapshot s : repo.snapshots(e -> warn(e.objectName(), "damaged snapshot not considered as a parent"))) {
            boolean sameAsset = options.asset() == null || options.asset().equals(s.asset());
            if (s.hostname().equals(options.hostname()) && s.paths().equals(paths) && sameAsset) {
                best = s; // snapshots() is oldest first
            }
        }
        return best;
    }

    /** The parent snapshot's node at {@code path}, or null. */
    private Node parentNodeAt(Snapshot parent, Path path) {
        if (parent == null) {
            return null;
        }
        if (path.toString().isEmpty()) {
            return new Node("root", NodeType.DIR, 0, 0, 0, 0, 0, 0, 0, List.of(), parent.tree(), null);
        }
        try {
            Tree tree = repo.loadTree(parent.tree());
            Node node = null;
            for (Path part : path) {
                node = tree.find(part.toString());
                if (node == null) {
                    return null;
                }
                if (node.type() == NodeType.DIR) {
                    tree = repo.loadTree(node.subtree());
                }
            }
            return node;
        } catch (IOException e) {
            return null; // a damaged parent only costs re-reading
        }
    }

    private Tree parentSubtree(Node parentDir) {
        if (parentDir == null || parentDir.type() != NodeType.DIR) {
            return null;
        }
        try {
            return repo.loadTreeOnce(parentDir.subtree()); // each directory is compared once
        } catch (IOException e) {
            return null;
        }
    }

    // ---- paths -------------------------------------------------------------------

    private Id backupPaths(Snapshot parent) throws IOException {
        List<Path> roots = withoutNested(options.paths());
        Map<Path, CompletableFuture<Node>> top = new LinkedHashMap<>();
        for (Path root : roots) {
            Attrs attrs;
            try {
                attrs = Attrs.read(root);
            } catch (NoSuchFileException e) {
                throw new NoSuchFileException(root.toString(), null, "path to back up does not exist");
            }
            CompletableFuture<Node> node = walk(root, attrs, parentNodeAt(parent, root.getRoot().relativize(root)));
            if (node != null) {
                top.put(root, node);
            }
        }
        if (roots.size() == 1 && roots.get(0).getNameCount() == 0) {
            // The filesystem root itself: its directory is the snapshot's root tree.
            return await(top.get(roots.get(0))).subtree();
        }
        Map<Path, Node> done = new LinkedHashMap<>();
        for (Map.Entry<Path, CompletableFuture<Node>> e : top.entrySet()) {
            Node node = await(e.getValue());
            if (node != null) {
                done.put(e.getKey(), node);
            }
        }
        return storeTree(rootTree(done));
    }

    /** Drops paths inside other given paths: they are backed up with their ancestor. */
    private static List<Path> withoutNested(List<Path> paths) {
        List<Path> out = new ArrayList<>();
        for (Path p : paths) {
            boolean nested = false;
            for (Path q : paths) {
                if (!p.equals(q) && p.startsWith(q)) {
                    nested = true;
                    break;
                }
            }
            if (!nested && !out.contains(p)) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * Builds the trees from the filesystem root down to each backed-up path: the
     * snapshot mirrors absolute paths, and the directories on the way keep their metadata.
     */
    private Tree rootTree(Map<Path, Node> done) throws IOException {
        Dir root = new Dir();
        for (Map.Entry<Path, Node> e : done.entrySet()) {
            Path abs = e.getKey();
            Dir dir = root;
            Path walked = abs.getRoot();
            for (int i = 0; i < abs.getNameCount() - 1; i++) {
                walked = walked.resolve(abs.getName(i));
                Path here = walked;
                dir = dir.children.computeIfAbsent(abs.getName(i).toString(), k -> new Dir(here));
            }
            dir.leaves.put(abs.getFileName().toString(), e.getValue());
        }
        return root.toTree(this);
    }

    /** A directory on the way to a backed-up path. */
    private static final class Dir {
        final Path path;
        final Map<String, Dir> children = new TreeMap<>();
        final Map<String, Node> leaves = new TreeMap<>();

        Dir() {
            this(null);
        }

        Dir(Path path) {
            this.path = path;
        }

        Tree toTree(BackupEngine engine) throws IOException {
            List<Node> nodes = new ArrayList<>(leaves.values());
            for (Map.Entry<String, Dir> e : children.entrySet()) {
                if (leaves.containsKey(e.getKey())) {
                    continue;
                }
                Id subtree = engine.storeTree(e.getValue().toTree(engine));
                Attrs a = Attrs.read(e.getValue().path);
                nodes.add(a.node(e.getKey(), NodeType.DIR, 0, List.of(), subtree, null));
            }
            return Tree.sorted(nodes);
        }
    }

    private boolean excluded(Path p) {
        Path name = p.getFileName();
        for (PathMatcher m : excludes) {
            if (m.matches(p) || (name != null && m.matches(name))) {
                return true;
            }
        }
        return false;
    }

    /** Starts backing up {@code path}; returns its node's future, or null if it is skipped. */
    private CompletableFuture<Node> walk(Path path, Attrs attrs, Node parentNode) throws IOException {
        // The filesystem root has no name; its node is never stored, only its subtree.
        String name = path.getFileName() == null ? "root" : path.getFileName().toString();
        if (attrs.isDirectory()) {
            return walkDirectory(path, name, attrs, parentNode);
        }
        if (attrs.isSymlink()) {
            stats.symlinks.incrementAndGet();
            String target = Files.readSymbolicLink(path).toString();
            return CompletableFuture.completedFuture(attrs.node(name, NodeType.SYMLINK, 0, List.of(), null, target));
        }
        if (attrs.isRegularFile()) {
            return walkFile(path, name, attrs, parentNode);
        }
        warn(path.toString(), "skipped: not a regular file, directory or symlink");
        return null;
    }

    private CompletableFuture<Node> walkDirectory(Path dir, String name, Attrs attrs, Node parentNode) throws IOException {
        stats.dirs.incrementAndGet();
        Tree parentTree = parentSubtree(parentNode);
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String child = p.getFileName().toString();
                if (child.indexOf('\uFFFD') >= 0 && !Files.exists(dir.resolve(child), LinkOption.NOFOLLOW_LINKS)) {
                    // The name's bytes are not UTF-8: it has no faithful String form to store.
                    warn(p.toString(), "skipped: its name is not valid UTF-8, which this version cannot store");
                    continue;
                }
                names.add(child);
            }
        } catch (IOException e) {
            warn(dir.toString(), "cannot list directory: " + e.getMessage());
        }
        Collections.sort(names);
        List<CompletableFuture<Node>> children = new ArrayList<>(names.size());
        for (String child : names) {
            throwIfFailed();
            Path p = dir.resolve(child);
            if (excluded(p)) {
                continue;
            }
            try {
                CompletableFuture<Node> f = walk(p, Attrs.read(p), parentTree == null ? null : parentTree.find(child));
                if (f != null) {
                    children.add(f);
                }
            } catch (NoSuchFileException e) {
                warn(p.toString(), "vanished before it could be read");
            } catch (IOException e) {
                warn(p.toString(), "skipped: " + e.getMessage());
            }
        }
        return CompletableFuture.allOf(children.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<Node> nodes = new ArrayList<>(children.size());
            for (CompletableFuture<Node> c : children) {
                Node n = c.join();
                if (n != null) {
                    nodes.add(n);
                }
            }
            try {
                Id subtree = storeTree(new Tree(nodes));
                return attrs.node(name, NodeType.DIR, 0, List.of(), subtree, null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private CompletableFuture<Node> walkFile(Path path, String name, Attrs attrs, Node parentNode) throws IOException {
        stats.files.incrementAndGet();
        if (unchanged(attrs, parentNode)) {
            stats.filesUnmodified.incrementAndGet();
            stats.totalBytes.addAndGet(parentNode.size());
            listener.fileDone(path.toString(), parentNode.size());
            return CompletableFuture.completedFuture(attrs.node(name, NodeType.FILE, parentNode.size(),
                    parentNode.chunks(), null, null));
        }
        (parentNode == null ? stats.filesNew : stats.filesChanged).incrementAndGet();
        throwIfFailed();
        acquire(filesInFlight, 1);
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    throwIfFailed(); // queued before another worker failed: do not start
                    return readFile(path, name, attrs);
                } catch (IOException e) {
                    failed(e);
                    throw new UncheckedIOException(e);
                } catch (RuntimeException | Error e) {
                    failed(e);
                    throw e;
                } finally {
                    filesInFlight.release();
                }
            }, readers);
        } catch (RuntimeException | Error e) {
            filesInFlight.release(); // the task never ran
            throw e;
        }
    }

    private boolean unchanged(Attrs attrs, Node parentNode) {
        if (parentNode == null || parentNode.type() != NodeType.FILE) {
            return false;
        }
        if (parentNode.size() != attrs.size() || parentNode.mtimeNanos() != attrs.mtimeNanos()
                || parentNode.inode() != attrs.inode() || parentNode.ctimeNanos() != attrs.ctimeNanos()) {
            return false;
        }
        for (Id c : parentNode.chunks()) {
            if (!repo.index().reusable(c)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads, chunks and stores one file; runs on a reader thread. Reserves the file's
     * largest array from the read budget first, so that readers' arrays stay within it.
     */
    private Node readFile(Path path, String name, Attrs before) throws IOException {
        int buffer = Math.min(readBudget, Chunker.bufferSize(repo.chunker().params(), before.size()));
        acquire(readBuffers, buffer);
        try {
            return readAndStore(path, name, before);
        } finally {
            readBuffers.release(buffer);
        }
    }

    private Node readAndStore(Path path, String name, Attrs before) throws IOException {
        List<Id> ids;
        long read;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            listener.fileStarted(path.toString());
            Chunker chunker = new Chunker(repo.chunker(), ch, before.size(), chunkBuffers);
            try {
                ids = storeChunks(chunker);
                read = chunker.bytesRead();
            } finally {
                chunker.release();
            }
        } catch (NoSuchFileException e) {
            warn(path.toString(), "vanished before it could be read");
            return null;
        } catch (StoreFailedException | InterruptedIOException e) {
            throw e; // the repository, not the source, failed: the backup cannot go on
        } catch (IOException e) {
            warn(path.toString(), "cannot read: " + e.getMessage());
            return null;
        }
        Attrs after;
        try {
            after = Attrs.read(path);
        } catch (IOException e) {
            after = null;
        }
        if (after == null || after.size() != before.size() || after.mtimeNanos() != before.mtimeNanos()
                || read != before.size()) {
            warn(path.toString(), "changed while it was being read; stored the " + read + " bytes read");
        }
        stats.totalBytes.addAndGet(read);
        listener.fileDone(path.toString(), read);
        return before.node(name, NodeType.FILE, read, ids, null, null);
    }

    /**
     * Stores every chunk of an input. A single-chunk input is processed on this thread;
     * chunks of larger inputs go to the CPU pool so one large file uses every core.
     */
    private List<Id> storeChunks(Chunker chunker) throws IOException {
        Chunk first = chunker.next();
        if (first == null) {
            return List.of();
        }
        Chunk second = chunker.next();
        if (second == null) {
            stats.bytesRead.addAndGet(first.length());
            try {
                return List.of(storeChunk(first.data(), first.length(), first.offset()));
            } finally {
                chunkBuffers.release(first.data());
            }
        }
        List<CompletableFuture<Id>> futures = new ArrayList<>();
        try {
            for (Chunk c = first; c != null; c = (c == first ? second : chunker.next())) {
                Chunk chunk = c;
                stats.bytesRead.addAndGet(chunk.length());
                int held = chunk.data().length; // the array, which may be longer than the chunk
                acquire(chunkBudget, held);
                try {
                    futures.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            return storeChunk(chunk.data(), chunk.length(), chunk.offset());
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        } catch (RuntimeException | Error e) {
                            failed(e);
                            throw e;
                        } finally {
                            chunkBuffers.release(chunk.data());
                            chunkBudget.release(held);
                        }
                    }, cpu));
                } catch (RuntimeException | Error e) {
                    chunkBudget.release(held); // the task never ran
                    throw e;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Chunks already handed out have claimed their ids; other files may now name
            // them. Let them reach a pack before this file is given up, so that no
            // snapshot names a chunk that was never stored.
            for (CompletableFuture<Id> f : futures) {
                try {
                    f.join();
                } catch (RuntimeException ignored) {
                    // a storage failure there fails the backup through the packer too
                }
            }
            throw e;
        }
        List<Id> ids = new ArrayList<>(futures.size());
        for (CompletableFuture<Id> f : futures) {
            ids.add(await(f));
        }
        return ids;
    }

    /**
     * Hashes one chunk and stores it unless the repository (or this backup) has it.
     * {@code fileOffset} is where the chunk starts in its file, so that tensor data is
     * split into byte planes along the file's alignment.
     */
    private Id storeChunk(byte[] data, int length, long fileOffset) throws IOException {
        Id id = repo.hasher().hash(data, 0, length);
        if (!claim(id)) {
            return id;
        }
        Scratch s = scratch.get();
        int sealedLength;
        try {
            BlobCodec.encode(data, 0, length, fileOffset, s.encoded);
            repo.envelope().seal(s.encoded.array(), 0, s.encoded.length(), s.sealed);
            sealedLength = s.sealed.length();
            try {
                dataPacker.add(id, s.sealed.array(), 0, s.sealed.length(), length);
            } catch (IOException e) {
                throw new StoreFailedException(e);
            }
        } finally {
            s.trim();
        }
        stats.blobsAdded.incrementAndGet();
        stats.bytesAdded.addAndGet(length);
        stats.storedBytesAdded.addAndGet(sealedLength);
        return id;
    }

    /**
     * Whether this worker is to store the blob: neither an index nor another worker has
     * it. The index is asked again after the claim, because a pack indexed between the
     * first look and the claim drops its ids from {@link #claimed} (after indexing them,
     * see {@link #stored}): either the second look sees the index entry, or the claim
     * failed because the id was still claimed.
     */
    private boolean claim(Id id) {
        if (repo.index().reusable(id) || !claimed.add(id)) {
            return false;
        }
        if (repo.index().reusable(id)) {
            claimed.remove(id);
            return false;
        }
        return true;
    }

    /** A worker's reusable buffers for one blob at a time. */
    private static final class Scratch {
        /** Buffers grown past this (for a rare huge blob) are dropped after use. */
        private static final int RETAIN = 4 * 1024 * 1024;
        final Buf encoded = new Buf(64 * 1024);
        final Buf sealed = new Buf(64 * 1024);

        void trim() {
            encoded.trim(RETAIN);
            sealed.trim(RETAIN);
        }
    }

    /** Stores a tree blob (deduplicated like data) and returns its id. */
    Id storeTree(Tree tree) throws IOException {
        byte[] plain = tree.encode();
        Id id = repo.hasher().hash(plain, 0, plain.length);
        if (!claim(id)) {
            return id;
        }
        Scratch s = scratch.get();
        int sealedLength;
        try {
            BlobCodec.encode(plain, 0, plain.length, 0L, s.encoded);
            repo.envelope().seal(s.encoded.array(), 0, s.encoded.length(), s.sealed);
            sealedLength = s.sealed.length();
            treePacker.add(id, s.sealed.array(), 0, sealedLength, plain.length);
        } finally {
            s.trim();
        }
        stats.blobsAdded.incrementAndGet();
        stats.storedBytesAdded.addAndGet(sealedLength);
        return id;
    }

    // ---- stream ------------------------------------------------------------------

    private Id backupStream() throws IOException {
        stats.files.incrementAndGet();
        stats.filesNew.incrementAndGet();
        ReadableByteChannel in = Channels.newChannel(options.stdin());
        Chunker chunker = new Chunker(repo.chunker(), in, -1, chunkBuffers);
        List<Id> ids;
        long size;
        try {
            ids = storeChunks(chunker);
            size = chunker.bytesRead();
        } finally {
            chunker.release();
        }
        stats.totalBytes.addAndGet(size);
        long now = Attrs.nanos(options.clock().instant());
        // A stream has no mode of its own: it gets the usual 0644, except a secret's,
        // which is recorded owner-only so that ls shows, and any restore gives, what a
        // credential file should have.
        int mode = Snapshot.SECRET_KIND.equals(options.kind()) ? 0600 : 0644;
        Node node = new Node(options.stdinName(), NodeType.FILE, mode, Attrs.currentUid(), Attrs.currentGid(), now, now,
                0, size, ids, null, null);
        listener.fileDone("/" + options.stdinName(), size);
        return storeTree(new Tree(List.of(node)));
    }

    // ---- index -------------------------------------------------------------------

    private void stored(PackBuilder.Sealed pack) throws IOException {
        try {
            session.refreshIfDue();
        } catch (IOException e) {
            // Tried again at the next pack and by the session's timer; should it keep
            // failing, the backup refuses to commit (Session.ensureAlive).
        }
        if (aborted) {
            return;
        }
        repo.index().addAll(pack.entries());
        for (PackEntry e : pack.entries()) {
            claimed.remove(e.id()); // indexed now: see claim()
        }
        synchronized (unindexed) {
            unindexed.put(pack.id(), pack.entries());
        }
        stats.storedBytesAdded.addAndGet(pack.length() - pack.entries().stream().mapToLong(PackEntry::length).sum());
        flushIndex(false);
    }

    /** Writes an index file for stored packs once enough have gathered, or always when {@code force}. */
    private void flushIndex(boolean force) throws IOException {
        Map<Id, List<PackEntry>> batch;
        synchronized (unindexed) {
            if (unindexed.isEmpty() || (!force && unindexed.size() < PACKS_PER_INDEX)) {
                return;
            }
            batch = new LinkedHashMap<>(unindexed);
            unindexed.clear();
        }
        repo.saveIndex(batch);
    }

    // ---- helpers -----------------------------------------------------------------

    /** Writing to the repository failed (a full disk, say): fatal, unlike a source file that cannot be read. */
    private static final class StoreFailedException extends IOException {
        StoreFailedException(IOException cause) {
            super("storing to the repository failed: " + cause.getMessage(), cause);
        }
    }

    /** Records the first fatal failure of a worker, so that no new work starts. */
    private void failed(Throwable t) {
        fatal.compareAndSet(null, t);
    }

    /** Throws the first fatal failure of any worker, if there was one. */
    private void throwIfFailed() throws IOException {
        Throwable t = fatal.get();
        if (t != null) {
            throw unwrap(t);
        }
    }

    private void warn(String path, String message) {
        stats.warnings.incrementAndGet();
        listener.warning(path, message);
    }

    private static void acquire(Semaphore s, int permits) throws InterruptedIOException {
        try {
            s.acquire(permits);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("backup interrupted");
        }
    }

    /** Waits for a stage's result, unwrapping its I/O failure. */
    private static <T> T await(CompletableFuture<T> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("backup interrupted");
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        }
    }

    private static IOException unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof UncheckedIOException u) {
            return u.getCause();
        }
        if (t instanceof IOException io) {
            return io;
        }
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error err) {
            throw err;
        }
        return new IOException(t);
    }

}
