package io.lifeboat.core.internal.repo;

import io.lifeboat.core.Id;
import io.lifeboat.core.internal.format.BlobType;
import io.lifeboat.core.internal.format.PackEntry;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Measures the heap the chunk index holds per entry: used heap after a full collection,
 * before and after loading random entries pack by pack, as index files are loaded. Not a
 * test; run it by hand from {@code lifeboat-core}, after {@code test-compile}:
 *
 * <pre>
 * java -Xmx1g -cp target/classes:target/test-classes \
 *     io.lifeboat.core.internal.repo.ChunkIndexFootprint 1000000 3000000
 * </pre>
 *
 * <p>Options before the counts: {@code --per-pack N} blobs per pack (default 32: 16 MiB
 * packs of compressed 1 MiB chunks hold about that many); {@code --map} measures the
 * former {@code ConcurrentHashMap<Id, PackEntry>} instead, for comparison.
 */
public final class ChunkIndexFootprint {
    private ChunkIndexFootprint() {
    }

    public static void main(String[] args) {
        int perPack = 32;
        boolean map = false;
        int i = 0;
        for (; i < args.length && args[i].startsWith("--"); i++) {
            switch (args[i]) {
                case "--per-pack" -> perPack = Integer.parseInt(args[++i]);
                case "--map" -> map = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        for (; i < args.length; i++) {
            measure(Integer.parseInt(args[i]), perPack, map);
        }
    }

    private static void measure(int n, int perPack, boolean map) {
        long before = usedAfterGc();
        Object held;
        String computed = "";
        if (map) {
            Map<Id, PackEntry> entries = new ConcurrentHashMap<>();
            load(n, perPack, e -> entries.putIfAbsent(e.id(), e));
            held = entries;
        } else {
            ChunkIndex index = new ChunkIndex();
            load(n, perPack, index::add);
            held = index;
            computed = String.format(" (computed from array sizes: %.1f, of which pack table %.1f)",
                    (double) index.footprintBytes() / n, (double) index.packTableBytes() / n);
        }
        long after = usedAfterGc();
        System.out.printf("%s, %,d entries, %d per pack: %.1f bytes per entry measured%s%n",
                map ? "ConcurrentHashMap" : "ChunkIndex", n, perPack, (double) (after - before) / n, computed);
        Reference.reachabilityFence(held);
    }

    private static void load(int n, int perPack, Consumer<PackEntry> sink) {
        SplittableRandom rnd = new SplittableRandom(n);
        Id pack = null;
        for (int i = 0; i < n; i++) {
            if (i % perPack == 0) {
                pack = Id.ofWords(rnd.nextLong(), rnd.nextLong(), rnd.nextLong(), rnd.nextLong());
            }
            Id blob = Id.ofWords(rnd.nextLong(), rnd.nextLong(), rnd.nextLong(), rnd.nextLong());
            sink.accept(new PackEntry(pack, BlobType.DATA, blob, (long) (i % perPack) << 19, 1 << 19, 1 << 20));
        }
    }

    private static long usedAfterGc() {
        var memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
