package io.lifeboat.core.internal.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.Id;
import io.lifeboat.core.IntegrityException;
import io.lifeboat.core.internal.crypto.Envelope;
import io.lifeboat.core.storage.local.LocalBlobStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class PacksProperties {
    private static final Envelope ENVELOPE = new Envelope(new byte[32]);

    private static PackBuilder.Sealed pack(List<byte[]> blobs) {
        PackBuilder b = new PackBuilder(BlobType.DATA, 1024);
        for (byte[] blob : blobs) {
            b.add(Id.sha256(blob), ENVELOPE.seal(blob, 0, blob.length), blob.length);
        }
        return b.finish(ENVELOPE);
    }

    @Property(tries = 200)
    void headersRoundTripAndLocateEveryBlob(@ForAll @Size(max = 12) List<@Size(max = 300) byte[]> blobs) throws Exception {
        PackBuilder.Sealed p = pack(blobs);
        byte[] bytes = Arrays.copyOf(p.bytes(), p.length());
        assertThat(Id.sha256(bytes)).isEqualTo(p.id());
        List<PackEntry> entries = Packs.readHeader(p.id(), bytes, ENVELOPE);
        assertThat(entries).isEqualTo(p.entries());
        for (int i = 0; i < blobs.size(); i++) {
            PackEntry e = entries.get(i);
            assertThat(e.pack()).isEqualTo(p.id());
            assertThat(ENVELOPE.open(bytes, (int) e.offset(), e.length())).isEqualTo(blobs.get(i));
        }
    }

    @Property(tries = 100)
    void anyFlippedTrailerOrHeaderByteIsAnIntegrityError(@ForAll @Size(min = 1, max = 5) List<@Size(max = 100) byte[]> blobs,
                                                        @ForAll @IntRange(min = 1, max = 40) int fromEnd) {
        PackBuilder.Sealed p = pack(blobs);
        byte[] bytes = Arrays.copyOf(p.bytes(), p.length());
        bytes[bytes.length - fromEnd] ^= 0x01;
        assertThatThrownBy(() -> Packs.readHeader(p.id(), bytes, ENVELOPE)).isInstanceOf(IntegrityException.class);
    }

    @Property(tries = 50)
    void truncatedPacksAreIntegrityErrors(@ForAll @Size(min = 1, max = 5) List<@Size(max = 100) byte[]> blobs,
                                          @ForAll @IntRange(min = 1, max = 1000) int cut) {
        PackBuilder.Sealed p = pack(blobs);
        byte[] bytes = Arrays.copyOf(p.bytes(), Math.max(0, p.length() - cut));
        assertThatThrownBy(() -> Packs.readHeader(p.id(), bytes, ENVELOPE)).isInstanceOf(IntegrityException.class);
    }

    @Property(tries = 20)
    void aGapBetweenTheBlobsAndTheHeaderIsRefused(@ForAll @Size(min = 1, max = 3) List<@Size(max = 50) byte[]> blobs) {
        PackBuilder.Sealed p = pack(blobs);
        List<PackEntry> entries = p.entries();
        long blobsEnd = entries.get(entries.size() - 1).end();
        byte[] header = Arrays.copyOfRange(p.bytes(), (int) blobsEnd, p.length());
        byte[] gapped = new byte[p.length() + 1];
        System.arraycopy(p.bytes(), 0, gapped, 0, (int) blobsEnd);
        System.arraycopy(header, 0, gapped, (int) blobsEnd + 1, header.length);
        assertThatThrownBy(() -> Packs.readHeader(p.id(), gapped, ENVELOPE)).isInstanceOf(IntegrityException.class)
                .hasMessageContaining("header starts at");
    }

    @Property(tries = 10)
    void theRangedReaderAgreesWithTheInMemoryOne(@ForAll @Size(min = 1, max = 6) List<@Size(max = 2000) byte[]> blobs)
            throws Exception {
        Path dir = Files.createTempDirectory("packs");
        try (LocalBlobStore store = LocalBlobStore.create(dir)) {
            PackBuilder.Sealed p = pack(blobs);
            store.putIfAbsent(Packs.name(p.id()), p.bytes(), 0, p.length());
            assertThat(Packs.readHeader(p.id(), store, ENVELOPE)).isEqualTo(new ArrayList<>(p.entries()));
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
