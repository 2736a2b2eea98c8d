package io.lifeboat.core.internal.repo;

import io.lifeboat.core.Id;
import io.lifeboat.core.internal.format.BlobType;
import io.lifeboat.core.internal.format.PackEntry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

class ChunkIndexProperties {
    /** Few blobs, packs and offsets, so that sequences re-add entries and store copies often. */
    @Property(tries = 300)
    void behavesLikeAMapOfFirstCopiesAndFurtherCopies(@ForAll @Size(max = 200) List<@From("entries") PackEntry> adds,
                                                      @ForAll boolean inBatches) {
        ChunkIndex index = new ChunkIndex();
        Map<Id, List<PackEntry>> model = new LinkedHashMap<>();
        if (inBatches) {
            index.addAll(adds);
            adds.forEach(e -> ChunkIndexTest.addToModel(model, e));
        } else {
            adds.forEach(e -> ChunkIndexTest.addToBoth(index, model, e));
        }
        ChunkIndexTest.assertMatches(index, model);
    }

    @Provide
    Arbitrary<PackEntry> entries() {
        Arbitrary<Id> blobs = Arbitraries.integers().between(0, 30).map(ChunkIndexProperties::id);
        Arbitrary<Id> packs = Arbitraries.integers().between(100, 104).map(ChunkIndexProperties::id);
        Arbitrary<Long> offsets = Arbitraries.oneOf(Arbitraries.of(0L, (1L << 32) - 1, 1L << 32, Long.MAX_VALUE),
                Arbitraries.longs().between(0, 3));
        Arbitrary<Integer> lengths = Arbitraries.oneOf(Arbitraries.of(0, Integer.MAX_VALUE),
                Arbitraries.integers().between(1, 3));
        return Combinators.combine(packs, Arbitraries.of(BlobType.class), blobs, offsets, lengths, lengths)
                .as(PackEntry::new);
    }

    /** An id that differs from its neighbours in the last word only. */
    private static Id id(int n) {
        return Id.ofWords(0x5eed, 0, 0, n);
    }
}
