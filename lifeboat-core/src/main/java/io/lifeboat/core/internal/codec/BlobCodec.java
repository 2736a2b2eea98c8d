package io.lifeboat.core.internal.codec;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.util.Arrays;
import java.util.Objects;

/**
 * Encodes every blob Lifeboat stores: one mode byte ({@link Compression#code()}) followed
 * by the body that mode describes.
 *
 * <h2>Choosing the mode</h2>
 * {@link #encode(byte[], int, int)} spends little CPU on data that does not compress:
 * <ol>
 *   <li>Data shorter than {@value #MIN_COMPRESS_LENGTH} bytes is stored {@code RAW}.</li>
 *   <li>A sample of up to {@value #SAMPLE_LENGTH} bytes from the middle of the data (all
 *       of it, if shorter) is compressed with zstd level 1 as is and, if the data length is
 *       a multiple of 4 and at least {@value #SHUFFLE_MIN_LENGTH}, also as byte planes.
 *       If neither result is at least 3% smaller than the sample, the data is stored
 *       {@code RAW} without compressing the whole.</li>
 *   <li>Otherwise the whole is compressed with zstd level 3 in the mode whose sample was
 *       smaller, and stored {@code RAW} after all unless that makes the blob smaller.</li>
 * </ol>
 * The mode is a hint only; decoding is defined by the mode byte alone.
 *
 * <h2>Integrity</h2>
 * Stored zstd frames carry zstd's content checksum (the low 32 bits of XXH64 of the
 * frame's content), so damage to a zstd body is detected: {@link #decode} throws
 * {@link CorruptBlobException} rather than return wrong bytes (but for a 2<sup>-32</sup>
 * chance). Damage to a {@code RAW} body, or a mode byte turned from {@code ZSTD} into
 * {@code SHUFFLE4_ZSTD} or back, yields wrong bytes of the right length: callers verify the
 * decoded data against its chunk id.
 *
 * <p>All methods are thread-safe.
 */
public final class BlobCodec {
    /** Data shorter than this is never compressed: a zstd frame alone is about a dozen bytes. */
    static final int MIN_COMPRESS_LENGTH = 64;
    /** How much of the data the probe compresses; a multiple of 4. */
    static final int SAMPLE_LENGTH = 64 * 1024;
    /** Byte planes are tried only for data at least this long (and a multiple of 4). */
    static final int SHUFFLE_MIN_LENGTH = 256;

    private BlobCodec() {
    }

    /**
     * Encodes {@code data[offset, offset+length)} in the mode that pays (see the class
     * comment). Returns a new array that the caller owns.
     *
     * @throws IndexOutOfBoundsException if the range is not inside {@code data}
     */
    public static byte[] encode(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        if (length < MIN_COMPRESS_LENGTH) {
            return raw(data, offset, length);
        }
        Workspace ws = Workspace.acquire();
        try {
            Compression mode = probe(ws, data, offset, length);
            if (mode == Compression.RAW) {
                return raw(data, offset, length);
            }
            byte[] encoded = compress(ws, mode, data, offset, length);
            return encoded.length <= length ? encoded : raw(data, offset, length);
        } finally {
            ws.release();
        }
    }

    /**
     * Encodes in the given mode even if it does not pay; for tests of each mode.
     */
    static byte[] encode(byte[] data, int offset, int length, Compression forced) {
        Objects.checkFromIndexSize(offset, length, data.length);
        if (forced == Compression.RAW) {
            return raw(data, offset, length);
        }
        Workspace ws = Workspace.acquire();
        try {
            return compress(ws, forced, data, offset, length);
        } finally {
            ws.release();
        }
    }

    /**
     * Decodes the blob {@code encoded[offset, offset+length)}, which must hold exactly
     * {@code rawLength} bytes of data. Allocates {@code rawLength} bytes up front, so
     * {@code rawLength} must come from a trusted index, not from the blob.
     *
     * @throws CorruptBlobException if the blob is empty, has an unknown mode byte, its body
     *         does not decode, or it decodes to other than {@code rawLength} bytes
     * @throws IndexOutOfBoundsException if the range is not inside {@code encoded}
     * @throws IllegalArgumentException if {@code rawLength} is negative
     */
    public static byte[] decode(byte[] encoded, int offset, int length, int rawLength)
            throws CorruptBlobException {
        Objects.checkFromIndexSize(offset, length, encoded.length);
        if (rawLength < 0) {
            throw new IllegalArgumentException("negative rawLength " + rawLength);
        }
        if (length == 0) {
            throw new CorruptBlobException("empty blob: no mode byte");
        }
        int code = mode(encoded, offset);
        Compression mode = Compression.fromCode(code)
                .orElseThrow(() -> new CorruptBlobException("unknown compression mode " + code));
        return switch (mode) {
            case RAW -> decodeRaw(encoded, offset + 1, length - 1, rawLength);
            case ZSTD -> decodeZstd(encoded, offset + 1, length - 1, rawLength);
            case SHUFFLE4_ZSTD -> decodeShuffled(encoded, offset + 1, length - 1, rawLength);
        };
    }

    /**
     * The mode byte of the blob starting at {@code encoded[offset]}, 0..255; not
     * necessarily a known {@link Compression} code.
     */
    public static int mode(byte[] encoded, int offset) {
        return encoded[offset] & 0xff;
    }

    /** Decides the mode from a sample; see the class comment. */
    private static Compression probe(Workspace ws, byte[] data, int offset, int length) {
        int sampleLength = Math.min(length, SAMPLE_LENGTH);
        int sampleOffset = offset + (((length - sampleLength) / 2) & ~3);
        byte[] out = ws.packed(bound(sampleLength));
        int plain = ws.probe.compressByteArray(out, 0, out.length, data, sampleOffset, sampleLength);
        int shuffled = Integer.MAX_VALUE;
        if (length % 4 == 0 && length >= SHUFFLE_MIN_LENGTH) {
            byte[] planes = ws.planes(sampleLength);
            Shuffle4.shuffle(data, sampleOffset, sampleLength, planes);
            shuffled = ws.probe.compressByteArray(out, 0, out.length, planes, 0, sampleLength);
        }
        int best = Math.min(plain, shuffled);
        if ((long) best * 100 > (long) sampleLength * 97) {
            return Compression.RAW;
        }
        return shuffled < plain ? Compression.SHUFFLE4_ZSTD : Compression.ZSTD;
    }

    /** Mode byte and zstd frame (of the byte planes, for SHUFFLE4_ZSTD) in a new exact-size array. */
    private static byte[] compress(Workspace ws, Compression mode, byte[] data, int offset, int length) {
        byte[] src = data;
        int srcOffset = offset;
        if (mode == Compression.SHUFFLE4_ZSTD) {
            src = ws.planes(length);
            srcOffset = 0;
            Shuffle4.shuffle(data, offset, length, src);
        }
        ZstdCompressCtx ctx = ws.full;
        byte[] packed = ws.packed(bound(length));
        int size = ctx.compressByteArray(packed, 0, packed.length, src, srcOffset, length);
        byte[] encoded = new byte[1 + size];
        encoded[0] = mode.code();
        System.arraycopy(packed, 0, encoded, 1, size);
        return encoded;
    }

    private static byte[] raw(byte[] data, int offset, int length) {
        byte[] encoded = new byte[1 + length];
        encoded[0] = Compression.RAW.code();
        System.arraycopy(data, offset, encoded, 1, length);
        return encoded;
    }

    private static byte[] decodeRaw(byte[] body, int offset, int length, int rawLength)
            throws CorruptBlobException {
        if (length != rawLength) {
            throw new CorruptBlobException("raw blob holds " + length + " bytes, expected " + rawLength);
        }
        return Arrays.copyOfRange(body, offset, offset + length);
    }

    private static byte[] decodeZstd(byte[] body, int offset, int length, int rawLength)
            throws CorruptBlobException {
        byte[] out = new byte[rawLength];
        Workspace ws = Workspace.acquire();
        try {
            decompress(ws, body, offset, length, out, rawLength);
        } finally {
            ws.release();
        }
        return out;
    }

    private static byte[] decodeShuffled(byte[] body, int offset, int length, int rawLength)
            throws CorruptBlobException {
        byte[] out = new byte[rawLength];
        Workspace ws = Workspace.acquire();
        try {
            byte[] planes = ws.planes(rawLength);
            decompress(ws, body, offset, length, planes, rawLength);
            Shuffle4.unshuffle(planes, rawLength, out);
        } finally {
            ws.release();
        }
        return out;
    }

    /** Decompresses one zstd body into exactly {@code out[0, rawLength)}, or throws. */
    private static void decompress(Workspace ws, byte[] body, int offset, int length, byte[] out, int rawLength)
            throws CorruptBlobException {
        if (length == 0) {
            throw new CorruptBlobException("zstd body is empty");
        }
        int size;
        try {
            size = ws.decompress.decompressByteArray(out, 0, rawLength, body, offset, length);
        } catch (RuntimeException e) {
            throw new CorruptBlobException("zstd body does not decode to " + rawLength + " bytes: " + e.getMessage(), e);
        }
        if (size != rawLength) {
            throw new CorruptBlobException("zstd body decodes to " + size + " bytes, expected " + rawLength);
        }
    }

    private static int bound(int length) {
        return Math.toIntExact(Zstd.compressBound(length));
    }
}
