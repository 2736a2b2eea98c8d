package io.lifeboat.core.internal.format;

import io.lifeboat.core.Id;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An index file: which blobs each listed pack holds, so a reader can find any blob
 * without opening packs. Plaintext layout (compressed and sealed when stored):
 *
 * <pre>
 * u8 version(1)
 * uvarint packCount
 *   packCount * ( pack id[32] || uvarint blobCount ||
 *                 blobCount * ( u8 type || id[32] || uvarint offset || uvarint length || uvarint rawLength ) )
 * uvarint supersededCount || supersededCount * index id[32]
 * </pre>
 *
 * {@code superseded} names index files whose content this one fully includes (written by
 * index compaction; empty for a backup's index).
 */
public record IndexFile(Map<Id, List<PackEntry>> packs, List<Id> superseded) {
    static final int VERSION = 1;

    public IndexFile {
        packs = Map.copyOf(packs);
        superseded = List.copyOf(superseded);
    }

    /** Receives an index file's packs one at a time, in the file's order. */
    @FunctionalInterface
    public interface PackVisitor {
        void pack(Id pack, List<PackEntry> entries);
    }

    /** Number of blobs listed. */
    public int blobCount() {
        int n = 0;
        for (List<PackEntry> entries : packs.values()) {
            n += entries.size();
        }
        return n;
    }

    public byte[] encode() {
        ByteWriter w = new ByteWriter(64 + blobCount() * 44);
        w.u8(VERSION).uvarint(packs.size());
        for (Map.Entry<Id, List<PackEntry>> pack : packs.entrySet()) {
            w.id(pack.getKey()).uvarint(pack.getValue().size());
            for (PackEntry e : pack.getValue()) {
                w.u8(e.type().code()).id(e.id()).uvarint(e.offset()).uvarint(e.length()).uvarint(e.rawLength());
            }
        }
        w.uvarint(superseded.size());
        for (Id id : superseded) {
            w.id(id);
        }
        return w.toByteArray();
    }

    public static IndexFile decode(byte[] bytes) throws CorruptObjectException {
        Map<Id, List<PackEntry>> packs = new LinkedHashMap<>();
        List<Id> superseded = decode(bytes, packs::put);
        return new IndexFile(packs, superseded);
    }

    /**
     * Decodes {@code bytes} a pack at a time, without building the whole file: the
     * entries of one pack at a time are objects. Returns the superseded index files. The
     * visitor may have seen packs before a later part of the file is found malformed: to
     * use nothing of a damaged file, decode it once with a visitor that does nothing first.
     *
     * @throws CorruptObjectException as {@link #decode(byte[])}
     */
    public static List<Id> decode(byte[] bytes, PackVisitor visitor) throws CorruptObjectException {
        ByteReader r = new ByteReader(bytes);
        int version = r.u8();
        if (version != VERSION) {
            throw new CorruptObjectException("unknown index version " + version);
        }
        int packCount = r.uvarint(bytes.length / Id.LENGTH);
        Set<Id> seen = new HashSet<>();
        for (int p = 0; p < packCount; p++) {
            Id pack = r.id();
            int n = r.uvarint(r.remaining() / Id.LENGTH);
            List<PackEntry> entries = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                BlobType type = BlobType.ofCode(r.u8());
                Id id = r.id();
                long offset = r.uvarint();
                int length = r.uvarint(Integer.MAX_VALUE);
                int raw = r.uvarint(Integer.MAX_VALUE);
                entries.add(new PackEntry(pack, type, id, offset, length, raw));
            }
            if (!seen.add(pack)) {
                throw new CorruptObjectException("pack " + pack.shortHex() + " listed twice");
            }
            visitor.pack(pack, entries);
        }
        int supersededCount = r.uvarint(r.remaining() / Id.LENGTH);
        List<Id> superseded = new ArrayList<>(supersededCount);
        for (int i = 0; i < supersededCount; i++) {
            superseded.add(r.id());
        }
        r.expectEnd();
        return superseded;
    }
}
