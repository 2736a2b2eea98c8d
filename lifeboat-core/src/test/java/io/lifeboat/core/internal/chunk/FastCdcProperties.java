package io.lifeboat.core.internal.chunk;

import static io.lifeboat.core.internal.chunk.ChunkingFixtures.SMALL;
import static io.lifeboat.core.internal.chunk.ChunkingFixtures.TINY;
import static io.lifeboat.core.internal.chunk.ChunkingFixtures.cuts;
import static io.lifeboat.core.internal.chunk.ChunkingFixtures.lengths;
import static io.lifeboat.core.internal.chunk.ChunkingFixtures.random;
import static io.lifeboat.core.internal.chunk.ChunkingFixtures.seed;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class FastCdcProperties {

    private static final FastCdc SMALL_CDC = new FastCdc(SMALL, seed(0));
    private static final FastCdc TINY_CDC = new FastCdc(TINY, seed(0));

    @Property
    void cutStaysWithinItsBounds(@ForAll @Size(max = 3000) byte[] data, @ForAll @IntRange(max = 100) int skip) {
        int offset = Math.min(skip, data.length);
        int length = data.length - offset;
        int cut = TINY_CDC.nextCut(data, offset, length);
        if (length <= TINY.minSize()) {
            assertThat(cut).isEqualTo(length);
        } else {
            assertThat(cut).isBetween(TINY.minSize() + 1, Math.min(length, TINY.maxSize()));
        }
    }

    /**
     * Testing a chunk's prefix as it grows, in steps of any size and resuming where the last
     * test stopped, answers as a test of the whole prefix from the start does, and ends the
     * chunk where {@link FastCdc#nextCut} ends it on the whole input.
     */
    @Property(tries = 300)
    void findCutOnAGrowingPrefixAgreesWithNextCut(@ForAll long contentSeed, @ForAll @IntRange(max = 3000) int length,
            @ForAll long stepSeed, @ForAll boolean zeroRun) {
        byte[] data = random(contentSeed, length);
        if (zeroRun) { // no content-defined cut in the zeros: reaches the forced cut at maxSize
            java.util.Arrays.fill(data, length / 4, length, (byte) 0);
        }
        java.util.Random steps = new java.util.Random(stepSeed);
        int scanned = 0;
        int prefix = 0;
        int found = -1;
        while (found < 0 && prefix < length) {
            prefix = Math.min(length, prefix + 1 + steps.nextInt(300));
            found = TINY_CDC.findCut(data, prefix, scanned);
            assertThat(found).as("resumed at %d", scanned).isEqualTo(TINY_CDC.findCut(data, prefix, 0));
            if (found < 0) {
                assertThat(prefix).isLessThan(TINY.maxSize());
                scanned = prefix;
            } else {
                assertThat(found).isBetween(TINY.minSize() + 1, Math.min(prefix, TINY.maxSize()));
            }
        }
        assertThat(found < 0 ? length : found).isEqualTo(TINY_CDC.nextCut(data, 0, length));
    }

    @Property(tries = 200)
    void cutDependsOnlyOnTheBytesFromOffset(@ForAll long contentSeed, @ForAll @IntRange(max = 5000) int length,
            @ForAll @IntRange(max = 64) int offset) {
        byte[] data = random(contentSeed, length);
        byte[] shifted = new byte[offset + length + 7];
        System.arraycopy(data, 0, shifted, offset, length);
        assertThat(TINY_CDC.nextCut(shifted, offset, length)).isEqualTo(TINY_CDC.nextCut(data, 0, length));
    }

    @Property(tries = 30)
    void everyChunkButTheLastIsWithinMinAndMax(@ForAll long contentSeed, @ForAll @IntRange(max = 200_000) int length) {
        List<Integer> lengths = lengths(SMALL_CDC, random(contentSeed, length));
        for (int i = 0; i < lengths.size() - 1; i++) {
            assertThat(lengths.get(i)).isBetween(SMALL.minSize() + 1, SMALL.maxSize());
        }
    }

    @Property(tries = 20)
    void sameSeedSameCuts(@ForAll long contentSeed, @ForAll @IntRange(min = 0, max = 255) int seedByte) {
        byte[] data = random(contentSeed, 200_000);
        FastCdc a = new FastCdc(SMALL, seed(seedByte));
        FastCdc b = new FastCdc(SMALL, seed(seedByte));
        assertThat(cuts(a, data)).isEqualTo(cuts(b, data));
    }

    @Property(tries = 20)
    void differentSeedDifferentCuts(@ForAll long contentSeed, @ForAll @IntRange(min = 1, max = 255) int seedByte) {
        byte[] data = random(contentSeed, 200_000);
        FastCdc other = new FastCdc(SMALL, seed(seedByte));
        List<Integer> mine = cuts(SMALL_CDC, data);
        List<Integer> theirs = cuts(other, data);
        Set<Integer> common = new HashSet<>(mine);
        common.retainAll(theirs);
        // Only the final end (the input length) and rare coincidences are shared.
        assertThat(common.size()).isLessThan(mine.size() / 2);
    }

    @Property(tries = 10)
    void averageChunkOfRandomDataIsNearAvgSize(@ForAll long contentSeed) {
        List<Integer> lengths = lengths(SMALL_CDC, random(contentSeed, 2 << 20));
        double mean = lengths.stream().mapToInt(Integer::intValue).average().orElseThrow();
        assertThat(mean).isBetween(SMALL.avgSize() * 0.75, SMALL.avgSize() * 1.5);
    }

    @Property(tries = 20)
    void insertingNearTheStartKeepsMostChunks(@ForAll long contentSeed,
            @ForAll @IntRange(max = 20_000) int at, @ForAll @Size(min = 1, max = 200) byte[] inserted) {
        byte[] original = random(contentSeed, 1 << 20);
        byte[] edited = new byte[original.length + inserted.length];
        System.arraycopy(original, 0, edited, 0, at);
        System.arraycopy(inserted, 0, edited, at, inserted.length);
        System.arraycopy(original, at, edited, at + inserted.length, original.length - at);

        Set<ByteBuffer> before = chunkContents(original);
        Set<ByteBuffer> after = chunkContents(edited);
        long shared = after.stream().filter(before::contains).count();
        assertThat((double) shared / after.size()).isGreaterThan(0.9);
    }

    private static Set<ByteBuffer> chunkContents(byte[] data) {
        Set<ByteBuffer> contents = new HashSet<>();
        int previous = 0;
        for (int end : cuts(SMALL_CDC, data)) {
            contents.add(ByteBuffer.wrap(data, previous, end - previous).slice());
            previous = end;
        }
        return contents;
    }
}
