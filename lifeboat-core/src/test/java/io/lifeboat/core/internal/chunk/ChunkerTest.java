package io.lifeboat.core.internal.chunk;

import static io.lifeboat.core.internal.chunk.ChunkingFixtures.SMALL;
import static io.lifeboat.core.internal.chunk.ChunkingFixtures.seed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

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
    void readsAheadAtMostTwoMaxSizes() throws IOException {
        Chunker chunker = new Chunker(cdc, new ByteArrayInputStream(new byte[10 * SMALL.maxSize()]));
        Chunk first = chunker.next();
        assertThat(first.offset()).isZero();
        assertThat(first.length()).isEqualTo(SMALL.maxSize());
        assertThat(chunker.bytesRead()).isEqualTo(2L * SMALL.maxSize());
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
