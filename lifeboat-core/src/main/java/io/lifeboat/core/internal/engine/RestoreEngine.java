package io.lifeboat.core.internal.engine;

import io.lifeboat.core.Id;
import io.lifeboat.core.IntegrityException;
import io.lifeboat.core.Repository;
import io.lifeboat.core.RestoreOptions;
import io.lifeboat.core.RestoreResult;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.internal.format.CorruptObjectException;
import io.lifeboat.core.internal.format.Node;
import io.lifeboat.core.internal.format.Node.NodeType;
import io.lifeboat.core.internal.format.PackEntry;
import io.lifeboat.core.internal.format.Packs;
import io.lifeboat.core.internal.format.Tree;
import io.lifeboat.core.internal.io.Buf;
import io.lifeboat.core.internal.io.BufferPool;
import io.lifeboat.core.internal.io.FileIo;
import io.lifeboat.core.storage.NoSuchBlobException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Restores a snapshot into a directory.
 *
 * <p>Three phases: (1) walk the snapshot's trees, create directories and symlinks, and plan
 * where each chunk of each file goes; (2) read the packs in parallel, each with as few
 * ranged reads as its needed blobs and the byte budget allow, verify every blob
 * (authentication and keyed hash) and write it at its offsets, skipping all-zero chunks so
 * that sparse files stay sparse. A file is created by the first write that reaches it, at
 * its final size (sparse) unless that write sets the size itself: on thousands of small
 * files, creating them all in phase 1 was a single-threaded pass of one to five seconds
 * before any data moved, and a file of one chunk now takes one open instead of two. A blob
 * whose copy is damaged or whose pack is missing is read from another indexed copy if
 * there is one; files that still lack content are renamed to {@code NAME.lifeboat-damaged};
 * (3) set ownership (when root), modes and times on what restore created, files first,
 * then directories deepest first.
 *
 * <p>The files of a {@linkplain Snapshot#isSecret() secret} snapshot are restored
 * owner-only (group and other bits cleared, whatever mode they were backed up with): a
 * credential copied from a world-readable file, or restored on another machine, must not
 * become readable by everyone there. Like every file, they are private from creation on.
 *
 * <p>Below the target, no symlink is ever followed: every directory on the way is checked
 * without following links; a symlink or file where the snapshot has a directory is
 * replaced by a directory; metadata is applied without following links. The target itself
 * may be a symlink.
 *
 * <p>Damage never stops a restore: a file with a missing or damaged chunk is reported
 * and every other file is restored. A non-empty directory where the snapshot has a file or
 * symlink is a conflict: it is left alone and reported.
 */
public final class RestoreEngine {
    /** Blobs of one pack closer than this are fetched in one ranged read. */
    static final long COALESCE_GAP = 256 * 1024;
    /** Appended to the name of a file whose content could not be restored completely. */
    public static final String DAMAGED_SUFFIX = ".lifeboat-damaged";
    /** Ends the hidden name a file's content is written under until it is complete. */
    public static final String PARTIAL_SUFFIX = ".lifeboat-partial";

    private final Repository repo;
    private final RestoreOptions options;
    private final Path root;
    private final List<PathMatcher> includes = new ArrayList<>();
    /**
     * Per include pattern, its leading literal components ({@code /data/run-7/*.csv}:
     * {@code data, run-7}), or null when it may match anywhere: the plan does not read the
     * trees of directories no pattern can match in or below.
     */
    private final List<List<String>> includePrefixes = new ArrayList<>();
    private final long euid = Attrs.currentUid();
    private final long egid = Attrs.currentGid();
    private final boolean asRoot = euid == 0;
    /** The access time restored entries get (what a fresh extraction gives them): when the restore started. */
    private final FileTime restoredAt = FileTime.from(java.time.Instant.now());
    private final Progress progress = new Progress();
    /** Whether files get only their owner's permission bits: set by {@link #run} for a secret snapshot. */
    private boolean ownerOnly;

    // phase 1 (one thread)
    private final Map<Id, List<Write>> byPack = new HashMap<>();
    private final List<Meta> metadata = new ArrayList<>();
    private final List<FileJob> jobs = new ArrayList<>();
    private final Set<Path> ready = new HashSet<>();
    private final Set<Path> createdDirs = new HashSet<>();
    /** The identity (device and inode) of each directory restore created, to recognise it in the metadata phase. */
    private final Map<Path, Object> dirKeys = new HashMap<>();
    /**
     * Directories restore created where new entries get the effective group: no
     * set-group-id bit inherited from their parent (their own modes come last).
     */
    private final Set<Path> plainDirs = new HashSet<>();
    /** Existing directories given owner write access for this restore, with their modes to put back. */
    private final Map<Path, java.util.Set<java.nio.file.attribute.PosixFilePermission>> lentWrite = new HashMap<>();
    private final List<RestoreResult.Damaged> otherDamage = new ArrayList<>();
    private final List<RestoreResult.Conflict> conflicts = new ArrayList<>();
    private final List<String> damagedIndexFiles = Collections.synchronizedList(new ArrayList<>());
    private long files;
    private long filesConflicted;
    private long dirs;
    private long symlinks;

    // phase 2 (many threads)
    private final int budgetBytes;
    private final ByteBudget budget;
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong peakInFlight = new AtomicLong();
    private final Map<Id, Failure> failed = new ConcurrentHashMap<>();
    /**
     * The arrays pack ranges are read into, reused: a fresh one per range (up to a pack's
     * 16 MiB) was zeroed by the JVM and faulted in by the kernel, about 5% of a restore's
     * CPU. The byte budget bounds those in use; this bounds the idle ones.
     */
    private final BufferPool ranges;

    /** Live counters for a progress display; safe to read from any thread. */
    public static final class Progress {
        /** Regular files whose content is completely written. */
        public final AtomicLong files = new AtomicLong();
        /** Bytes of file content written. */
        public final AtomicLong bytes = new AtomicLong();
        /** Regular files to restore; -1 until planning is done. */
        public volatile long filesTotal = -1;
        /** Bytes of file content to restore; -1 until planning is done. */
        public volatile long bytesTotal = -1;
    }

    /** A regular file being restored: its chunks still to write, and the first damage found. */
    private static final class FileJob {
        final Path path;
        /** Where the content is written until it is complete and verified. */
        final Path partial;
        /** The file's size in the snapshot. */
        final long size;
        /** Whether the partial file exists: created by the first write that reaches it (guarded by this). */
        boolean created;
        /** The partial file's identity (device and inode), which the renamed file keeps. */
        volatile Object fileKey;
        /** Why the partial file could not be created (the file is then a conflict, not damaged); null if it could. */
        volatile String conflict;
        /**
         * Whether the partial file was renamed into place (or aside, when damaged): there is
         * no partial left. Set and read only by the thread that runs the restore, after the
         * parallel phase.
         */
        boolean moved;
        final AtomicInteger pending = new AtomicInteger();
        final AtomicReference<String> damage = new AtomicReference<>();
        volatile String salvagedTo;

        FileJob(Path path, long size) {
            this.path = path;
            this.partial = path.resolveSibling(partialName(path.getFileName().toString()));
            this.size = size;
        }

        boolean damaged() {
            return damage.get() != null;
        }
    }

    /** One chunk to write into one file at one offset. */
    private record Write(PackEntry entry, FileJob file, long offset) {}

    /** Metadata to apply after content: a node at a path, at a depth; job is set for regular files. */
    private record Meta(Path path, Node node, int depth, FileJob job) {}

    /** Writes whose blob could not be read from the copy tried; other copies are tried later. */
    private record Failure(PackEntry tried, String reason, List<Write> writes) {}

    public RestoreEngine(Repository repo, RestoreOptions options) {
        this(repo, options, ByteBudget.DEFAULT);
    }

    /** Runs between putting files in place and applying metadata: for tests that play another process. */
    private Runnable beforeMetadata = () -> { };

    RestoreEngine beforeMetadata(Runnable hook) {
        this.beforeMetadata = hook;
        return this;
    }

    /** With a byte budget for pack data in memory (tests use a small one). */
    RestoreEngine(Repository repo, RestoreOptions options, int budgetBytes) {
        if (budgetBytes < 1) {
            throw new IllegalArgumentException("the byte budget must be positive");
        }
        this.repo = repo;
        this.options = options;
        this.root = options.target();
        this.budgetBytes = budgetBytes;
        this.budget = new ByteBudget(budgetBytes);
        this.ranges = new BufferPool(budgetBytes, Math.min(budgetBytes / 2, 64L << 20));
        for (String glob : options.includes()) {
            includes.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
            includePrefixes.add(literalPrefix(glob));
        }
    }

    /**
     * The components of {@code glob} before the first with a glob character (or an
     * escape), or null if the pattern is not absolute and so is not anchored at the root.
     */
    static List<String> literalPrefix(String glob) {
        if (!glob.startsWith("/")) {
            return null;
        }
        List<String> prefix = new ArrayList<>();
        for (String part : glob.substring(1).split("/", -1)) {
            if (part.isEmpty() || part.chars().anyMatch(c -> "*?[]{}\\".indexOf(c) >= 0)) {
                break;
            }
            prefix.add(part);
        }
        return prefix;
    }

    /**
     * Whether some include pattern may match {@code shownDir} or a path below it: its
     * literal components agree with the directory's as far as both go. Conservative: a
     * pattern that cannot be read that way is taken to match anywhere.
     */
    private boolean mayMatchAtOrBelow(Path shownDir) {
        for (List<String> prefix : includePrefixes) {
            if (prefix == null) {
                return true;
            }
            int n = Math.min(prefix.size(), shownDir.getNameCount());
            boolean agree = true;
            for (int i = 0; i < n && agree; i++) {
                agree = prefix.get(i).equals(shownDir.getName(i).toString());
            }
            if (agree) {
                return true;
            }
        }
        return false;
    }

    /** 256 MiB, or a quarter of the heap when that is smaller (but at least 16 MiB). */
    /** Live counters, for a progress display while {@link #run} works. */
    public Progress progress() {
        return progress;
    }

    /** Index files that could not be read; filled in as soon as {@link #run} has loaded the index. */
    public List<String> damagedIndexFiles() {
        synchronized (damagedIndexFiles) {
            return List.copyOf(damagedIndexFiles);
        }
    }

    /** The most bytes of pack data that readers held at once (for tests of the budget). */
    long peakBytesInFlight() {
        return peakInFlight.get();
    }

    public RestoreResult run(Snapshot snapshot) throws IOException {
        for (IntegrityException e : repo.loadIndex()) {
            damagedIndexFiles.add(e.getMessage());
        }
        ownerOnly = snapshot.isSecret();
        Tree top = loadTree(snapshot.tree());
        Files.createDirectories(root); // the target itself may be a link the user chose
        if (!Files.isDirectory(root)) {
            throw new java.nio.file.NotDirectoryException(root.toString());
        }
        ready.add(root);
        try {
            plan(top, root, Path.of("/"), 0, includes.isEmpty());
            progress.filesTotal = files - filesConflicted;
            fetchAll();
            finish();
            beforeMetadata.run();
            applyMetadata();
        } finally {
            removePartials(); // after an abort, no half-written file is left behind
            restoreModesOfExistingDirectories();
        }
        return result();
    }

    /** The hidden sibling a file's content is written to; short enough for any name. */
    static String partialName(String name) {
        String candidate = "." + name + PARTIAL_SUFFIX;
        if (candidate.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 255) {
            return candidate;
        }
        return "." + Id.sha256(name.getBytes(java.nio.charset.StandardCharsets.UTF_8)).hex().substring(0, 16)
                + PARTIAL_SUFFIX;
    }

    private void removePartials() {
        for (FileJob job : jobs) {
            if (job.moved) {
                continue; // a system call per restored file saved: its partial is gone
            }
            try {
                Files.deleteIfExists(job.partial);
            } catch (IOException e) {
                // best effort: the report already names what failed
            }
        }
    }

    private RestoreResult result() {
        List<RestoreResult.Damaged> report = new ArrayList<>(otherDamage);
        long filesDamaged = 0;
        for (FileJob job : jobs) {
            String why = job.damage.get();
            if (why != null && job.conflict == null) {
                filesDamaged++;
                report.add(new RestoreResult.Damaged(job.path.toString(), why, job.salvagedTo));
            }
        }
        report.sort(Comparator.comparing(RestoreResult.Damaged::path));
        conflicts.sort(Comparator.comparing(RestoreResult.Conflict::path));
        return new RestoreResult(files, filesDamaged, filesConflicted, dirs, symlinks, progress.bytes.get(),
                report, conflicts, damagedIndexFiles());
    }

    /** Loads a tree; when its first indexed copy is unreadable, tries the others. */
    private Tree loadTree(Id id) throws IOException {
        try {
            return repo.loadTreeOnce(id); // the plan visits each directory once
        } catch (IntegrityException first) {
            List<PackEntry> copies = repo.index().copiesOf(id);
            for (PackEntry copy : copies.subList(Math.min(1, copies.size()), copies.size())) {
                try {
                    return Tree.decode(repo.loadBlob(copy));
                } catch (IntegrityException | CorruptObjectException e) {
                    // try the next copy
                }
            }
            throw first;
        }
    }

    // ---- phase 1: plan -----------------------------------------------------------

    /** Returns whether anything below was restored. */
    private boolean plan(Tree tree, Path dir, Path shown, int depth, boolean included) throws IOException {
        boolean any = false;
        for (Node node : tree.nodes()) {
            if (!safeName(node.name())) {
                if (included) {
                    otherDamage.add(new RestoreResult.Damaged(dir + "/" + node.name(),
                            "the snapshot names an entry '" + node.name() + "', which is not a plain name; skipped", null));
                    any = true;
                }
                continue;
            }
            Path shownChild = shown.resolve(node.name());
            boolean in = included || matches(shownChild);
            Path target = dir.resolve(node.name());
            if (node.type() == NodeType.DIR) {
                if (!in && !mayMatchAtOrBelow(shownChild)) {
                    continue; // nothing below can be restored: its tree is not even read
                }
                Tree sub;
                try {
                    sub = loadTree(node.subtree());
                } catch (IntegrityException e) {
                    if (in) {
                        otherDamage.add(new RestoreResult.Damaged(target.toString(),
                                "directory listing lost: " + e.getMessage(), null));
                        any = true;
                    }
                    continue;
                }
                if (in && !tryEnsureDir(target)) {
                    any = true;
                    continue;
                }
                boolean below = plan(sub, target, shownChild, depth + 1, in);
                if (in || below) {
                    dirs++;
                    if (createdDirs.contains(target)) {
                        metadata.add(new Meta(target, node, depth, null));
                    }
                    any = true;
                }
            } else if (in) {
                try {
                    restoreLeaf(node, target, depth);
                } catch (IOException e) {
                    // One entry that cannot be written (permissions, a full disk) does not stop the others.
                    conflicts.add(new RestoreResult.Conflict(target.toString(), "cannot restore here: " + describe(e)));
                    if (node.type() != NodeType.SYMLINK) {
                        filesConflicted++;
                    }
                }
                any = true;
            }
        }
        return any;
    }

    /** {@link #ensureDir}, turning a failure into a conflict; returns whether the directory is there. */
    private boolean tryEnsureDir(Path dir) {
        try {
            ensureDir(dir);
            return true;
        } catch (IOException e) {
            conflicts.add(new RestoreResult.Conflict(dir.toString(), "cannot create the directory: " + describe(e)));
            return false;
        }
    }

    private static String describe(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    private static boolean safeName(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0
                && name.indexOf('\0') < 0;
    }

    private boolean matches(Path shown) {
        for (PathMatcher m : includes) {
            if (m.matches(shown)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Makes {@code dir} (below the target) a real directory, checking each component on the
     * way without following links: an existing directory is reused; a symlink, file or
     * anything else in the way is removed and a directory created in its place.
     */
    private void ensureDir(Path dir) throws IOException {
        if (!dir.startsWith(root)) {
            throw new IllegalStateException(dir + " is not below the target " + root);
        }
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = dir; !ready.contains(p); p = p.getParent()) {
            missing.push(p);
        }
        while (!missing.isEmpty()) {
            Path p = missing.pop();
            BasicFileAttributes a = attributes(p);
            if (a == null || !a.isDirectory()) {
                if (a != null) {
                    Files.delete(p); // the link itself, never what it points to
                }
                boolean inheritsGroup = !plainDirs.contains(p.getParent()) && setGroupId(p.getParent());
                Files.createDirectory(p); // fails if anything appeared there meanwhile
                createdDirs.add(p);
                dirKeys.put(p, Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey());
                if (!inheritsGroup) {
                    plainDirs.add(p);
                }
            }
            ready.add(p);
        }
    }

    /** Whether a directory has the set-group-id bit, so that what is created in it takes its group. */
    private static boolean setGroupId(Path dir) throws IOException {
        return ((int) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 02000) != 0;
    }

    /** The entry's own attributes (a link's, not its destination's), or null if there is none. */
    private static BasicFileAttributes attributes(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            return !s.iterator().hasNext();
        }
    }

    private void restoreLeaf(Node node, Path target, int depth) throws IOException {
        boolean file = node.type() != NodeType.SYMLINK;
        if (file) {
            files++;
        }
        ensureDir(target.getParent());
        // Nothing was in a directory this restore created: no need to look (a system call
        // per file). Something put there meanwhile is replaced by the rename at the end,
        // as an existing file would be, or makes the rename fail and is reported.
        BasicFileAttributes existing = createdDirs.contains(target.getParent()) ? null : attributes(target);
        if (existing != null) {
            if (existing.isDirectory() && !isEmptyDirectory(target)) {
                conflicts.add(new RestoreResult.Conflict(target.toString(), "a non-empty directory is in the way of the "
                        + (file ? "file" : "symlink") + " (left as it is)"));
                if (file) {
                    filesConflicted++;
                }
                return;
            }
            if (!file || existing.isDirectory()) {
                // A link or an empty directory in the way goes now (never what a link points to);
                // an existing file stays until its replacement is complete and verified.
                deleteInWritableParent(target);
            }
        }
        if (!file) {
            Files.createSymbolicLink(target, Path.of(node.target()));
            symlinks++;
            metadata.add(new Meta(target, node, depth, null));
            return;
        }
        FileJob job = planFile(node, target);
        metadata.add(new Meta(target, node, depth, job));
    }

    private FileJob planFile(Node node, Path target) throws IOException {
        FileJob job = new FileJob(target, node.size());
        jobs.add(job);
        List<Write> writes = new ArrayList<>(node.chunks().size());
        long offset = 0;
        for (Id chunk : node.chunks()) {
            PackEntry e = repo.index().get(chunk);
            if (e == null) {
                job.damage.compareAndSet(null, "chunk " + chunk.shortHex() + " is in no index (missing from the repository"
                        + (damagedIndexFiles.isEmpty() ? ")" : ", or listed only in a damaged index file)"));
                break;
            }
            writes.add(new Write(e, job, offset));
            offset += e.rawLength();
        }
        if (!job.damaged() && offset != node.size()) {
            job.damage.compareAndSet(null, "chunks add up to " + offset + " bytes, the file had " + node.size());
        }
        job.pending.set(writes.size());
        for (Write w : writes) {
            byPack.computeIfAbsent(w.entry().pack(), k -> new ArrayList<>()).add(w);
        }
        progress.bytesTotal = Math.max(0, progress.bytesTotal) + node.size();
        if (writes.isEmpty() && !job.damaged()) {
            progress.files.incrementAndGet();
        }
        return job;
    }

    /**
     * A channel to write into a file's partial sibling, creating it on the first call: new
     * (never through a link), private until its metadata is applied, at its full size (holes
     * until written, so zero chunks stay sparse) unless the caller's write ends the file,
     * which sets the size itself. A stale partial of an earlier, interrupted restore is
     * replaced. Returns null when the caller has nothing to write ({@code wantChannel}
     * false) or when the file cannot be created, which makes it a conflict.
     *
     * @param writeEnd where the caller's write ends, or -1 when it writes nothing
     */
    private FileChannel partial(FileJob job, long writeEnd, boolean wantChannel) throws IOException {
        synchronized (job) {
            if (!job.created) {
                job.created = true;
                FileChannel ch;
                try {
                    ch = createPartial(job.partial);
                } catch (IOException e) {
                    conflict(job, "cannot restore here: " + describe(e));
                    return null;
                }
                try {
                    if (job.size > 0 && writeEnd != job.size) {
                        ch.write(ByteBuffer.allocate(1), job.size - 1); // sets the size; the rest stays a hole
                    }
                    job.fileKey = Files.readAttributes(job.partial, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                            .fileKey();
                } catch (IOException | RuntimeException e) {
                    ch.close();
                    throw e;
                }
                if (wantChannel) {
                    return ch;
                }
                ch.close();
                return null;
            }
            if (job.conflict != null || !wantChannel) {
                return null;
            }
        }
        return FileChannel.open(job.partial, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    }

    /** A file that could not be created: reported as a conflict, and left out of the later phases. */
    private void conflict(FileJob job, String reason) {
        job.conflict = reason;
        synchronized (conflicts) {
            conflicts.add(new RestoreResult.Conflict(job.path.toString(), reason));
            filesConflicted++;
            progress.filesTotal = files - filesConflicted;
        }
    }

    private FileChannel createPartial(Path partial) throws IOException {
        try {
            return openPartial(partial);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            deleteInWritableParent(partial); // a stale partial of an interrupted restore
            return openPartial(partial);
        } catch (java.nio.file.AccessDeniedException e) {
            makeWritable(partial.getParent());
            return openPartial(partial);
        }
    }

    private static FileChannel openPartial(Path partial) throws IOException {
        return FileChannel.open(partial, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS), PRIVATE);
    }

    private static final java.nio.file.attribute.FileAttribute<?> PRIVATE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    /** Deletes an entry; if its directory (one that existed before) denies it, lends the owner write access. */
    private void deleteInWritableParent(Path p) throws IOException {
        try {
            Files.delete(p);
        } catch (java.nio.file.AccessDeniedException e) {
            makeWritable(p.getParent());
            Files.delete(p);
        }
    }

    /**
     * Gives the owner write access to an existing directory restore must write into (a
     * read-only directory from an earlier restore); its mode is put back at the end.
     */
    private synchronized void makeWritable(Path dir) throws IOException {
        if (createdDirs.contains(dir) || lentWrite.containsKey(dir)) {
            return;
        }
        java.util.Set<java.nio.file.attribute.PosixFilePermission> perms = Files.getPosixFilePermissions(dir,
                LinkOption.NOFOLLOW_LINKS);
        lentWrite.put(dir, perms);
        java.util.Set<java.nio.file.attribute.PosixFilePermission> writable = java.util.EnumSet.copyOf(perms);
        writable.add(java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        writable.add(java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE);
        Files.setPosixFilePermissions(dir, writable);
    }

    private synchronized void restoreModesOfExistingDirectories() {
        lentWrite.forEach((dir, perms) -> {
            try {
                Files.setPosixFilePermissions(dir, perms);
            } catch (IOException e) {
                // best effort
            }
        });
    }

    // ---- phase 2: content ----------------------------------------------------------

    private void fetchAll() throws IOException {
        if (progress.bytesTotal < 0) {
            progress.bytesTotal = 0;
        }
        Parallel.forEach(byPack.entrySet(), options.threads(), "lifeboat-restore",
                e -> fetchPack(e.getKey(), e.getValue()));
        Parallel.forEach(List.copyOf(failed.values()), options.threads(), "lifeboat-restore", this::readOtherCopy);
    }

    /** Reads the blobs one pack holds for this restore and writes them out. */
    private void fetchPack(Id pack, List<Write> writes) throws IOException {
        writes.sort(Comparator.comparingLong(w -> w.entry().offset()));
        int i = 0;
        while (i < writes.size()) {
            PackEntry head = writes.get(i).entry();
            long start = head.offset();
            long end = head.end();
            long work = workspace(head);
            int j = i + 1;
            // Coalesce while the gaps are small and the range, with room to open its
            // largest blob, fits the budget. A single blob always goes (with the whole budget).
            while (j < writes.size()) {
                PackEntry next = writes.get(j).entry();
                long newEnd = Math.max(end, next.end());
                long newWork = Math.max(work, workspace(next));
                if (next.offset() - end > COALESCE_GAP || newEnd - start + newWork > budgetBytes) {
                    break;
                }
                end = newEnd;
                work = newWork;
                j++;
            }
            List<Write> run = writes.subList(i, j);
            long cost = end - start + work;
            int permits = acquire(cost);
            try {
                readRun(pack, run, start, Math.toIntExact(end - start));
            } finally {
                release(cost, permits);
            }
            i = j;
        }
    }

    /** Bytes needed besides the range to open one blob: its decrypted and its decoded copy. */
    private static long workspace(PackEntry e) {
        return (long) e.length() + e.rawLength();
    }

    private int acquire(long cost) throws InterruptedIOException {
        int permits = budget.take(cost);
        long now = inFlight.addAndGet(cost);
        peakInFlight.accumulateAndGet(now, Math::max);
        return permits;
    }

    private void release(long cost, int permits) {
        inFlight.addAndGet(-cost);
        budget.give(permits);
    }

    private void readRun(Id pack, List<Write> run, long start, int length) throws IOException {
        byte[] range = ranges.take(length);
        try {
            try {
                repo.store().read(Packs.name(pack), start, range, length);
            } catch (NoSuchBlobException e) {
                for (Write w : run) {
                    fail(w, "pack " + pack.shortHex() + " is missing");
                }
                return;
            } catch (EOFException e) {
                // The pack is shorter than the index says: salvage blob by blob.
                writeEach(run, (entry, plain) -> {
                    byte[] b = repo.loadBlob(entry);
                    System.arraycopy(b, 0, plain.ensure(b.length), 0, b.length);
                    plain.length(b.length);
                }, Unreadable::message);
                return;
            }
            writeEach(run, (entry, plain) -> repo.openBlob(entry, range, Math.toIntExact(entry.offset() - start),
                            entry.length(), plain),
                    ex -> "chunk " + ex.entry().id().shortHex() + " in pack " + ex.entry().pack().shortHex() + " is damaged");
        } finally {
            ranges.release(range);
        }
    }

    /** Opens one blob into {@code plain}; fails with {@link IntegrityException} when it is damaged or missing. */
    @FunctionalInterface
    private interface BlobSource {
        void open(PackEntry entry, Buf plain) throws IOException;
    }

    /** A blob that could not be opened, and why, for the report. */
    private record Unreadable(PackEntry entry, String message) {}

    /**
     * Writes each blob of a run (sorted by offset, so equal blobs are adjacent and opened
     * once) to its file, or sets its writes aside for another copy when it cannot be read.
     */
    private void writeEach(List<Write> run, BlobSource source, java.util.function.Function<Unreadable, String> why)
            throws IOException {
        PackEntry last = null;
        Buf plain = this.plain.get();
        boolean opened = false;
        String reason = null;
        try {
            for (Write w : run) {
                if (!w.entry().equals(last)) {
                    last = w.entry();
                    try {
                        source.open(w.entry(), plain);
                        opened = true;
                    } catch (IntegrityException e) {
                        opened = false;
                        reason = why.apply(new Unreadable(w.entry(), e.getMessage()));
                    }
                }
                if (opened) {
                    write(w, plain.array(), plain.length());
                } else {
                    fail(w, reason);
                }
            }
        } finally {
            plain.trim(PLAIN_RETAIN);
        }
    }

    /** Each restore thread's buffer for the blob it writes, reused from blob to blob. */
    private final ThreadLocal<Buf> plain = ThreadLocal.withInitial(Buf::new);
    /** A buffer grown past this (for a rare huge blob) is dropped after use. */
    private static final int PLAIN_RETAIN = 4 * 1024 * 1024;

    /** Sets a write aside: its blob's other copies are tried once every pack has been read. */
    private void fail(Write w, String reason) {
        failed.computeIfAbsent(w.entry().id(), id -> new Failure(w.entry(), reason,
                Collections.synchronizedList(new ArrayList<>()))).writes().add(w);
    }

    /** Reads a blob from another indexed copy; when none is intact, its files are damaged. */
    private void readOtherCopy(Failure f) throws IOException {
        List<Write> writes;
        synchronized (f.writes()) {
            writes = List.copyOf(f.writes());
        }
        int others = 0;
        for (PackEntry copy : repo.index().copiesOf(f.tried().id())) {
            if (copy.equals(f.tried())) {
                continue;
            }
            others++;
            long cost = copy.length() + workspace(copy);
            int permits = acquire(cost);
            try {
                byte[] plain;
                try {
                    plain = repo.loadBlob(copy);
                } catch (IntegrityException e) {
                    continue;
                }
                for (Write w : writes) {
                    write(w, plain, plain.length);
                }
                return;
            } finally {
                release(cost, permits);
            }
        }
        String reason = f.reason() + (others == 0 ? "" : " (and its " + others + " other cop" + (others == 1 ? "y is" : "ies are")
                + " damaged or missing too)");
        for (Write w : writes) {
            w.file().damage.compareAndSet(null, reason);
            done(w.file());
        }
    }

    /** Writes {@code data[0, length)} at the write's offset in its file. */
    private void write(Write w, byte[] data, int length) throws IOException {
        // All zero: nothing to write, the file is created sparse at its full size.
        boolean zero = io.lifeboat.core.internal.codec.Zeros.isAllZero(data, 0, length);
        try (FileChannel ch = partial(w.file(), zero ? -1 : w.offset() + length, !zero)) {
            if (ch != null) {
                FileIo.writeFully(ch, w.offset(), data, 0, length);
            }
        }
        progress.bytes.addAndGet(length);
        done(w.file());
    }

    /** One of the file's chunks is settled (written, or given up on). */
    private void done(FileJob job) {
        if (job.pending.decrementAndGet() == 0 && !job.damaged()) {
            progress.files.incrementAndGet();
        }
    }


    /**
     * Puts each file in place. A complete file is renamed over its name, atomically, so an
     * existing file there is replaced only by a verified one. A damaged file must not look
     * restored: what could be read becomes {@code NAME.lifeboat-damaged}, and whatever was
     * under its name before stays as it was.
     */
    private void finish() throws IOException {
        for (FileJob job : jobs) {
            partial(job, -1, false); // a file no write reached: empty, or nothing of it readable
            if (job.conflict != null) {
                continue;
            }
            if (job.damaged()) {
                Path aside = job.path.resolveSibling(job.path.getFileName() + DAMAGED_SUFFIX);
                try {
                    Files.move(job.partial, aside, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    job.moved = true;
                    job.salvagedTo = aside.toString();
                } catch (IOException e) {
                    job.damage.set(job.damage.get() + "; nothing kept: " + aside + " could not be written ("
                            + describe(e) + ")");
                }
                continue;
            }
            try {
                Files.move(job.partial, job.path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                job.moved = true;
            } catch (IOException e) {
                job.damage.set("restored, but could not be put in place: " + describe(e));
            }
        }
    }

    // ---- phase 3: metadata ---------------------------------------------------------

    private void applyMetadata() throws IOException {
        metadata.sort(Comparator.comparingInt((Meta m) -> m.node().type() == NodeType.DIR ? 1 : 0)
                .thenComparing(Comparator.comparingInt(Meta::depth).reversed()));
        for (Meta m : metadata) {
            if (m.job() == null || (!m.job().damaged() && m.job().conflict == null)) {
                Object key = m.job() != null ? m.job().fileKey : dirKeys.get(m.path());
                if (m.node().type() != NodeType.SYMLINK && !stillOurs(m.path(), key)) {
                    conflicts.add(new RestoreResult.Conflict(m.path().toString(),
                            "replaced by something else while restoring (a link, say): its mode, owner and times were not applied"));
                    continue;
                }
                apply(m.path(), m.node());
            }
        }
    }

    /**
     * Whether {@code p} is still the file or directory restore created there: not a link,
     * and the same device and inode. The JDK changes a mode through a symbolic link even when
     * told not to follow links (it opens the path without {@code O_NOFOLLOW} to
     * {@code fchmod} it), so a link planted in place of a restored entry would otherwise
     * have restore, often running as root, change the mode of whatever it points to. A
     * replacement between this check and the change remains possible; it is a window of
     * microseconds instead of the whole restore.
     */
    private static boolean stillOurs(Path p, Object key) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return false;
        }
        return !a.isSymbolicLink() && key != null && key.equals(a.fileKey());
    }

    /**
     * Ownership, mode and times of an entry restore created; never through a link. System
     * calls are skipped where the outcome is known: an entry restore created is owned by
     * its effective user, and by its effective group when its directory is one restore
     * created without a set-group-id bit to inherit (directories get their own modes last).
     */
    private void apply(Path p, Node n) throws IOException {
        boolean link = n.type() == NodeType.SYMLINK;
        if (asRoot) {
            try {
                if (n.uid() != euid) {
                    Files.setAttribute(p, "unix:uid", (int) n.uid(), LinkOption.NOFOLLOW_LINKS);
                }
                if (n.gid() != egid || !plainDirs.contains(p.getParent())) {
                    Files.setAttribute(p, "unix:gid", (int) n.gid(), LinkOption.NOFOLLOW_LINKS);
                }
            } catch (IOException | UnsupportedOperationException e) {
                // ownership is best effort
            }
        }
        if (!link) {
            int mode = ownerOnly && n.type() == NodeType.FILE ? n.mode() & 0700 : n.mode();
            // chmod(2) by path, which follows a link. Asked not to follow links, the JDK
            // follows them all the same (it opens the path without O_NOFOLLOW to fchmod it),
            // at two system calls more; stillOurs has just checked that p is no link.
            Files.setAttribute(p, "unix:mode", mode);
        }
        FileTime mtime = FileTime.from(n.mtimeNanos(), TimeUnit.NANOSECONDS);
        try {
            // Both times given: with the access time left out the JDK reads it first, a system call per entry.
            Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setTimes(mtime,
                    restoredAt, null);
        } catch (IOException e) {
            if (!link) {
                throw e;
            }
        }
    }
}
