package io.lifeboat.core.internal.format;

import io.lifeboat.core.Id;
import io.lifeboat.core.IntegrityException;
import io.lifeboat.core.internal.crypto.AuthenticationException;
import io.lifeboat.core.internal.crypto.Envelope;
import io.lifeboat.core.storage.BlobStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The pack format. A pack is many sealed blobs followed by a sealed header that lists
 * them, then a plaintext trailer:
 *
 * <pre>
 * blob_0 || blob_1 || ... || blob_{n-1} || sealed(header) || u32le(len(sealed(header))) || "LBP1"
 * header = u8 version(1) || uvarint n || n * ( u8 type || id[32] || uvarint length || uvarint rawLength )
 * </pre>
 *
 * Blob offsets are implied: blob i starts where blob i-1 ends, blob 0 at offset 0. The
 * trailer lets {@code check} confirm a pack's shape without the key; the pack's name
 * is the SHA-256 of all its bytes.
 */
public final class Packs {
    /** Magic at the very end of every pack. */
    public static final byte[] MAGIC = "LBP1".getBytes(StandardCharsets.US_ASCII);
    /** Length of the plaintext trailer: header length and magic. */
    public static final int TRAILER = 8;
    static final int HEADER_VERSION = 1;
    /** Upper bound on a header's sealed size that a reader accepts. */
    static final int MAX_HEADER = 64 * 1024 * 1024;

    private Packs() {}

    /** The blob name of a pack. */
    public static String name(Id pack) {
        return "data/" + pack.fanout() + "/" + pack.hex();
    }

    /** Parses a pack's id from its blob name, or returns null when the name is not a pack's. */
    public static Id idOf(String name) {
        int slash = name.lastIndexOf('/');
        if (!name.startsWith("data/") || slash < 0) {
            return null;
        }
        try {
            return Id.fromHex(name.substring(slash + 1));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Encodes the plaintext header for blobs in pack order. */
    static byte[] encodeHeader(List<PackEntry> entries) {
        ByteWriter w = new ByteWriter(16 + entries.size() * 40);
        w.u8(HEADER_VERSION).uvarint(entries.size());
        for (PackEntry e : entries) {
            w.u8(e.type().code()).id(e.id()).uvarint(e.length()).uvarint(e.rawLength());
        }
        return w.toByteArray();
    }

    /** Decodes a plaintext header; {@code pack} names the pack the entries belong to. */
    static List<PackEntry> decodeHeader(Id pack, byte[] header, long headerOffset) throws CorruptObjectException {
        ByteReader r = new ByteReader(header);
        int version = r.u8();
        if (version != HEADER_VERSION) {
            throw new CorruptObjectException("unknown pack header version " + version);
        }
        int n = r.uvarint(header.length);
        List<PackEntry> entries = new ArrayList<>(n);
        long offset = 0;
        for (int i = 0; i < n; i++) {
            BlobType type = BlobType.ofCode(r.u8());
            Id id = r.id();
            int length = r.uvarint(Integer.MAX_VALUE);
            int raw = r.uvarint(Integer.MAX_VALUE);
            entries.add(new PackEntry(pack, type, id, offset, length, raw));
            offset += length;
        }
        r.expectEnd();
        if (offset != headerOffset) {
            throw new CorruptObjectException("pack header lists " + offset + " bytes of blobs but the header starts at "
                    + headerOffset);
        }
        return entries;
    }

    /**
     * Checks the plaintext trailer of a pack of {@code size} bytes and returns the sealed
     * header's length. Needs no key.
     */
    public static int headerLength(String name, byte[] trailer, long size) throws IntegrityException {
        if (size < TRAILER || trailer.length != TRAILER) {
            throw new IntegrityException(name, "too short to be a pack (" + size + " bytes)");
        }
        for (int i = 0; i < 4; i++) {
            if (trailer[4 + i] != MAGIC[i]) {
                throw new IntegrityException(name, "pack trailer magic missing (truncated or not a pack)");
            }
        }
        int len = (trailer[0] & 0xff) | (trailer[1] & 0xff) << 8 | (trailer[2] & 0xff) << 16 | (trailer[3] & 0xff) << 24;
        if (len < Envelope.OVERHEAD || len > MAX_HEADER || len > size - TRAILER) {
            throw new IntegrityException(name, "pack header length " + len + " out of range for a pack of " + size + " bytes");
        }
        return len;
    }

    /**
     * Reads and decrypts the header of a whole pack held in memory.
     *
     * @throws IntegrityException if the pack is malformed or fails authentication
     */
    public static List<PackEntry> readHeader(Id pack, byte[] bytes, Envelope envelope) throws IntegrityException {
        return readHeader(pack, bytes, bytes.length, envelope);
    }

    /** Like {@link #readHeader(Id, byte[], Envelope)}, of a pack held in {@code bytes[0, size)}. */
    public static List<PackEntry> readHeader(Id pack, byte[] bytes, int size, Envelope envelope) throws IntegrityException {
        String name = name(pack);
        byte[] trailer = new byte[TRAILER];
        System.arraycopy(bytes, Math.max(0, size - TRAILER), trailer, 0, Math.min(TRAILER, size));
        int len = headerLength(name, trailer, size);
        long headerOffset = size - TRAILER - len;
        return openHeader(pack, envelope, bytes, (int) headerOffset, len);
    }

    /** Reads and decrypts a pack's header with two ranged reads. */
    public static List<PackEntry> readHeader(Id pack, BlobStore store, Envelope envelope) throws IOException {
        String name = name(pack);
        long size = store.stat(name).size();
        if (size < TRAILER) {
            throw new IntegrityException(name, "too short to be a pack (" + size + " bytes)");
        }
        int len = headerLength(name, store.get(name, size - TRAILER, TRAILER), size);
        long headerOffset = size - TRAILER - len;
        byte[] sealed = store.get(name, headerOffset, len);
        return openHeader(pack, envelope, sealed, 0, len, headerOffset);
    }

    private static List<PackEntry> openHeader(Id pack, Envelope envelope, byte[] buf, int off, int len) throws IntegrityException {
        return openHeader(pack, envelope, buf, off, len, off);
    }

    private static List<PackEntry> openHeader(Id pack, Envelope envelope, byte[] buf, int off, int len, long headerOffset)
            throws IntegrityException {
        String name = name(pack);
        try {
            return decodeHeader(pack, envelope.open(buf, off, len), headerOffset);
        } catch (AuthenticationException e) {
            throw new IntegrityException(name, "pack header fails authentication", e);
        } catch (CorruptObjectException e) {
            throw new IntegrityException(name, "pack header malformed: " + e.getMessage(), e);
        }
    }
}
