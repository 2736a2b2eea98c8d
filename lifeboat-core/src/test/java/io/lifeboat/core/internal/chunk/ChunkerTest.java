package io.lifeboat.core.internal.chunk;

import static io.lifeboat.core.internal.chunk.ChunkingFixtures.SMALL;
import static io.lifeboat.core.internal.chunk.ChunkingFixtures.seed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

import io.lifeboat.core.internal.io.FileIo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import org.junit.jupiter.api.Test;

class ChunkerTest {

    private final FastCdc cdc = new FastCdc(SMALL, seed(0));

    @Test
    void emptyInputHasNoChunks() throws IOException {
        Chunker chunker = new Chunker(cdc, InputStream.nullInputStream());
        assertThat(chunker.next()).isNull();
        assertThat(chunker.bytesRead()).isZero();
    }

    @Test
    void readsAheadAtMostOneSlicePastACut() throws IOException {
        byte[] zeros = new byte[10 * SMALL.maxSize()]; // no content-defined cut: every chunk is cut at maxSize
        Chunker chunker = new Chunker(cdc, new ByteArrayInputStream(zeros));
        Chunk first = chunker.next();
        assertThat(first.offset()).isZero();
        assertThat(first.length()).isEqualTo(SMALL.maxSize());
        assertThat(chunker.bytesRead()).isBetween((long) SMALL.maxSize(), (long) SMALL.maxSize() + FileIo.SLICE);
        Chunk second = chunker.next();
        assertThat(second.offset()).isEqualTo(SMALL.maxSize());
        assertThat(chunker.bytesRead()).isBetween(2L * SMALL.maxSize(), 2L * SMALL.maxSize() + FileIo.SLICE);
    }

    @Test
    void aSmallInputIsReadIntoOneArrayOfItsHintedSize() throws IOException {
        byte[] input = new byte[1000];
        new java.util.Random(5).nextBytes(input);
        Chunker chunker = new Chunker(cdc, java.nio.channels.Channels.newChannel(new ByteArrayInputStream(input)), input.length);
        Chunk only = chunker.next();
        assertThat(only.length()).isEqualTo(input.length);
        assertThat(only.data()).hasSize(input.length + 1); // one byte more, to see the end without growing
        assertThat(chunker.next()).isNull();
    }

    @Test
    void readFailurePropagates() throws IOException {
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("disk on fire");
            }
        };
        Chunker chunker = new Chunker(cdc, new SequenceInputStream(new ByteArrayInputStream(new byte[100]), failing));
        assertThatIOException().isThrownBy(chunker::next).withMessage("disk on fire");
    }
}
