package io.lifeboat.core.internal.repo;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.Id;
import io.lifeboat.core.internal.format.BlobType;
import io.lifeboat.core.internal.format.PackEntry;
import org.junit.jupiter.api.Test;

class ChunkIndexTest {
    private static Id id(int n) {
        byte[] b = new byte[32];
        b[0] = (byte) n;
        return Id.of(b);
    }

    @Test
    void theFirstCopyIsReadAndEveryCopyIsKept() {
        ChunkIndex index = new ChunkIndex();
        PackEntry inA = new PackEntry(id(1), BlobType.DATA, id(9), 0, 10, 5);
        PackEntry inB = new PackEntry(id(2), BlobType.DATA, id(9), 40, 10, 5);
        index.add(inA);
        index.add(inB);
        index.add(inB); // listed again by another index file: not a new copy
        index.add(inA);
        assertThat(index.get(id(9))).isEqualTo(inA);
        assertThat(index.size()).isEqualTo(1);
        assertThat(index.all()).containsExactly(inA);
        assertThat(index.allCopies()).containsExactlyInAnyOrder(inA, inB);
    }

    @Test
    void copiesOfListsEveryCopyOfOneBlobWithTheReadCopyFirst() {
        ChunkIndex index = new ChunkIndex();
        PackEntry inA = new PackEntry(id(1), BlobType.DATA, id(9), 0, 10, 5);
        PackEntry inB = new PackEntry(id(2), BlobType.DATA, id(9), 40, 10, 5);
        PackEntry inC = new PackEntry(id(3), BlobType.DATA, id(9), 80, 10, 5);
        PackEntry other = new PackEntry(id(1), BlobType.DATA, id(8), 10, 10, 5);
        index.add(inA);
        index.add(other);
        index.add(inB);
        index.add(inC);
        index.add(inB);
        assertThat(index.copiesOf(id(9))).containsExactly(inA, inB, inC);
        assertThat(index.copiesOf(id(8))).containsExactly(other);
        assertThat(index.copiesOf(id(7))).isEmpty();
    }
}
