package io.lifeboat.core.internal.format;

import io.lifeboat.core.Id;
import io.lifeboat.core.internal.crypto.Envelope;
import java.util.ArrayList;
import java.util.List;

/**
 * Accumulates sealed blobs into one pack in memory. Not thread-safe: the owner
 * serializes {@link #add} calls.
 */
public final class PackBuilder {
    private final BlobType type;
    private final ByteWriter body;
    private final List<PackEntry> entries = new ArrayList<>();
    /** Stands for the pack's id until the pack is finished and named. */
    private static final Id UNNAMED = Id.of(new byte[Id.LENGTH]);

    public PackBuilder(BlobType type, int expectedSize) {
        this.type = type;
        this.body = new ByteWriter(expectedSize);
    }

    /** A builder that fills {@code buffer} (recycled from an uploaded pack, say), growing past it only if needed. */
    public PackBuilder(BlobType type, byte[] buffer) {
        this.type = type;
        this.body = new ByteWriter(buffer);
    }

    public BlobType type() {
        return type;
    }

    /** Appends one sealed blob. The pack id of the entries is filled in by {@link #finish}. */
    public void add(Id id, byte[] sealed, int rawLength) {
        add(id, sealed, 0, sealed.length, rawLength);
    }

    /** Appends the sealed blob {@code sealed[off, off+len)}. */
    public void add(Id id, byte[] sealed, int off, int len, int rawLength) {
        entries.add(new PackEntry(UNNAMED, type, id, body.size(), len, rawLength));
        body.bytes(sealed, off, len);
    }

    /** Bytes of blobs so far. */
    public int size() {
        return body.size();
    }

    /** Most bytes one header entry takes: type, id and two varints of at most 5 bytes. */
    static final int MAX_HEADER_ENTRY = 1 + 32 + 5 + 5;

    /**
     * The size of the finished pack if one more blob of {@code sealedLength} bytes were
     * added: blobs, the sealed header at its largest, and the trailer.
     */
    public long projectedSize(int sealedLength) {
        return (long) body.size() + sealedLength + (long) (entries.size() + 1) * MAX_HEADER_ENTRY + 16
                + Envelope.OVERHEAD + Packs.TRAILER;
    }

    public int count() {
        return entries.size();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Seals the header, appends the trailer and names the pack by the SHA-256 of its bytes. */
    public Sealed finish(Envelope envelope) {
        byte[] plainHeader = Packs.encodeHeader(entries);
        byte[] header = envelope.seal(plainHeader, 0, plainHeader.length);
        body.bytes(header);
        body.u32le(header.length);
        body.bytes(Packs.MAGIC);
        byte[] bytes = body.array();
        int length = body.size();
        Id id = Id.sha256(bytes, 0, length);
        List<PackEntry> named = new ArrayList<>(entries.size());
        for (PackEntry e : entries) {
            named.add(new PackEntry(id, e.type(), e.id(), e.offset(), e.length(), e.rawLength()));
        }
        return new Sealed(id, bytes, length, named);
    }

    /** A finished pack: its id, its bytes ({@code bytes[0, length)}) and its entries. */
    public record Sealed(Id id, byte[] bytes, int length, List<PackEntry> entries) {}
}
