package io.lifeboat.core.internal.codec;

import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Per-call working state of {@link BlobCodec}: zstd contexts and scratch arrays, lent out
 * by a small pool so that concurrent calls never share one.
 *
 * <p>The pool rather than a {@code ThreadLocal}: zstd-jni contexts hold native memory that
 * is only freed by {@link #close()}, and a thread-local would leak it for every thread
 * (virtual or pooled) that dies. At most {@link #IDLE_LIMIT} idle workspaces are kept;
 * extra ones are closed on release. Scratch arrays above {@link #RETAIN_LIMIT} bytes are
 * dropped on release so that one huge blob does not pin memory.
 */
final class Workspace implements AutoCloseable {
    static final int IDLE_LIMIT = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    static final int RETAIN_LIMIT = 16 * 1024 * 1024 + 64 * 1024;

    private static final int PROBE_LEVEL = 1;
    private static final int FULL_LEVEL = 3;
    static final int PLANE_MIN_MATCH = 7;
    static final int PLANE_HASH_LOG = 10;
    private static final byte[] EMPTY = new byte[0];
    private static final ArrayBlockingQueue<Workspace> IDLE = new ArrayBlockingQueue<>(IDLE_LIMIT);

    /** Fast, for sampling whether compression pays. */
    final ZstdCompressCtx probe = new ZstdCompressCtx().setLevel(PROBE_LEVEL);
    /** zstd's default level with the content checksum, for the stored frame. */
    final ZstdCompressCtx full = new ZstdCompressCtx().setLevel(FULL_LEVEL).setChecksum(true);
    /** Level 1 with the checksum, for blobs small enough to be compressed whole without a probe. */
    final ZstdCompressCtx small = new ZstdCompressCtx().setLevel(PROBE_LEVEL).setChecksum(true);
    /**
     * For byte planes: level 1 with the checksum, but matches of at least
     * {@value #PLANE_MIN_MATCH} bytes and a hash table of 2^{@value #PLANE_HASH_LOG}
     * entries. An exponent plane (about 2.7 bits of entropy per byte) is full of short
     * repeats that cost more as matches than as entropy-coded literals, and level 1 (minimum
     * match 6, a larger table) takes them all. Measured with the zstd CLI on 256 KiB
     * exponent planes (a 1 MiB chunk's): 0.344 of the plane at 400 MB/s, decoded at
     * 1.7 GB/s, against level 1's 0.390, 230 MB/s and 1.0 GB/s. Smaller tables are faster
     * still (hash log 6: 560 MB/s) but miss repeats 8 KiB apart in an exponent plane, which
     * this one finds; level 1's table reaches 16 KiB.
     */
    final ZstdCompressCtx plane = new ZstdCompressCtx().setLevel(PROBE_LEVEL)
            .setMinMatch(PLANE_MIN_MATCH).setHashLog(PLANE_HASH_LOG).setChecksum(true);
    final ZstdDecompressCtx decompress = new ZstdDecompressCtx();

    private byte[] planes = EMPTY;
    private byte[] packed = EMPTY;
    private byte[] frame = EMPTY;
    private byte[] alt = EMPTY;
    /** Byte histograms for {@link Order0}. */
    final int[] counts = new int[4 * 256];

    private Workspace() {
    }

    /** Takes an idle workspace or makes one; give it back with {@link #release()}. */
    static Workspace acquire() {
        Workspace ws = IDLE.poll();
        return ws != null ? ws : new Workspace();
    }

    /** Returns this workspace to the pool, or closes it if the pool is full. */
    void release() {
        planes = trim(planes);
        packed = trim(packed);
        frame = trim(frame);
        alt = trim(alt);
        if (!IDLE.offer(this)) {
            close();
        }
    }

    /** A scratch array of at least {@code size} bytes for byte planes. */
    byte[] planes(int size) {
        if (planes.length < size) {
            planes = new byte[grown(planes.length, size)];
        }
        return planes;
    }

    /** A second scratch array of at least {@code size} bytes, for one plane's zstd frame. */
    byte[] frame(int size) {
        if (frame.length < size) {
            frame = new byte[grown(frame.length, size)];
        }
        return frame;
    }

    /** A scratch array of at least {@code size} bytes for a second candidate encoding. */
    byte[] alt(int size) {
        if (alt.length < size) {
            alt = new byte[grown(alt.length, size)];
        }
        return alt;
    }

    /** A scratch array of at least {@code size} bytes for compressed output. */
    byte[] packed(int size) {
        if (packed.length < size) {
            packed = new byte[grown(packed.length, size)];
        }
        return packed;
    }

    @Override
    public void close() {
        probe.close();
        full.close();
        small.close();
        plane.close();
        decompress.close();
    }

    /**
     * A new scratch length for a request of {@code size}: half as much again as the old
     * length if that is more (and within {@link #RETAIN_LIMIT}), so that chunk sizes
     * creeping up one after another do not each allocate anew.
     */
    private static int grown(int old, int size) {
        return Math.max(size, Math.min(RETAIN_LIMIT, old + (old >> 1)));
    }

    private static byte[] trim(byte[] scratch) {
        return scratch.length > RETAIN_LIMIT ? EMPTY : scratch;
    }
}
