package io.lifeboat.core.internal.chunk;

import io.lifeboat.core.internal.io.BufferPool;
import io.lifeboat.core.internal.io.FileIo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.ReadableByteChannel;
import java.util.Arrays;
import java.util.Objects;

/**
 * Splits an input into content-defined chunks with a {@link FastCdc}.
 *
 * <p>Reads through a buffer of up to {@code 2 * maxSize} bytes, refilled (after moving the
 * unread rest to the front) whenever fewer than {@code maxSize} unread bytes remain, so
 * that the cut rule always sees a full {@code maxSize} window except at the end of the
 * input. Short reads are fine; a channel must be in blocking mode.
 *
 * <p>Not thread-safe: one thread calls {@link #next()}. The chunks it returns own their
 * arrays and may go to other threads; an input that is one chunk gets the read buffer
 * itself, no copy. The chunker does not close its input.
 */
public final class Chunker {

    /** A blocking source of bytes: reads at least one byte, or returns -1 at the end. */
    @FunctionalInterface
    private interface Source {
        int read(byte[] b, int off, int len) throws IOException;
    }

    private final FastCdc cdc;
    private final Source source;
    private final BufferPool pool;
    private byte[] buf;
    private int start;
    private int end;
    private boolean eof;
    private long bytesRead;
    private long nextOffset;

    /** Chunks what {@code in} yields; {@code in} must be in blocking mode. */
    public Chunker(FastCdc cdc, ReadableByteChannel in) {
        this(cdc, channelSource(Objects.requireNonNull(in, "in")), -1, null);
    }

    /**
     * Chunks what {@code in} yields (probably {@code sizeHint} bytes; negative: unknown),
     * copying each chunk into an array taken from {@code pool}: give it back with
     * {@link BufferPool#release} once the chunk is stored.
     */
    public Chunker(FastCdc cdc, ReadableByteChannel in, long sizeHint, BufferPool pool) {
        this(cdc, channelSource(Objects.requireNonNull(in, "in")), sizeHint, Objects.requireNonNull(pool, "pool"));
    }

    /**
     * Chunks a channel whose size is probably {@code sizeHint} bytes (a file's size when
     * it was listed). The buffer starts just large enough for that, so that small files
     * cost small buffers, and grows if the input turns out to be longer.
     */
    public Chunker(FastCdc cdc, ReadableByteChannel in, long sizeHint) {
        this(cdc, channelSource(Objects.requireNonNull(in, "in")), sizeHint, null);
    }

    /** Chunks what {@code in} yields. */
    public Chunker(FastCdc cdc, InputStream in) {
        this(cdc, Objects.requireNonNull(in, "in")::read, -1, null);
    }

    private Chunker(FastCdc cdc, Source source, long sizeHint, BufferPool pool) {
        this.cdc = Objects.requireNonNull(cdc, "cdc");
        this.source = source;
        this.pool = pool;
        int size = bufferSize(cdc.params(), sizeHint);
        this.buf = pool == null ? new byte[size] : pool.take(size);
    }

    /**
     * The read buffer a chunker starts with for an input of probably {@code sizeHint} bytes
     * (negative: unknown): {@code 2 * maxSize}, or one byte more than the hint if that is
     * less, so that the end of the input is seen without growing. It grows (up to
     * {@code 2 * maxSize}) only if the input is longer than hinted.
     */
    public static int bufferSize(ChunkerParams params, long sizeHint) {
        long full = 2L * params.maxSize();
        return (int) (sizeHint < 0 ? full : Math.min(full, sizeHint + 1));
    }

    /**
     * Returns the next chunk, or {@code null} once the input is exhausted. The chunks, in
     * order, concatenate to exactly the input.
     *
     * @throws IOException if reading the input fails; the chunker is then unusable
     */
    public Chunk next() throws IOException {
        if (end - start < cdc.params().maxSize() && !eof) {
            fill();
        }
        int available = end - start;
        if (available == 0) {
            return null;
        }
        int length = cdc.nextCut(buf, start, available);
        byte[] data;
        if (eof && start == 0 && length == end) {
            // The whole input in one chunk (a small file, typically): hand over the read
            // buffer itself rather than copy it; the chunker has nothing left to read into it.
            data = buf;
            buf = new byte[0];
            end = 0;
            nextOffset += length;
            return new Chunk(data, length, nextOffset - length);
        }
        data = pool == null ? Arrays.copyOfRange(buf, start, start + length) : pool.copyOf(buf, start, length);
        Chunk chunk = new Chunk(data, length, nextOffset);
        start += length;
        nextOffset += length;
        return chunk;
    }

    /**
     * Gives the read buffer back to the pool the chunker was made with (if any); the
     * chunker must not be used afterwards. Chunks already returned are not affected.
     */
    public void release() {
        if (pool != null && buf.length > 0) {
            pool.release(buf);
        }
        buf = new byte[0];
        start = 0;
        end = 0;
        eof = true;
    }

    /** How many bytes were read from the input so far (read ahead included). */
    public long bytesRead() {
        return bytesRead;
    }

    /**
     * Moves the unread bytes to the front if needed, then reads until the buffer (grown
     * up to {@code 2 * maxSize} when the input is longer than hinted) is full, or the end.
     */
    private void fill() throws IOException {
        if (buf.length - start < cdc.params().maxSize() && start > 0) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        }
        int full = 2 * cdc.params().maxSize();
        while (end < buf.length || buf.length < full) {
            if (end == buf.length) {
                int size = (int) Math.min(full, Math.max(64 * 1024L, 2L * buf.length));
                byte[] bigger = pool == null ? new byte[size] : pool.take(size);
                System.arraycopy(buf, 0, bigger, 0, end);
                if (pool != null) {
                    pool.release(buf);
                }
                buf = bigger;
            }
            int n = source.read(buf, end, buf.length - end);
            if (n < 0) {
                eof = true;
                return;
            }
            end += n;
            bytesRead += n;
        }
    }

    private static Source channelSource(ReadableByteChannel in) {
        return (b, off, len) -> FileIo.readSome(in, b, off, len);
    }
}
