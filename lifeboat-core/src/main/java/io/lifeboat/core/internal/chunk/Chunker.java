package io.lifeboat.core.internal.chunk;

import io.lifeboat.core.internal.io.BufferPool;
import io.lifeboat.core.internal.io.FileIo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.ReadableByteChannel;
import java.util.Objects;

/**
 * Splits an input into content-defined chunks with a {@link FastCdc}.
 *
 * <p>Reads each chunk straight into the array it will be handed over in: a read goes into
 * the current chunk's array, in slices of at most {@value FileIo#SLICE} bytes, and the new
 * bytes are tested for a cut ({@link FastCdc#findCut}) before the next read. Only what the
 * last read brought in past a cut, at most one slice, is copied, into the next chunk's
 * array. A chunk's array starts at {@code min(2 * avgSize, maxSize)} bytes, or at the rest
 * of the input plus one byte when the size hint says that is less (so that a small file
 * is read, end included, without growing), and doubles, up to {@code maxSize}, when a
 * chunk outgrows it. A chunker thus holds at most one array of at most {@code maxSize}
 * bytes besides the chunks it returned, whatever its input. Short reads are fine; a
 * channel must be in blocking mode.
 *
 * <p>Not thread-safe: one thread calls {@link #next()}. The chunks it returns own their
 * arrays, which may be longer than the chunk, and may go to other threads. The chunker does
 * not close its input.
 */
public final class Chunker {

    /** A blocking source of bytes: reads at least one byte, or returns -1 at the end. */
    @FunctionalInterface
    private interface Source {
        int read(byte[] b, int off, int len) throws IOException;
    }

    private static final byte[] NONE = new byte[0];

    private final FastCdc cdc;
    private final Source source;
    private final BufferPool pool;
    private final long sizeHint;
    /** The chunk being read: {@code cur[0, len)}, which starts at {@code nextOffset} in the input. */
    private byte[] cur = NONE;
    private int len;
    /** Positions of {@code cur} below this were tested without finding a cut. */
    private int scanned;
    private boolean eof;
    private long bytesRead;
    private long nextOffset;

    /** Chunks what {@code in} yields; {@code in} must be in blocking mode. */
    public Chunker(FastCdc cdc, ReadableByteChannel in) {
        this(cdc, channelSource(Objects.requireNonNull(in, "in")), -1, null);
    }

    /**
     * Chunks what {@code in} yields (probably {@code sizeHint} bytes; negative: unknown),
     * reading into arrays taken from {@code pool}: give each chunk's array back with
     * {@link BufferPool#release} once the chunk is stored.
     */
    public Chunker(FastCdc cdc, ReadableByteChannel in, long sizeHint, BufferPool pool) {
        this(cdc, channelSource(Objects.requireNonNull(in, "in")), sizeHint, Objects.requireNonNull(pool, "pool"));
    }

    /**
     * Chunks a channel whose size is probably {@code sizeHint} bytes (a file's size when
     * it was listed), so that a small file costs a small array.
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
        this.sizeHint = sizeHint;
    }

    /**
     * The largest array a chunker holds at once while reading an input of probably
     * {@code sizeHint} bytes (negative: unknown), not counting the chunks it returned:
     * {@code maxSize}, or one byte more than the hint if that is less. It holds more only
     * if the input is longer than hinted, and never more than {@code maxSize} (rounded up
     * to the pool's size class).
     */
    public static int bufferSize(ChunkerParams params, long sizeHint) {
        long max = params.maxSize();
        return (int) (sizeHint < 0 ? max : Math.min(max, sizeHint + 1));
    }

    /**
     * Returns the next chunk, or {@code null} once the input is exhausted. The chunks, in
     * order, concatenate to exactly the input.
     *
     * @throws IOException if reading the input fails; the chunker is then unusable
     */
    public Chunk next() throws IOException {
        while (true) {
            int cut = cdc.findCut(cur, len, scanned);
            if (cut > 0) {
                return emit(cut);
            }
            scanned = len;
            if (eof) {
                return len == 0 ? null : emit(len);
            }
            if (len == cur.length) {
                grow();
            }
            int n = source.read(cur, len, Math.min(FileIo.SLICE, cur.length - len));
            if (n < 0) {
                eof = true;
            } else {
                len += n;
                bytesRead += n;
            }
        }
    }

    /**
     * Hands over {@code cur[0, cut)} as a chunk, its array and all, after copying what was
     * read past the cut into the next chunk's array.
     */
    private Chunk emit(int cut) {
        Chunk chunk = new Chunk(cur, cut, nextOffset);
        nextOffset += cut;
        int rest = len - cut;
        if (rest > 0) {
            byte[] next = take(Math.max(rest + 1, startLength()));
            System.arraycopy(cur, cut, next, 0, rest);
            cur = next;
        } else {
            cur = NONE; // taken when the next read needs it: the input may end here
        }
        len = rest;
        scanned = 0;
        return chunk;
    }

    /** Makes room to read into: a first array for the chunk, or one twice as large (up to {@code maxSize}). */
    private void grow() {
        if (cur.length == 0) {
            cur = take(startLength());
            return;
        }
        int size = (int) Math.min(cdc.params().maxSize(), Math.max(2L * cur.length, 64 * 1024));
        byte[] bigger = take(size);
        System.arraycopy(cur, 0, bigger, 0, len);
        release(cur);
        cur = bigger;
    }

    /**
     * The array a chunk starts with: {@code min(2 * avgSize, maxSize)}, or the rest of the
     * input as hinted plus one byte (to see the end without growing) if that is less.
     */
    private int startLength() {
        ChunkerParams p = cdc.params();
        long usual = Math.min(2L * p.avgSize(), p.maxSize());
        if (sizeHint < 0) {
            return (int) usual;
        }
        return (int) Math.max(1, Math.min(usual, sizeHint - nextOffset + 1));
    }

    private byte[] take(int size) {
        return pool == null ? new byte[size] : pool.take(size);
    }

    private void release(byte[] b) {
        if (pool != null && b.length > 0) {
            pool.release(b);
        }
    }

    /**
     * Gives the array of the chunk being read back to the pool the chunker was made with
     * (if any); the chunker must not be used afterwards. Chunks already returned are not
     * affected.
     */
    public void release() {
        release(cur);
        cur = NONE;
        len = 0;
        scanned = 0;
        eof = true;
    }

    /** How many bytes were read from the input so far (read ahead included). */
    public long bytesRead() {
        return bytesRead;
    }

    private static Source channelSource(ReadableByteChannel in) {
        return (b, off, len) -> FileIo.readSome(in, b, off, len);
    }
}
