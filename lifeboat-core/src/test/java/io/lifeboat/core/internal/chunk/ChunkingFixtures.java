package io.lifeboat.core.internal.chunk;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Inputs and helpers shared by the chunking tests. */
final class ChunkingFixtures {
    /** Small sizes so that properties see many chunks quickly. */
    static final ChunkerParams SMALL = new ChunkerParams(1024, 4096, 16384);
    /** The smallest legal sizes, to reach edge cases with short inputs. */
    static final ChunkerParams TINY = new ChunkerParams(64, 256, 1024);

    private ChunkingFixtures() {
    }

    static byte[] seed(int first) {
        byte[] seed = new byte[FastCdc.SEED_LENGTH];
        for (int i = 0; i < seed.length; i++) {
            seed[i] = (byte) (first + i);
        }
        return seed;
    }

    static byte[] random(long seed, int length) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** The cut positions (chunk ends) of {@code data} applying {@code nextCut} to the whole array. */
    static List<Integer> cuts(FastCdc cdc, byte[] data) {
        List<Integer> ends = new ArrayList<>();
        int pos = 0;
        while (pos < data.length) {
            pos += cdc.nextCut(data, pos, data.length - pos);
            ends.add(pos);
        }
        return ends;
    }

    /** The chunk lengths, from {@link #cuts}. */
    static List<Integer> lengths(FastCdc cdc, byte[] data) {
        List<Integer> lengths = new ArrayList<>();
        int previous = 0;
        for (int end : cuts(cdc, data)) {
            lengths.add(end - previous);
            previous = end;
        }
        return lengths;
    }
}
