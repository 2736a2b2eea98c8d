package io.lifeboat.core.internal.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.Id;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.internal.format.Node.NodeType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Round trips and corruption handling of the repository's own encodings. */
class FormatProperties {

    @Provide
    Arbitrary<Id> ids() {
        return Arbitraries.bytes().array(byte[].class).ofSize(32).map(Id::of);
    }

    @Provide
    Arbitrary<String> names() {
        // Any characters but '/' and NUL, including spaces and non-ASCII.
        return Arbitraries.strings().all().ofMinLength(1).ofMaxLength(40)
                .filter(s -> s.indexOf('/') < 0 && s.indexOf('\0') < 0 && !s.equals(".") && !s.equals("..")
                        && s.codePoints().noneMatch(c -> Character.getType(c) == Character.SURROGATE));
    }

    @Provide
    Arbitrary<Node> nodes() {
        Arbitrary<NodeType> types = Arbitraries.of(NodeType.class);
        Arbitrary<Long> longs = Arbitraries.longs().between(0, Long.MAX_VALUE);
        Arbitrary<Long> times = Arbitraries.longs();
        return Combinators.combine(names(), types, Arbitraries.integers().between(0, 07777), longs, times,
                ids().list().ofMaxSize(5), ids(), names()).as((name, type, mode, n, time, chunks, sub, target) ->
                switch (type) {
                    case FILE -> new Node(name, type, mode, n % 70000, n % 5000, time, -time, n, n, chunks, null, null);
                    case DIR -> new Node(name, type, mode, 0, 0, time, time, n, 0, List.of(), sub, null);
                    case SYMLINK -> new Node(name, type, mode, 1, 1, time, time, n, 0, List.of(), null, target);
                });
    }

    @Property
    void treeRoundTrips(@ForAll("treeNodes") List<Node> nodes) throws Exception {
        Tree tree = Tree.sorted(nodes);
        Tree back = Tree.decode(tree.encode());
        assertThat(back).isEqualTo(tree);
        for (Node n : nodes) {
            assertThat(back.find(n.name())).isEqualTo(n);
        }
    }

    @Provide
    Arbitrary<List<Node>> treeNodes() {
        return nodes().list().ofMaxSize(30).uniqueElements(Node::name);
    }

    @Property
    void truncatedOrExtendedTreesAreRejected(@ForAll("treeNodes") List<Node> nodes, @ForAll @IntRange(min = 1, max = 50) int cut) {
        byte[] bytes = Tree.sorted(nodes).encode();
        byte[] shorter = java.util.Arrays.copyOf(bytes, Math.max(0, bytes.length - cut));
        byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + cut);
        assertThatThrownBy(() -> Tree.decode(shorter)).isInstanceOf(CorruptObjectException.class);
        assertThatThrownBy(() -> Tree.decode(longer)).isInstanceOf(CorruptObjectException.class);
    }

    @Property
    void arbitraryBytesNeverCrashTheTreeDecoder(@ForAll @Size(max = 200) byte[] garbage) {
        try {
            Tree.decode(garbage);
        } catch (CorruptObjectException expected) {
            // the only allowed failure
        }
    }

    @Property
    void indexRoundTrips(@ForAll("ids") Id pack, @ForAll("ids") Id other, @ForAll @IntRange(max = 20) int n,
                         @ForAll("ids") Id superseded) throws Exception {
        Map<Id, List<PackEntry>> packs = new LinkedHashMap<>();
        List<PackEntry> entries = new ArrayList<>();
        long offset = 0;
        for (int i = 0; i < n; i++) {
            byte[] b = pack.bytes();
            b[0] = (byte) i;
            entries.add(new PackEntry(pack, i % 2 == 0 ? BlobType.DATA : BlobType.TREE, Id.sha256(b), offset, 100 + i, 1000 * i));
            offset += 100 + i;
        }
        packs.put(pack, entries);
        if (!other.equals(pack)) {
            packs.put(other, List.of());
        }
        IndexFile file = new IndexFile(packs, List.of(superseded));
        IndexFile back = IndexFile.decode(file.encode());
        assertThat(back.packs()).isEqualTo(file.packs());
        assertThat(back.superseded()).containsExactly(superseded);
    }

    @Property
    void arbitraryBytesNeverCrashTheIndexDecoder(@ForAll @Size(max = 300) byte[] garbage) {
        try {
            IndexFile.decode(garbage);
        } catch (CorruptObjectException expected) {
            // the only allowed failure
        }
    }

    @Property
    void snapshotRoundTrips(@ForAll("ids") Id tree, @ForAll("ids") Id id, @ForAll("names") String host,
                            @ForAll("names") String tagValue, @ForAll long seconds, @ForAll boolean withParent) throws Exception {
        Instant time = Instant.ofEpochSecond(Math.floorMod(seconds, 4_000_000_000L), Math.floorMod(seconds, 1_000_000_000));
        Snapshot s = new Snapshot(null, time, host, "user", List.of("/data/train", "/models/x y"),
                new TreeMap<>(Map.of("k", tagValue, "empty", "")), "training-data", "dataset", withParent ? id : null,
                tree, "lifeboat test", new Snapshot.Summary(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13));
        Snapshot back = SnapshotCodec.decode(id, SnapshotCodec.encode(s));
        assertThat(back).isEqualTo(s.withId(id));
    }

    @Property
    void varintsRoundTrip(@ForAll long signed, @ForAll @IntRange(min = 0) int small) throws Exception {
        long unsigned = signed & Long.MAX_VALUE;
        byte[] b = new ByteWriter().uvarint(unsigned).svarint(signed).uvarint(small).u32le(small).toByteArray();
        ByteReader r = new ByteReader(b);
        assertThat(r.uvarint()).isEqualTo(unsigned);
        assertThat(r.svarint()).isEqualTo(signed);
        assertThat(r.uvarint(Integer.MAX_VALUE)).isEqualTo(small);
        assertThat(r.u32le()).isEqualTo(small);
        assertThat(r.atEnd()).isTrue();
    }

    @Property(tries = 20)
    void snapshotsFromALaterVersionWithExtraFieldsStillDecode(@ForAll("ids") Id tree, @ForAll("ids") Id id) throws Exception {
        Snapshot s = new Snapshot(null, Instant.parse("2026-01-02T03:04:05Z"), "h", "u", List.of("/a"), new TreeMap<>(),
                null, null, null, tree, "p", Snapshot.Summary.EMPTY);
        String json = new String(SnapshotCodec.encode(s), java.nio.charset.StandardCharsets.UTF_8)
                .replace("\"summary\":{", "\"summary\":{\"gpuHours\":3,")
                .replace("\"version\":1", "\"version\":1,\"futureField\":{\"x\":[1,2]}");
        assertThat(json).contains("gpuHours").contains("futureField");
        assertThat(SnapshotCodec.decode(id, json.getBytes(java.nio.charset.StandardCharsets.UTF_8))).isEqualTo(s.withId(id));
    }
}
