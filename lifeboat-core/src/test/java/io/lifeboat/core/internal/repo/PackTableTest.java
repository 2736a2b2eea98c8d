package io.lifeboat.core.internal.repo;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.Id;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PackTableTest {
    @Test
    void packsAreNumberedInTheOrderFirstSeenAndTheirIdsShared() {
        PackTable packs = new PackTable();
        List<Id> ids = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) { // past several growths of the array and the slots
            Id pack = Id.ofWords(0, i % 3, 0, i); // made-up ids, alike but in two words
            ids.add(pack);
            assertThat(packs.ordinal(pack)).isEqualTo(i);
        }
        for (int i = 0; i < ids.size(); i++) {
            Id equalCopy = Id.fromHex(ids.get(i).hex());
            assertThat(packs.ordinal(equalCopy)).isEqualTo(i);
            assertThat(packs.id(i)).isSameAs(ids.get(i));
        }
    }
}
