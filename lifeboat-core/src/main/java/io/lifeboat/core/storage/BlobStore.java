package io.lifeboat.core.storage;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;

/**
 * The storage SPI: a flat namespace of immutable blobs. Everything clever (packing,
 * deduplication, compression, encryption) lives above it; a backend only stores bytes.
 *
 * <h2>Names</h2>
 * A blob name is a relative, slash-separated path of lower-case ASCII letters, digits,
 * {@code '-'}, {@code '_'} and {@code '.'} (see {@link BlobNames#validate(String)}), for
 * example {@code data/3f/3f9a...}. Backends map names to their native keys one to one.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Write once.</b> {@link #putIfAbsent} never replaces an existing blob. It is
 *       atomic: readers see either no blob or the complete blob, never a prefix, and a
 *       failed or interrupted put leaves no blob under the name.</li>
 *   <li><b>Visibility.</b> Once {@code putIfAbsent} returns, the blob is durable and
 *       visible to {@link #get}, {@link #stat} and {@link #list} of every client.</li>
 *   <li><b>Missing blobs.</b> {@link #get} and {@link #stat} throw
 *       {@link NoSuchBlobException} (an {@link IOException}) carrying the name;
 *       {@link #delete} of a missing blob returns {@code false}.</li>
 *   <li><b>Ranges.</b> {@link #get(String, long, int)} returns exactly the requested
 *       bytes or throws: a range that runs past the end of the blob throws
 *       {@link java.io.EOFException}.</li>
 *   <li><b>Errors.</b> Every storage fault is an {@link IOException}; programmer errors
 *       (a malformed name, a negative offset) are {@link IllegalArgumentException}s.</li>
 *   <li><b>Retention locks.</b> A blob created by
 *       {@link #putIfAbsent(String, byte[], int, int, Instant)} with a date cannot be
 *       deleted before that date: {@link #delete} throws {@link ObjectLockedException} and
 *       leaves it as it is; {@link #stat} and {@link #list} report the date. A put of a
 *       name that exists changes nothing, its lock included. A backend that cannot hold
 *       locks says so ({@link #supportsRetention}) and refuses a put with a date rather
 *       than store an unlocked blob.</li>
 *   <li><b>Thread safety.</b> Implementations are safe for concurrent use by many
 *       threads and by many processes (or hosts) sharing the same store.</li>
 * </ul>
 */
public interface BlobStore extends Closeable {

    /**
     * Stores {@code data[offset, offset+length)} under {@code name} unless a blob of that
     * name already exists. Existing content is never compared nor replaced: callers name
     * blobs by the hash of their bytes, so an existing blob holds the same bytes.
     *
     * <p>The caller may reuse {@code data} as soon as this returns (the backup engine
     * refills pack buffers): a backend must copy or finish with the bytes before it
     * returns, and keep no reference to the array.
     *
     * @return {@code true} if this call created the blob, {@code false} if it existed
     * @throws IOException if the blob could not be stored; then no blob is left under
     *         the name by this call
     */
    boolean putIfAbsent(String name, byte[] data, int offset, int length) throws IOException;

    /**
     * Like {@link #putIfAbsent(String, byte[], int, int)}, and if this call creates the
     * blob, locks it against deletion until {@code retainUntil} (null: no lock).
     *
     * @throws UnsupportedOperationException if a date is given and the backend cannot
     *         hold retention locks; nothing is stored then
     */
    default boolean putIfAbsent(String name, byte[] data, int offset, int length, Instant retainUntil) throws IOException {
        if (retainUntil == null) {
            return putIfAbsent(name, data, offset, length);
        }
        throw new UnsupportedOperationException(describe() + " cannot hold retention locks");
    }

    /** Whether {@link #putIfAbsent(String, byte[], int, int, Instant)} can lock blobs. */
    default boolean supportsRetention() {
        return false;
    }

    /** Stores a whole array; see {@link #putIfAbsent(String, byte[], int, int)}. */
    default boolean putIfAbsent(String name, byte[] data) throws IOException {
        return putIfAbsent(name, data, 0, data.length);
    }

    /**
     * Reads a whole blob.
     *
     * @throws NoSuchBlobException if there is no blob of that name
     */
    byte[] get(String name) throws IOException;

    /**
     * Opens a whole blob to be read front to back, for readers that work on each part as
     * it arrives (a {@code check} hashes and verifies a pack while its bytes are still in
     * the processor's cache) rather than on the whole at once. The stream ends where the
     * blob does; the caller closes it. The default reads the blob with {@link #get(String)}
     * and serves it from memory.
     *
     * @throws NoSuchBlobException if there is no blob of that name
     */
    default InputStream openStream(String name) throws IOException {
        return new ByteArrayInputStream(get(name));
    }

    /**
     * Reads {@code length} bytes starting at {@code offset}.
     *
     * @throws NoSuchBlobException if there is no blob of that name
     * @throws java.io.EOFException if the range runs past the end of the blob
     */
    byte[] get(String name, long offset, int length) throws IOException;

    /**
     * Reads {@code length} bytes starting at {@code offset} into {@code into[0, length)}: the
     * same as {@link #get(String, long, int)}, into an array the caller reuses. A store that
     * can read straight into it (the local one) spares a fresh array per read, which the
     * JVM zeroes and the kernel faults in before the data even arrives.
     *
     * @throws NoSuchBlobException if there is no blob of that name
     * @throws java.io.EOFException if the range runs past the end of the blob
     */
    default void read(String name, long offset, byte[] into, int length) throws IOException {
        if (length > into.length) {
            throw new IllegalArgumentException("reading " + length + " bytes into an array of " + into.length);
        }
        System.arraycopy(get(name, offset, length), 0, into, 0, length);
    }

    /**
     * Lists the blobs whose names start with {@code prefix} (which may be empty), in no
     * particular order. Blobs being written and not yet complete are never listed.
     */
    List<BlobInfo> list(String prefix) throws IOException;

    /**
     * Describes one blob.
     *
     * @throws NoSuchBlobException if there is no blob of that name
     */
    BlobInfo stat(String name) throws IOException;

    /**
     * Deletes a blob.
     *
     * @return {@code true} if a blob was deleted, {@code false} if none existed
     * @throws ObjectLockedException if the blob is under a retention lock; it stays as it is
     */
    boolean delete(String name) throws IOException;

    /** A human-readable location, without credentials, for messages. */
    String describe();

    @Override
    default void close() throws IOException {}
}
