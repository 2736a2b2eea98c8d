package io.lifeboat.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.internal.crypto.KdfParams;
import io.lifeboat.core.internal.format.BlobType;
import io.lifeboat.core.internal.format.ByteWriter;
import io.lifeboat.core.internal.format.IndexFile;
import io.lifeboat.core.internal.format.PackEntry;
import io.lifeboat.core.storage.local.LocalBlobStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Index files are merged a pack at a time; a file found malformed part-way (authentic,
 * but listing a pack twice) must add none of its entries, not those before the fault.
 */
class IndexLoadingTest {
    private static final char[] PASS = "index loading test".toCharArray();

    @TempDir
    Path tmp;

    @Test
    void aMalformedIndexFileAddsNothingAndTheOthersLoad() throws IOException {
        Id goodPack = id(1);
        Id goodBlob = id(2);
        Id badPack = id(3);
        Id badBlob = id(4);
        Id lateBlob = id(5);
        Id badFile;
        try (Repository repo = Repository.init(LocalBlobStore.create(tmp), PASS,
                Repository.InitOptions.defaults("h", "u").withKdf(KdfParams.TESTING))) {
            repo.saveIndex(Map.of(goodPack, List.of(new PackEntry(goodPack, BlobType.DATA, goodBlob, 0, 100, 90))));
            ByteWriter w = new ByteWriter();
            w.u8(1).uvarint(2);
            w.id(badPack).uvarint(1).u8(BlobType.DATA.code()).id(badBlob).uvarint(0).uvarint(100).uvarint(90);
            w.id(badPack).uvarint(1).u8(BlobType.DATA.code()).id(lateBlob).uvarint(100).uvarint(100).uvarint(90);
            w.uvarint(0);
            badFile = repo.saveObject(Repository.INDEX, w.toByteArray());
        }
        try (Repository repo = Repository.open(new LocalBlobStore(tmp), PASS)) {
            List<IntegrityException> damaged = repo.loadIndex();

            assertThat(damaged).singleElement().satisfies(e -> {
                assertThat(e.objectName()).isEqualTo(Repository.INDEX + "/" + badFile.hex());
                assertThat(e.getMessage()).contains("listed twice");
            });
            assertThat(repo.index().contains(goodBlob)).isTrue();
            assertThat(repo.index().contains(badBlob)).isFalse();
            assertThat(repo.index().contains(lateBlob)).isFalse();
        }
        try (Repository repo = Repository.open(new LocalBlobStore(tmp), PASS)) {
            // The path that hands each file to a caller (prune) refuses it the same way.
            List<Id> seen = new ArrayList<>();
            assertThat(repo.loadIndex((file, contents) -> seen.add(file))).hasSize(1);
            assertThat(seen).hasSize(1).doesNotContain(badFile);
            assertThat(repo.index().contains(badBlob)).isFalse();
        }
    }

    @Test
    void thePackVisitorSeesThePacksInTheFilesOrder() throws Exception {
        ByteWriter w = new ByteWriter();
        w.u8(1).uvarint(3);
        for (int p : new int[] {9, 3, 6}) {
            w.id(id(p)).uvarint(1).u8(BlobType.TREE.code()).id(id(p + 100)).uvarint(0).uvarint(10).uvarint(20);
        }
        w.uvarint(1).id(id(42));
        List<Id> packs = new ArrayList<>();

        List<Id> superseded = IndexFile.decode(w.toByteArray(), (pack, entries) -> {
            assertThat(entries).singleElement().satisfies(e -> assertThat(e.pack()).isEqualTo(pack));
            packs.add(pack);
        });

        assertThat(packs).containsExactly(id(9), id(3), id(6));
        assertThat(superseded).containsExactly(id(42));
    }

    private static Id id(int n) {
        byte[] b = new byte[Id.LENGTH];
        b[0] = (byte) n;
        b[31] = (byte) (n * 7);
        return Id.of(b);
    }
}
