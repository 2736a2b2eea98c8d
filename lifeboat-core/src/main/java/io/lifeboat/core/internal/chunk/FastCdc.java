package io.lifeboat.core.internal.chunk;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed content-defined chunking: FastCDC with normalized chunking (level 2) over a gear
 * hash whose table is derived from a secret seed, so that chunk boundaries reveal nothing
 * about the content to someone who does not hold the seed.
 *
 * <h2>Gear table</h2>
 * The table {@code GEAR[0..255]} of 64-bit words is derived from the 32-byte seed with
 * HMAC-SHA256 in counter mode:
 * <pre>
 *   for j in 0..63:
 *     block_j = HMAC-SHA256(key = seed, message = ASCII("lifeboat/fastcdc/gear/v1") || uint32_be(j))
 *     for k in 0..3:
 *       GEAR[4*j + k] = int64_be(block_j[8*k .. 8*k+8))
 * </pre>
 * The message is the 24 ASCII bytes of {@code lifeboat/fastcdc/gear/v1} followed by the
 * four bytes of {@code j}, most significant first (28 bytes in all). Each 32-byte HMAC
 * output yields four table entries, each read as a big-endian two's-complement 64-bit
 * integer.
 *
 * <h2>Hash</h2>
 * For each byte {@code b}: {@code h = (h << 1) + GEAR[b & 0xff]}, wrapping modulo
 * 2<sup>64</sup>. A byte's contribution is shifted out after 64 steps, so once 64 bytes
 * have been hashed, {@code h} depends only on the last 64 bytes.
 *
 * <h2>Cut rule</h2>
 * Let {@code bits = log2(avgSize)}, {@code maskS} the 64-bit word with its top
 * {@code bits + 2} bits set and {@code maskL} the word with its top {@code bits - 2} bits
 * set (for example, for avgSize = 1 MiB, bits = 20: maskS = {@code 0xFFFFFC0000000000},
 * maskL = {@code 0xFFFFC00000000000}). Given {@code length} bytes {@code d[0..length)}
 * the next chunk's length is:
 * <pre>
 *   if length &lt;= minSize: return length
 *   n = min(length, maxSize); barrier = min(avgSize, n)
 *   h = 0
 *   for i in minSize-64 .. minSize-1: h = (h &lt;&lt; 1) + GEAR[d[i]]          // warm-up, no test
 *   for i in minSize .. barrier-1:    h = (h &lt;&lt; 1) + GEAR[d[i]]; if (h &amp; maskS) == 0: return i + 1
 *   for i in barrier .. n-1:          h = (h &lt;&lt; 1) + GEAR[d[i]]; if (h &amp; maskL) == 0: return i + 1
 *   return n
 * </pre>
 * Hashing starts 64 bytes before {@code minSize}, so every tested hash value is a function
 * of exactly the 64 bytes ending at the tested position: whether a position is a cut
 * candidate does not depend on where the chunk started. Hashing skips the first
 * {@code minSize - 64} bytes of each chunk. The stricter mask before {@code avgSize} and the
 * looser one after it concentrate chunk lengths around {@code avgSize}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class FastCdc {
    /** Bytes that contribute to one gear hash value. */
    static final int WINDOW = 64;

    /** Length of the seed in bytes. */
    public static final int SEED_LENGTH = 32;

    private static final byte[] GEAR_LABEL = "lifeboat/fastcdc/gear/v1".getBytes(StandardCharsets.US_ASCII);

    private final ChunkerParams params;
    private final long[] gear;
    private final long maskS;
    private final long maskL;

    /**
     * @param params chunk size limits
     * @param seed32 the 32-byte secret seed; not retained
     * @throws IllegalArgumentException if the seed is not 32 bytes long
     */
    public FastCdc(ChunkerParams params, byte[] seed32) {
        this.params = Objects.requireNonNull(params, "params");
        Objects.requireNonNull(seed32, "seed32");
        if (seed32.length != SEED_LENGTH) {
            throw new IllegalArgumentException("the chunker seed has 32 bytes, not " + seed32.length);
        }
        this.gear = gearTable(seed32);
        int bits = params.avgBits();
        this.maskS = topBits(bits + 2);
        this.maskL = topBits(bits - 2);
    }

    /** The size limits this chunker cuts with. */
    public ChunkerParams params() {
        return params;
    }

    /**
     * Returns the length of the next chunk of {@code buf[offset, offset+length)}.
     *
     * <p>The result is {@code length} if {@code length <= minSize}, and otherwise in
     * {@code [minSize + 1, min(length, maxSize)]}. Callers pass fewer than
     * {@code maxSize} bytes only at the end of the input: then a content-defined cut found
     * inside is honoured, and otherwise all {@code length} bytes are one chunk.
     *
     * @throws IndexOutOfBoundsException if the range is not inside {@code buf}
     */
    public int nextCut(byte[] buf, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buf.length);
        int min = params.minSize();
        if (length <= min) {
            return length;
        }
        int n = Math.min(length, params.maxSize());
        int barrier = Math.min(params.avgSize(), n);
        int cut = scan(buf, offset + min, offset + barrier, offset + n);
        return cut < 0 ? n : cut - offset;
    }

    /**
     * Finds the end of a chunk that is still being read: {@code buf[0, length)} is its
     * start, and positions below {@code resume} were tested by an earlier call on a shorter
     * prefix without finding a cut. Returns the chunk's length if a content-defined cut lies
     * within the first {@code min(length, maxSize)} bytes, else {@code maxSize} if
     * {@code length >= maxSize} (the forced cut), else -1: the chunk needs more input. At the end of the
     * input a caller that got -1 ends the chunk at {@code length}.
     *
     * <p>Cuts the same places as {@link #nextCut} does on the whole input, however the
     * input arrives: each position's test depends only on the 64 bytes ending there and on
     * whether it lies before {@code avgSize}.
     *
     * @throws IndexOutOfBoundsException if {@code length} exceeds {@code buf}
     */
    public int findCut(byte[] buf, int length, int resume) {
        Objects.checkFromIndexSize(0, length, buf.length);
        int n = Math.min(length, params.maxSize());
        int from = Math.max(params.minSize(), resume);
        if (from < n) {
            int cut = scan(buf, from, Math.clamp(params.avgSize(), from, n), n);
            if (cut >= 0) {
                return cut;
            }
        }
        return length >= params.maxSize() ? params.maxSize() : -1;
    }

    /**
     * The hot loop: warms the hash up over the window before {@code from}, tests
     * {@code maskS} in {@code [from, barrier)} and {@code maskL} in {@code [barrier, end)}.
     * Returns the absolute index just past the cut, or -1 if there is none.
     */
    private int scan(byte[] buf, int from, int barrier, int end) {
        final long[] g = gear;
        final long ms = maskS;
        final long ml = maskL;
        long h = 0;
        for (int i = from - WINDOW; i < from; i++) {
            h = (h << 1) + g[buf[i] & 0xff];
        }
        int i = from;
        for (; i < barrier; i++) {
            h = (h << 1) + g[buf[i] & 0xff];
            if ((h & ms) == 0) {
                return i + 1;
            }
        }
        for (; i < end; i++) {
            h = (h << 1) + g[buf[i] & 0xff];
            if ((h & ml) == 0) {
                return i + 1;
            }
        }
        return -1;
    }

    /** Entry {@code i} of the gear table; for tests and documentation vectors. */
    long gear(int i) {
        return gear[i];
    }

    private static long topBits(int count) {
        return -1L << (Long.SIZE - count);
    }

    private static long[] gearTable(byte[] seed) {
        long[] table = new long[256];
        Mac mac = hmacSha256(seed);
        byte[] message = new byte[GEAR_LABEL.length + Integer.BYTES];
        System.arraycopy(GEAR_LABEL, 0, message, 0, GEAR_LABEL.length);
        for (int j = 0; j < table.length / 4; j++) {
            putIntBigEndian(message, GEAR_LABEL.length, j);
            byte[] block = mac.doFinal(message);
            for (int k = 0; k < 4; k++) {
                table[4 * j + k] = longBigEndian(block, 8 * k);
            }
        }
        return table;
    }

    private static Mac hmacSha256(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every Java platform", e);
        }
    }

    private static void putIntBigEndian(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    private static long longBigEndian(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }
}
