package io.lifeboat.core.storage.local;

import io.lifeboat.core.internal.io.FileIo;
import io.lifeboat.core.storage.BlobInfo;
import io.lifeboat.core.storage.BlobNames;
import io.lifeboat.core.storage.BlobStore;
import io.lifeboat.core.storage.NoSuchBlobException;
import io.lifeboat.core.storage.ObjectLockedException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A {@link BlobStore} in a directory of a local or mounted filesystem. The blob
 * {@code data/3f/3f9a...} is the file {@code <root>/data/3f/3f9a...}; directories are
 * created as needed and never removed.
 *
 * <h2>How a put is made atomic and durable</h2>
 * The bytes go to a uniquely named file in {@code <root>/tmp~/}, which is forced to
 * stable storage ({@code fsync}). The blob then appears in one step, without ever
 * replacing an existing file: a hard link from the final name to the temporary file
 * (which fails if the name exists), after which the containing directory is forced too.
 * The temporary file is deleted in every case. Readers therefore see no file or the
 * complete file.
 *
 * <p>Where the filesystem has no hard links, the file is instead renamed into place
 * after checking that the name is free. That check and the rename are two steps: two
 * processes putting the same name at the same moment may both report {@code true}. As
 * names are hashes of content, both wrote the same bytes and nothing is lost.
 *
 * <p>The temporary directory is named {@code tmp~} because {@code '~'} cannot occur in a
 * blob name, so no blob can collide with it and {@link #list} never shows its files.
 * Leftovers there (from a crash) are harmless and may be deleted when no put is running.
 *
 * <h2>Names the filesystem cannot hold</h2>
 * A file cannot also be a directory: once {@code a} is a blob, putting {@code a/b} fails
 * with an {@link IOException}, and the other way round. A name that is only the
 * directory of other blobs is not a blob ({@link NoSuchBlobException}).
 *
 * <p>Thread-safe and safe for several processes sharing the directory; the instance
 * holds no mutable state.
 */
public final class LocalBlobStore implements BlobStore {
    /** The directory under the root holding files being written. */
    static final String TEMP_DIRECTORY = "tmp~";

    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
    private static final int MAX_NAME = 1024;

    private final Path root;
    private final Path tempDirectory;
    private final boolean hardLinks;
    private final Clock clock;

    /**
     * Opens an existing store.
     *
     * @throws NoSuchFileException if {@code root} does not exist
     * @throws FileSystemException if {@code root} is not a directory
     */
    public LocalBlobStore(Path root) throws IOException {
        this(root, true, Clock.systemUTC());
    }

    /** Opens an existing store whose retention locks are judged by {@code clock}. */
    public LocalBlobStore(Path root, Clock clock) throws IOException {
        this(root, true, clock);
    }

    LocalBlobStore(Path root, boolean hardLinks) throws IOException {
        this(root, hardLinks, Clock.systemUTC());
    }

    private LocalBlobStore(Path root, boolean hardLinks, Clock clock) throws IOException {
        this.root = requireDirectory(root.toAbsolutePath().normalize());
        this.tempDirectory = this.root.resolve(TEMP_DIRECTORY);
        this.hardLinks = hardLinks;
        this.clock = clock;
    }

    /**
     * Opens a store, first creating {@code root} and its parents if missing.
     *
     * @throws IOException if {@code root} cannot be created or is not a directory
     */
    public static LocalBlobStore create(Path root) throws IOException {
        Files.createDirectories(root);
        return new LocalBlobStore(root);
    }

    private static Path requireDirectory(Path root) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(root, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(root.toString(), null, "blob store directory does not exist");
        }
        if (!attributes.isDirectory()) {
            throw new FileSystemException(root.toString(), null, "blob store location is not a directory");
        }
        return root;
    }

    // ---- writing

    @Override
    public boolean putIfAbsent(String name, byte[] data, int offset, int length) throws IOException {
        return putIfAbsent(name, data, offset, length, null);
    }

    /**
     * Stores like {@link #putIfAbsent(String, byte[], int, int)}; a blob locked until
     * {@code retainUntil} is made read-only on disk (no write permission for anyone) with
     * that date as its modification time, which is how {@link #stat}, {@link #list} and
     * {@link #delete} recognise the lock: an object file without write permission is
     * locked until its modification time. Both are set and synced before the file gets
     * its name, so a lock is never missing from a visible blob.
     */
    @Override
    public boolean putIfAbsent(String name, byte[] data, int offset, int length, Instant retainUntil) throws IOException {
        Path target = file(name);
        if (offset < 0 || length < 0 || offset > data.length - length) {
            throw new IllegalArgumentException("range [" + offset + ", +" + length + ") outside an array of " + data.length);
        }
        Path temp = tempDirectory.resolve(UUID.randomUUID() + ".part");
        try {
            writeDurably(temp, data, offset, length, retainUntil);
            createParentDirectories(target, name);
            return publish(temp, target, name);
        } finally {
            deleteQuietly(temp);
        }
    }

    @Override
    public boolean supportsRetention() {
        return true;
    }

    private void writeDurably(Path temp, byte[] data, int offset, int length, Instant retainUntil) throws IOException {
        try (FileChannel channel = openNew(temp)) {
            FileIo.writeFully(channel, data, offset, length);
            if (retainUntil != null) {
                Files.setLastModifiedTime(temp, FileTime.from(retainUntil));
                Files.setPosixFilePermissions(temp, READ_ONLY);
            }
            channel.force(true);
        }
    }

    private static final java.util.Set<PosixFilePermission> READ_ONLY = PosixFilePermissions.fromString("r--r--r--");

    /** The retention date of a blob file: its modification time if no one may write it, else null. */
    private static Instant retainUntil(PosixFileAttributes attributes) {
        java.util.Set<PosixFilePermission> p = attributes.permissions();
        boolean writable = p.contains(PosixFilePermission.OWNER_WRITE) || p.contains(PosixFilePermission.GROUP_WRITE)
                || p.contains(PosixFilePermission.OTHERS_WRITE);
        return writable ? null : attributes.lastModifiedTime().toInstant();
    }

    private FileChannel openNew(Path temp) throws IOException {
        try {
            return FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            Files.createDirectories(tempDirectory);
            return FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
    }

    /** Makes the durable temp file visible under {@code target}, never replacing a file. */
    private boolean publish(Path temp, Path target, String name) throws IOException {
        if (!hardLinks) {
            return moveIntoPlace(temp, target, name);
        }
        try {
            Files.createLink(target, temp);
        } catch (FileAlreadyExistsException e) {
            return requireExistingBlob(target, name);
        } catch (UnsupportedOperationException e) {
            return moveIntoPlace(temp, target, name);
        } catch (FileSystemException e) {
            if (e.getClass() != FileSystemException.class) {
                throw e; // access denied, missing directory: a real failure, not a lack of links
            }
            return moveIntoPlace(temp, target, name); // e.g. EPERM: the filesystem has no hard links
        }
        forceDirectory(target.getParent());
        return true;
    }

    /** Fallback without hard links; see the class comment for its race. */
    private boolean moveIntoPlace(Path temp, Path target, String name) throws IOException {
        try {
            Files.move(temp, target);
        } catch (FileAlreadyExistsException e) {
            return requireExistingBlob(target, name);
        }
        forceDirectory(target.getParent());
        return true;
    }

    /** @return false, as the blob exists; throws if the name is taken by a directory. */
    private static boolean requireExistingBlob(Path target, String name) throws IOException {
        if (Files.isDirectory(target)) {
            throw new FileSystemException(target.toString(), null,
                    "cannot store blob " + name + ": a directory of other blobs has that name");
        }
        return false;
    }

    /** Creates the missing directories between the root and {@code target}, forcing each new entry. */
    private void createParentDirectories(Path target, String name) throws IOException {
        Path parent = target.getParent();
        if (!Files.isDirectory(parent)) {
            createDirectory(parent, name);
        }
    }

    private void createDirectory(Path dir, String name) throws IOException {
        Path parent = dir.getParent();
        if (!parent.equals(root) && !Files.isDirectory(parent)) {
            createDirectory(parent, name);
        }
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            if (Files.isDirectory(dir)) {
                return; // made by a concurrent put
            }
            throw new FileSystemException(dir.toString(), null,
                    "cannot store blob " + name + ": " + root.relativize(dir) + " is a blob, not a directory");
        }
        forceDirectory(parent);
    }

    /**
     * Forces a directory's entries to stable storage. Some platforms and filesystems
     * cannot open or fsync a directory (Windows, some network filesystems answer EINVAL);
     * those failures, and only those of this call, are ignored: the file's own bytes were
     * already forced.
     */
    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // see above: directory fsync is best effort where the platform refuses it
        }
    }

    /** Deletes a temp file; a leftover is harmless (never listed), so a failure is not reported. */
    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // a leftover in tmp~ is never listed and may be removed later
        }
    }

    // ---- reading

    @Override
    public byte[] get(String name) throws IOException {
        Path file = file(name);
        try (FileChannel channel = openBlob(file, name)) {
            long size = channel.size();
            if (size > MAX_ARRAY) {
                throw new IOException("blob " + name + " has " + size + " bytes, too many to read at once");
            }
            return readFully(channel, 0, (int) size, name);
        }
    }

    @Override
    public InputStream openStream(String name) throws IOException {
        return Channels.newInputStream(openBlob(file(name), name));
    }

    @Override
    public byte[] get(String name, long offset, int length) throws IOException {
        try (FileChannel channel = openRange(name, offset, length)) {
            return readFully(channel, offset, length, name);
        }
    }

    @Override
    public void read(String name, long offset, byte[] into, int length) throws IOException {
        if (length > into.length) {
            throw new IllegalArgumentException("reading " + length + " bytes into an array of " + into.length);
        }
        try (FileChannel channel = openRange(name, offset, length)) {
            FileIo.readFully(channel, offset, into, 0, length, "blob " + name);
        }
    }

    /** Opens a blob to read {@code [offset, offset+length)}, which must lie within it. */
    private FileChannel openRange(String name, long offset, int length) throws IOException {
        Path file = file(name);
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative offset " + offset + " or length " + length + " reading " + name);
        }
        FileChannel channel = openBlob(file, name);
        try {
            long size = channel.size();
            if (offset > size - length) {
                throw new EOFException("blob " + name + " has " + size + " bytes; cannot read " + length + " at " + offset);
            }
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static byte[] readFully(FileChannel channel, long offset, int length, String name) throws IOException {
        byte[] bytes = new byte[length];
        FileIo.readFully(channel, offset, bytes, 0, length, "blob " + name);
        return bytes;
    }

    private static FileChannel openBlob(Path file, String name) throws IOException {
        attributes(file, name);
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NoSuchBlobException(name); // deleted since
        }
    }

    @Override
    public BlobInfo stat(String name) throws IOException {
        PosixFileAttributes a = attributes(file(name), name);
        return new BlobInfo(name, a.size(), retainUntil(a));
    }

    /** The attributes of a blob's file; {@link NoSuchBlobException} unless it is a regular file. */
    private static PosixFileAttributes attributes(Path file, String name) throws IOException {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, PosixFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new NoSuchBlobException(name);
        } catch (FileSystemException e) {
            if (e instanceof AccessDeniedException || Files.exists(file)) {
                throw e;
            }
            throw new NoSuchBlobException(name); // e.g. ENOTDIR: a parent is a blob
        }
        if (!attributes.isRegularFile()) {
            throw new NoSuchBlobException(name);
        }
        return attributes;
    }

    // ---- listing

    @Override
    public List<BlobInfo> list(String prefix) throws IOException {
        BlobNames.validatePrefix(prefix);
        int slash = prefix.lastIndexOf('/');
        String directory = prefix.substring(0, slash + 1);
        Path start = directory.isEmpty() ? root : root.resolve(directory);
        List<BlobInfo> blobs = new ArrayList<>();
        listDirectory(start, directory, prefix.substring(slash + 1), blobs);
        return blobs;
    }

    /** Adds the blobs under {@code dir} whose first segment starts with {@code segmentPrefix}. */
    private static void listDirectory(Path dir, String namePrefix, String segmentPrefix, List<BlobInfo> out)
            throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String segment = entry.getFileName().toString();
                if (segment.startsWith(segmentPrefix) && isNameSegment(segment)) {
                    listEntry(entry, namePrefix + segment, out);
                }
            }
        } catch (NoSuchFileException | NotDirectoryException e) {
            // nothing there, or removed while listing
        } catch (DirectoryIteratorException e) {
            if (!(e.getCause() instanceof NoSuchFileException)) {
                throw e.getCause();
            }
        }
    }

    private static void listEntry(Path entry, String name, List<BlobInfo> out) throws IOException {
        if (name.length() > MAX_NAME) {
            return;
        }
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(entry, PosixFileAttributes.class);
        } catch (NoSuchFileException e) {
            return; // deleted while listing
        }
        if (attributes.isDirectory()) {
            listDirectory(entry, name + "/", "", out);
        } else if (attributes.isRegularFile()) {
            out.add(new BlobInfo(name, attributes.size(), retainUntil(attributes)));
        }
    }

    /** Whether a file name can be a segment of a blob name; excludes {@code tmp~} and strays. */
    private static boolean isNameSegment(String segment) {
        if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
            return false;
        }
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    // ---- deleting

    @Override
    public boolean delete(String name) throws IOException {
        Path file = file(name);
        try {
            Instant until = retainUntil(attributes(file, name));
            if (until != null && clock.instant().isBefore(until)) {
                throw new ObjectLockedException(name, until);
            }
            Files.delete(file);
            return true;
        } catch (NoSuchFileException e) { // includes NoSuchBlobException
            return false;
        }
    }

    // ----

    private Path file(String name) {
        return root.resolve(BlobNames.validate(name));
    }

    /** The root directory. */
    public Path root() {
        return root;
    }

    @Override
    public String describe() {
        return root.toString();
    }

    @Override
    public String toString() {
        return "LocalBlobStore[" + root + "]";
    }
}
