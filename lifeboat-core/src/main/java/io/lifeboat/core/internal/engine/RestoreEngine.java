package io.lifeboat.core.internal.engine;

import io.lifeboat.core.Id;
import io.lifeboat.core.IntegrityException;
import io.lifeboat.core.Repository;
import io.lifeboat.core.RestoreOptions;
import io.lifeboat.core.RestoreResult;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.internal.format.Node;
import io.lifeboat.core.internal.format.Node.NodeType;
import io.lifeboat.core.internal.format.PackEntry;
import io.lifeboat.core.internal.format.Packs;
import io.lifeboat.core.internal.format.Tree;
import io.lifeboat.core.storage.NoSuchBlobException;
import java.io.EOFException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Restores a snapshot into a directory.
 *
 * <p>Three phases: (1) walk the snapshot's trees, create directories and symlinks, create
 * each file at its final size (sparse) and plan where each chunk goes; (2) read the packs
 * in parallel, each with as few ranged reads as its needed blobs allow, verify every blob
 * (authentication and keyed hash) and write it at its offsets, skipping all-zero chunks so
 * that sparse files stay sparse; (3) set ownership (when root), modes and times, files
 * first, then directories deepest first.
 *
 * <p>Damage never stops a restore: a file with a missing or damaged chunk is reported
 * and every other file is restored.
 */
public final class RestoreEngine {
    /** Blobs of one pack closer than this are fetched in one ranged read. */
    private static final long COALESCE_GAP = 256 * 1024;

    private final Repository repo;
    private final RestoreOptions options;
    private final List<PathMatcher> includes = new ArrayList<>();
    private final Map<Id, List<Write>> byPack = new HashMap<>();
    private final List<Meta> metadata = new ArrayList<>();
    private final Map<Path, String> damaged = new java.util.concurrent.ConcurrentHashMap<>();
    private final boolean root = Attrs.currentUid() == 0;
    private final AtomicLong bytes = new AtomicLong();
    private long files;
    private long dirs;
    private long symlinks;

    /** One chunk to write into one file at one offset. */
    private record Write(PackEntry entry, Path file, long offset) {}

    /** Metadata to apply after content: a node at a path, at a depth. */
    private record Meta(Path path, Node node, int depth) {}

    public RestoreEngine(Repository repo, RestoreOptions options) {
        this.repo = repo;
        this.options = options;
        for (String glob : options.includes()) {
            includes.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
        }
    }

    public RestoreResult run(Snapshot snapshot) throws IOException {
        repo.loadIndexStrict();
        Files.createDirectories(options.target());
        plan(repo.loadTree(snapshot.tree()), options.target(), Path.of("/"), 0, includes.isEmpty());
        fetchAll();
        applyMetadata();
        List<RestoreResult.Damaged> report = new ArrayList<>();
        damaged.forEach((p, why) -> report.add(new RestoreResult.Damaged(p.toString(), why)));
        report.sort(Comparator.comparing(RestoreResult.Damaged::path));
        return new RestoreResult(files, dirs, symlinks, bytes.get(), report);
    }

    // ---- phase 1: plan -----------------------------------------------------------

    /** Returns whether anything below was restored. */
    private boolean plan(Tree tree, Path dir, Path shown, int depth, boolean included) throws IOException {
        boolean any = false;
        for (Node node : tree.nodes()) {
            Path shownChild = shown.resolve(node.name());
            boolean in = included || matches(shownChild);
            Path target = dir.resolve(node.name());
            if (node.type() == NodeType.DIR) {
                Tree sub;
                try {
                    sub = repo.loadTree(node.subtree());
                } catch (IntegrityException e) {
                    if (in) {
                        damaged.put(target, "directory listing lost: " + e.getMessage());
                        any = true;
                    }
                    continue;
                }
                if (in) {
                    Files.createDirectories(target);
                }
                boolean below = plan(sub, target, shownChild, depth + 1, in);
                if (in || below) {
                    Files.createDirectories(target);
                    dirs++;
                    metadata.add(new Meta(target, node, depth));
                    any = true;
                }
            } else if (in) {
                restoreLeaf(node, target, depth);
                any = true;
            }
        }
        return any;
    }

    private boolean matches(Path shown) {
        for (PathMatcher m : includes) {
            if (m.matches(shown)) {
                return true;
            }
        }
        return false;
    }

    private void restoreLeaf(Node node, Path target, int depth) throws IOException {
        Files.createDirectories(target.getParent());
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            damaged.put(target, "a directory is in the way of the file");
            return;
        }
        Files.deleteIfExists(target);
        if (node.type() == NodeType.SYMLINK) {
            Files.createSymbolicLink(target, Path.of(node.target()));
            symlinks++;
        } else {
            planFile(node, target);
            files++;
        }
        metadata.add(new Meta(target, node, depth));
    }

    private void planFile(Node node, Path target) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(target.toFile(), "rw")) {
            f.setLength(node.size()); // holes until written: zero chunks stay sparse
        }
        long offset = 0;
        for (Id chunk : node.chunks()) {
            PackEntry e = repo.index().get(chunk);
            if (e == null) {
                damaged.put(target, "chunk " + chunk.shortHex() + " is missing from the repository");
                return;
            }
            byPack.computeIfAbsent(e.pack(), k -> new ArrayList<>()).add(new Write(e, target, offset));
            offset += e.rawLength();
        }
        if (offset != node.size()) {
            damaged.put(target, "chunks add up to " + offset + " bytes, the file had " + node.size());
        }
    }

    // ---- phase 2: content ----------------------------------------------------------

    private void fetchAll() throws IOException {
        Parallel.forEach(byPack.entrySet(), options.threads(), "lifeboat-restore",
                e -> fetchPack(e.getKey(), e.getValue()));
    }

    /** Reads the blobs one pack holds for this restore and writes them out. */
    private void fetchPack(Id pack, List<Write> writes) throws IOException {
        writes.sort(Comparator.comparingLong(w -> w.entry().offset()));
        int i = 0;
        while (i < writes.size()) {
            int j = i + 1;
            long start = writes.get(i).entry().offset();
            long end = writes.get(i).entry().end();
            while (j < writes.size() && writes.get(j).entry().offset() - end <= COALESCE_GAP) {
                end = Math.max(end, writes.get(j).entry().end());
                j++;
            }
            List<Write> run = writes.subList(i, j);
            byte[] range;
            try {
                range = repo.store().get(Packs.name(pack), start, Math.toIntExact(end - start));
            } catch (NoSuchBlobException e) {
                markAll(run, "pack " + pack.shortHex() + " is missing");
                i = j;
                continue;
            } catch (EOFException e) {
                range = null;
            }
            if (range == null) {
                // The pack is shorter than the index says: salvage blob by blob.
                for (Write w : run) {
                    writeOne(w);
                }
            } else {
                writeRun(run, range, start);
            }
            i = j;
        }
    }

    private void writeRun(List<Write> run, byte[] range, long start) throws IOException {
        PackEntry last = null;
        byte[] plain = null;
        for (Write w : run) {
            if (damaged.containsKey(w.file())) {
                continue;
            }
            if (w.entry() != last) {
                last = w.entry();
                try {
                    plain = repo.openBlob(w.entry(), range, Math.toIntExact(w.entry().offset() - start), w.entry().length());
                } catch (IntegrityException e) {
                    plain = null;
                }
            }
            if (plain == null) {
                damaged.put(w.file(), "chunk " + w.entry().id().shortHex() + " in pack " + w.entry().pack().shortHex()
                        + " is damaged");
                continue;
            }
            writeAt(w.file(), w.offset(), plain);
        }
    }

    private void writeOne(Write w) throws IOException {
        try {
            writeAt(w.file(), w.offset(), repo.loadBlob(w.entry()));
        } catch (IntegrityException e) {
            damaged.put(w.file(), e.getMessage());
        }
    }

    private void markAll(List<Write> run, String reason) {
        for (Write w : run) {
            damaged.putIfAbsent(w.file(), reason);
        }
    }

    private void writeAt(Path file, long offset, byte[] data) throws IOException {
        bytes.addAndGet(data.length);
        if (allZero(data)) {
            return; // already zero: the file was created sparse at its full size
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(data);
            long pos = offset;
            while (buf.hasRemaining()) {
                pos += ch.write(buf, pos);
            }
        }
    }

    private static boolean allZero(byte[] data) {
        for (byte b : data) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    // ---- phase 3: metadata ---------------------------------------------------------

    private void applyMetadata() throws IOException {
        metadata.sort(Comparator.comparingInt((Meta m) -> m.node().type() == NodeType.DIR ? 1 : 0)
                .thenComparing(Comparator.comparingInt(Meta::depth).reversed()));
        for (Meta m : metadata) {
            apply(m.path(), m.node());
        }
    }

    private void apply(Path p, Node n) throws IOException {
        boolean link = n.type() == NodeType.SYMLINK;
        if (root) {
            try {
                Files.setAttribute(p, "unix:uid", (int) n.uid(), LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(p, "unix:gid", (int) n.gid(), LinkOption.NOFOLLOW_LINKS);
            } catch (IOException | UnsupportedOperationException e) {
                // ownership is best effort
            }
        }
        if (!link) {
            Files.setAttribute(p, "unix:mode", n.mode());
        }
        FileTime mtime = FileTime.from(n.mtimeNanos(), TimeUnit.NANOSECONDS);
        try {
            Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setTimes(mtime, null, null);
        } catch (IOException e) {
            if (!link) {
                throw e;
            }
        }
    }
}
