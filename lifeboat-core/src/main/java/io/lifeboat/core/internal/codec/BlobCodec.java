package io.lifeboat.core.internal.codec;

import com.github.luben.zstd.Zstd;
import io.lifeboat.core.internal.io.Buf;
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
 *   <li>Data of at most {@value #SMALL_LENGTH} bytes (a small file, typically) is
 *       encoded whole, without a probe, both with zstd level 1 (which on small inputs is
 *       as small as level 3 and twice as fast) and, if at least {@value #SHUFFLE_MIN_LENGTH}
 *       bytes and {@link Order0} says the planes may pay, as byte planes. The smaller
 *       result is stored if it is at least 3% smaller than the data, else {@code RAW}.</li>
 *   <li>For larger data, a sample of up to {@value #SAMPLE_LENGTH} bytes from the middle
 *       of the data is compressed with zstd level 1 as is and, if the data is at least
 *       {@value #SHUFFLE_MIN_LENGTH} bytes long and the planes may pay, also plane by
 *       plane. If neither result is at least 3% smaller than the sample, the data is
 *       stored {@code RAW} without compressing the whole.</li>
 *   <li>Otherwise the whole is compressed in the mode whose sample was smaller: {@code ZSTD}
 *       (level 3), or {@code PLANES4} when the byte planes won, where each plane is probed
 *       on its own and only the planes that pay are compressed (with the plane setting of
 *       {@link Workspace#plane}); the blob is stored {@code RAW} after all unless that
 *       makes it smaller.</li>
 * </ol>
 * {@code SHUFFLE4_ZSTD} is still read but no longer chosen: {@code PLANES4} compresses float
 * tensors better and spends zstd only on the planes that shrink.
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
    /** Data up to this long is compressed whole at once, without a probe. */
    static final int SMALL_LENGTH = 64 * 1024;
    /** How much of the data the probe compresses; a multiple of 4. */
    static final int SAMPLE_LENGTH = 32 * 1024;
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
        return encode(data, offset, length, 0L);
    }

    /**
     * Encodes data that sits at byte {@code streamOffset} of its file or stream, so that
     * byte planes line up with the file's 4-byte grid (where tensors are aligned).
     */
    public static byte[] encode(byte[] data, int offset, int length, long streamOffset) {
        Objects.checkFromIndexSize(offset, length, data.length);
        Workspace ws = Workspace.acquire();
        try {
            byte[] out = ws.packed(maxEncodedLength(length));
            return Arrays.copyOf(out, encode(ws, data, offset, length, streamOffset, out));
        } finally {
            ws.release();
        }
    }

    /**
     * Encodes like {@link #encode(byte[], int, int, long)} into {@code out}, which is
     * reused rather than a new array made: {@code out.array()[0, out.length())} is the
     * encoded blob.
     */
    public static void encode(byte[] data, int offset, int length, long streamOffset, Buf out) {
        Objects.checkFromIndexSize(offset, length, data.length);
        Workspace ws = Workspace.acquire();
        try {
            byte[] target = out.ensure(maxEncodedLength(length));
            out.length(encode(ws, data, offset, length, streamOffset, target));
        } finally {
            ws.release();
        }
    }

    /** The most bytes {@link #encode} can produce from {@code length} bytes, whatever the mode. */
    static int maxEncodedLength(int length) {
        return Math.max(1 + bound(length), length + 16);
    }

    /** Encodes into {@code out[0, ...)}, at least {@link #maxEncodedLength} long; returns the length. */
    private static int encode(Workspace ws, byte[] data, int offset, int length, long streamOffset, byte[] out) {
        if (length < MIN_COMPRESS_LENGTH) {
            return raw(data, offset, length, out);
        }
        int lead = (int) ((4 - Math.floorMod(streamOffset, 4L)) % 4);
        if (length <= SMALL_LENGTH) {
            return encodeSmall(ws, data, offset, length, lead, out);
        }
        Compression mode = probe(ws, data, offset, length, lead);
        if (mode == Compression.RAW) {
            return raw(data, offset, length, out);
        }
        int size = mode == Compression.PLANES4 ? compressPlanes(ws, data, offset, length, lead, out)
                : compress(ws, mode, data, offset, length, out);
        return size <= length ? size : raw(data, offset, length, out);
    }

    /** Small data: whole-blob candidates instead of a probe. See the class comment. */
    private static int encodeSmall(Workspace ws, byte[] data, int offset, int length, int lead, byte[] out) {
        out[0] = Compression.ZSTD.code();
        int size = 1 + ws.small.compressByteArray(out, 1, out.length - 1, data, offset, length);
        if (length - lead >= SHUFFLE_MIN_LENGTH && Order0.planesMayPay(ws.counts, data, offset + lead, length - lead)) {
            byte[] alt = ws.alt(maxEncodedLength(length));
            int planes = compressPlanes(ws, data, offset, length, lead, alt);
            if (planes < size) {
                System.arraycopy(alt, 0, out, 0, planes);
                size = planes;
            }
        }
        return (long) size * 100 <= (long) length * 97 ? size : raw(data, offset, length, out);
    }

    /**
     * Encodes in the given mode even if it does not pay; for tests of each mode.
     */
    static byte[] encode(byte[] data, int offset, int length, Compression forced) {
        Objects.checkFromIndexSize(offset, length, data.length);
        Workspace ws = Workspace.acquire();
        try {
            byte[] out = ws.packed(maxEncodedLength(length));
            int size = forced == Compression.RAW ? raw(data, offset, length, out)
                    : compress(ws, forced, data, offset, length, out);
            return Arrays.copyOf(out, size);
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
        byte[] out = new byte[rawLength];
        decode(encoded, offset, length, rawLength, out);
        return out;
    }

    /**
     * Decodes like {@link #decode(byte[], int, int, int)} into {@code out}, which is reused
     * rather than a new array made: {@code out.array()[0, rawLength)} is the data and
     * {@code out.length()} is {@code rawLength}. On failure {@code out} holds garbage.
     */
    public static void decode(byte[] encoded, int offset, int length, int rawLength, Buf out)
            throws CorruptBlobException {
        Objects.checkFromIndexSize(offset, length, encoded.length);
        if (rawLength < 0) {
            throw new IllegalArgumentException("negative rawLength " + rawLength);
        }
        decode(encoded, offset, length, rawLength, out.ensure(rawLength));
        out.length(rawLength);
    }

    private static void decode(byte[] encoded, int offset, int length, int rawLength, byte[] out)
            throws CorruptBlobException {
        if (length == 0) {
            throw new CorruptBlobException("empty blob: no mode byte");
        }
        int code = mode(encoded, offset);
        Compression mode = Compression.fromCode(code)
                .orElseThrow(() -> new CorruptBlobException("unknown compression mode " + code));
        switch (mode) {
            case RAW -> decodeRaw(encoded, offset + 1, length - 1, rawLength, out);
            case ZSTD -> decodeZstd(encoded, offset + 1, length - 1, rawLength, out);
            case SHUFFLE4_ZSTD -> decodeShuffled(encoded, offset + 1, length - 1, rawLength, out);
            case PLANES4 -> decodePlanes(encoded, offset + 1, length - 1, rawLength, out);
        }
    }

    /**
     * The mode byte of the blob starting at {@code encoded[offset]}, 0..255; not
     * necessarily a known {@link Compression} code.
     */
    public static int mode(byte[] encoded, int offset) {
        return encoded[offset] & 0xff;
    }

    /** Decides the mode from a sample; see the class comment. */
    private static Compression probe(Workspace ws, byte[] data, int offset, int length, int lead) {
        int sampleLength = Math.min(length - lead, SAMPLE_LENGTH) & ~3;
        int sampleOffset = offset + lead + (((length - lead - sampleLength) / 2) & ~3);
        byte[] out = ws.frame(bound(sampleLength));
        int plain = ws.probe.compressByteArray(out, 0, out.length, data, sampleOffset, sampleLength);
        int shuffled = Integer.MAX_VALUE;
        if (length >= SHUFFLE_MIN_LENGTH && Order0.planesMayPay(ws.counts, data, sampleOffset, sampleLength)) {
            byte[] planes = ws.planes(sampleLength);
            Shuffle4.shuffle(data, sampleOffset, sampleLength, planes);
            int plane = sampleLength / 4;
            shuffled = 0;
            for (int k = 0; k < 4; k++) {
                shuffled += planeCost(ws, planes, k * plane, plane, out);
            }
        }
        int best = Math.min(plain, shuffled);
        if ((long) best * 100 > (long) sampleLength * 97) {
            return Compression.RAW;
        }
        return shuffled < plain ? Compression.PLANES4 : Compression.ZSTD;
    }

    /**
     * About what {@link #encodePlane} stores for a plane of the sample: each plane on its
     * own, since one zstd frame of all four shares one entropy table and so cannot see
     * that the exponent plane needs fewer bits than the mantissa planes.
     */
    private static int planeCost(Workspace ws, byte[] planes, int from, int length, byte[] frame) {
        if (Zeros.isAllZero(planes, from, length)) {
            return 1;
        }
        int size = ws.probe.compressByteArray(frame, 0, frame.length, planes, from, length);
        return 1 + Math.min(length, 4 + size);
    }

    /** Writes the mode byte and zstd frame (of the byte planes, for SHUFFLE4_ZSTD) into {@code out}; returns the length. */
    private static int compress(Workspace ws, Compression mode, byte[] data, int offset, int length, byte[] out) {
        if (mode == Compression.PLANES4) {
            return compressPlanes(ws, data, offset, length, 0, out);
        }
        byte[] src = data;
        int srcOffset = offset;
        if (mode == Compression.SHUFFLE4_ZSTD) {
            src = ws.planes(length);
            srcOffset = 0;
            Shuffle4.shuffle(data, offset, length, src);
        }
        out[0] = mode.code();
        return 1 + ws.full.compressByteArray(out, 1, out.length - 1, src, srcOffset, length);
    }

    /** Plane kinds of {@link Compression#PLANES4}. */
    private static final int PLANE_ZERO = 0;
    private static final int PLANE_RAW = 1;
    private static final int PLANE_ZSTD = 2;
    /** How much of a plane the plane probe compresses. */
    static final int PLANE_SAMPLE_LENGTH = 8 * 1024;

    /**
     * Writes the four byte planes, each encoded on its own, into {@code out}; returns the
     * length. See {@link Compression#PLANES4}. At most {@code length + 12} bytes: the mode
     * and lead bytes, the lead and tail, and each plane raw with its kind byte.
     */
    private static int compressPlanes(Workspace ws, byte[] data, int offset, int length, int lead, byte[] out) {
        lead = Math.min(lead, length);
        int plane = (length - lead) / 4;
        int tail = (length - lead) % 4;
        byte[] planes = ws.planes(4 * plane);
        Shuffle4.shuffle(data, offset + lead, 4 * plane, planes);
        int pos = 0;
        out[pos++] = Compression.PLANES4.code();
        out[pos++] = (byte) lead;
        System.arraycopy(data, offset, out, pos, lead);
        pos += lead;
        for (int k = 0; k < 4; k++) {
            pos = encodePlane(ws, planes, k * plane, plane, out, pos);
        }
        System.arraycopy(data, offset + lead + 4 * plane, out, pos, tail);
        return pos + tail;
    }

    private static int encodePlane(Workspace ws, byte[] planes, int from, int length, byte[] out, int pos) {
        if (Zeros.isAllZero(planes, from, length)) {
            out[pos] = PLANE_ZERO;
            return pos + 1;
        }
        // A plane no longer than the probe's sample is compressed outright: probing it would cost as much.
        if (length <= PLANE_SAMPLE_LENGTH || pays(ws, planes, from, length)) {
            byte[] frame = ws.frame(bound(length));
            int size = ws.plane.compressByteArray(frame, 0, frame.length, planes, from, length);
            if (size + 4 < length) {
                out[pos++] = PLANE_ZSTD;
                writeU32(out, pos, size);
                System.arraycopy(frame, 0, out, pos + 4, size);
                return pos + 4 + size;
            }
        }
        out[pos++] = PLANE_RAW;
        System.arraycopy(planes, from, out, pos, length);
        return pos + length;
    }

    /** Whether a sample from the middle of the range shrinks by at least 3% at zstd level 1. */
    private static boolean pays(Workspace ws, byte[] buf, int from, int length) {
        int sample = Math.min(length, PLANE_SAMPLE_LENGTH);
        int start = from + (length - sample) / 2;
        byte[] frame = ws.frame(bound(sample));
        int size = ws.probe.compressByteArray(frame, 0, frame.length, buf, start, sample);
        return (long) size * 100 <= (long) sample * 97;
    }


    private static void writeU32(byte[] b, int pos, int v) {
        b[pos] = (byte) v;
        b[pos + 1] = (byte) (v >>> 8);
        b[pos + 2] = (byte) (v >>> 16);
        b[pos + 3] = (byte) (v >>> 24);
    }

    private static void decodePlanes(byte[] body, int offset, int length, int rawLength, byte[] out)
            throws CorruptBlobException {
        int end = offset + length;
        if (length < 1) {
            throw new CorruptBlobException("byte-plane blob has no lead byte");
        }
        int lead = body[offset];
        if (lead < 0 || lead > 3 || lead > rawLength || length - 1 < lead) {
            throw new CorruptBlobException("byte-plane blob has a bad lead " + lead);
        }
        int plane = (rawLength - lead) / 4;
        int tail = (rawLength - lead) % 4;
        int pos = offset + 1;
        System.arraycopy(body, pos, out, 0, lead);
        pos += lead;
        Workspace ws = Workspace.acquire();
        try {
            byte[] planes = ws.planes(4 * plane);
            for (int k = 0; k < 4; k++) {
                pos = decodePlane(ws, body, pos, end, planes, k * plane, plane);
            }
            if (end - pos != tail) {
                throw new CorruptBlobException("byte-plane blob has " + (end - pos) + " trailing bytes, expected " + tail);
            }
            Shuffle4.unshuffle(planes, 4 * plane, out, lead);
            System.arraycopy(body, pos, out, lead + 4 * plane, tail);
        } finally {
            ws.release();
        }
    }

    private static int decodePlane(Workspace ws, byte[] body, int pos, int end, byte[] planes, int to, int length)
            throws CorruptBlobException {
        if (pos >= end) {
            throw new CorruptBlobException("byte-plane blob truncated");
        }
        int kind = body[pos++];
        switch (kind) {
            case PLANE_ZERO -> {
                Arrays.fill(planes, to, to + length, (byte) 0);
                return pos;
            }
            case PLANE_RAW -> {
                if (end - pos < length) {
                    throw new CorruptBlobException("raw byte plane truncated");
                }
                System.arraycopy(body, pos, planes, to, length);
                return pos + length;
            }
            case PLANE_ZSTD -> {
                if (end - pos < 4) {
                    throw new CorruptBlobException("zstd byte plane truncated");
                }
                int size = (body[pos] & 0xff) | (body[pos + 1] & 0xff) << 8 | (body[pos + 2] & 0xff) << 16
                        | (body[pos + 3] & 0xff) << 24;
                pos += 4;
                if (size <= 0 || size > end - pos) {
                    throw new CorruptBlobException("zstd byte plane length " + size + " out of range");
                }
                int got;
                try {
                    got = ws.decompress.decompressByteArray(planes, to, length, body, pos, size);
                } catch (RuntimeException e) {
                    throw new CorruptBlobException("zstd byte plane does not decode: " + e.getMessage(), e);
                }
                if (got != length) {
                    throw new CorruptBlobException("zstd byte plane decodes to " + got + " bytes, expected " + length);
                }
                return pos + size;
            }
            default -> throw new CorruptBlobException("unknown byte-plane kind " + kind);
        }
    }

    /** Writes the mode byte and the data as they are into {@code out}; returns the length. */
    private static int raw(byte[] data, int offset, int length, byte[] out) {
        out[0] = Compression.RAW.code();
        System.arraycopy(data, offset, out, 1, length);
        return 1 + length;
    }

    private static void decodeRaw(byte[] body, int offset, int length, int rawLength, byte[] out)
            throws CorruptBlobException {
        if (length != rawLength) {
            throw new CorruptBlobException("raw blob holds " + length + " bytes, expected " + rawLength);
        }
        System.arraycopy(body, offset, out, 0, length);
    }

    private static void decodeZstd(byte[] body, int offset, int length, int rawLength, byte[] out)
            throws CorruptBlobException {
        Workspace ws = Workspace.acquire();
        try {
            decompress(ws, body, offset, length, out, rawLength);
        } finally {
            ws.release();
        }
    }

    private static void decodeShuffled(byte[] body, int offset, int length, int rawLength, byte[] out)
            throws CorruptBlobException {
        Workspace ws = Workspace.acquire();
        try {
            byte[] planes = ws.planes(rawLength);
            decompress(ws, body, offset, length, planes, rawLength);
            Shuffle4.unshuffle(planes, rawLength, out);
        } finally {
            ws.release();
        }
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
