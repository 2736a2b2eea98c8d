package io.lifeboat.core.internal.format;

import io.lifeboat.core.Id;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte buffer with the primitive encodings of the repository format. Not thread-safe. */
public final class ByteWriter {
    private byte[] buf;
    private int size;

    public ByteWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    public ByteWriter() {
        this(256);
    }

    /** Writes into {@code buffer} from its start (a recycled array, say), growing past it only if needed. */
    public ByteWriter(byte[] buffer) {
        this.buf = buffer.length >= 16 ? buffer : new byte[16];
    }

    private void ensure(int extra) {
        if (buf.length - size < extra) {
            long wanted = Math.max((long) buf.length * 2, (long) size + extra);
            if (wanted > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("encoded object larger than 2 GiB");
            }
            buf = Arrays.copyOf(buf, (int) wanted);
        }
    }

    public ByteWriter u8(int v) {
        ensure(1);
        buf[size++] = (byte) v;
        return this;
    }

    /** Unsigned LEB128 varint of a non-negative long. */
    public ByteWriter uvarint(long v) {
        if (v < 0) {
            throw new IllegalArgumentException("negative varint " + v);
        }
        ensure(10);
        while ((v & ~0x7fL) != 0) {
            buf[size++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
        return this;
    }

    /** Zig-zag signed varint. */
    public ByteWriter svarint(long v) {
        ensure(10);
        long z = (v << 1) ^ (v >> 63);
        while ((z & ~0x7fL) != 0) {
            buf[size++] = (byte) ((z & 0x7f) | 0x80);
            z >>>= 7;
        }
        buf[size++] = (byte) z;
        return this;
    }

    public ByteWriter u32le(int v) {
        ensure(4);
        buf[size++] = (byte) v;
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) (v >>> 16);
        buf[size++] = (byte) (v >>> 24);
        return this;
    }

    public ByteWriter id(Id id) {
        ensure(Id.LENGTH);
        id.writeTo(buf, size);
        size += Id.LENGTH;
        return this;
    }

    public ByteWriter bytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
        return this;
    }

    public ByteWriter bytes(byte[] b) {
        return bytes(b, 0, b.length);
    }

    /** A varint length followed by the bytes. */
    public ByteWriter lengthPrefixed(byte[] b) {
        uvarint(b.length);
        return bytes(b);
    }

    /** A varint length followed by UTF-8. */
    public ByteWriter string(String s) {
        return lengthPrefixed(s.getBytes(StandardCharsets.UTF_8));
    }

    public int size() {
        return size;
    }

    /** The internal array; valid bytes are {@code [0, size())}. */
    public byte[] array() {
        return buf;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }
}
