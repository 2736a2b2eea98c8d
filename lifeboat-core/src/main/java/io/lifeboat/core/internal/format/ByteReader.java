package io.lifeboat.core.internal.format;

import io.lifeboat.core.Id;
import java.nio.charset.StandardCharsets;

/**
 * Reads the primitive encodings written by {@link ByteWriter}. Every read is bounds
 * checked: malformed input throws {@link CorruptObjectException}, never a runtime exception.
 */
public final class ByteReader {
    private final byte[] buf;
    private final int end;
    private int pos;

    public ByteReader(byte[] buf, int offset, int length) {
        this.buf = buf;
        this.pos = offset;
        this.end = offset + length;
    }

    public ByteReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    private void need(int n) throws CorruptObjectException {
        if (n < 0 || end - pos < n) {
            throw new CorruptObjectException("truncated: need " + n + " bytes at offset " + pos + ", have " + (end - pos));
        }
    }

    public int u8() throws CorruptObjectException {
        need(1);
        return buf[pos++] & 0xff;
    }

    public long uvarint() throws CorruptObjectException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = u8();
            v |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                if (v < 0) {
                    throw new CorruptObjectException("varint out of range");
                }
                return v;
            }
        }
        throw new CorruptObjectException("varint longer than 10 bytes");
    }

    /** A varint that must fit an int in {@code [0, max]}. */
    public int uvarint(int max) throws CorruptObjectException {
        long v = uvarint();
        if (v > max) {
            throw new CorruptObjectException("value " + v + " exceeds " + max);
        }
        return (int) v;
    }

    public long svarint() throws CorruptObjectException {
        long z = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = u8();
            z |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return (z >>> 1) ^ -(z & 1);
            }
        }
        throw new CorruptObjectException("varint longer than 10 bytes");
    }

    public int u32le() throws CorruptObjectException {
        need(4);
        int v = (buf[pos] & 0xff) | (buf[pos + 1] & 0xff) << 8 | (buf[pos + 2] & 0xff) << 16 | (buf[pos + 3] & 0xff) << 24;
        pos += 4;
        return v;
    }

    public Id id() throws CorruptObjectException {
        need(Id.LENGTH);
        Id id = Id.of(buf, pos);
        pos += Id.LENGTH;
        return id;
    }

    public byte[] bytes(int n) throws CorruptObjectException {
        need(n);
        byte[] out = new byte[n];
        System.arraycopy(buf, pos, out, 0, n);
        pos += n;
        return out;
    }

    public byte[] lengthPrefixed() throws CorruptObjectException {
        return bytes(uvarint(remaining()));
    }

    public String string() throws CorruptObjectException {
        int n = uvarint(remaining());
        need(n);
        String s = new String(buf, pos, n, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    public int remaining() {
        return end - pos;
    }

    public boolean atEnd() {
        return pos == end;
    }

    public void expectEnd() throws CorruptObjectException {
        if (pos != end) {
            throw new CorruptObjectException((end - pos) + " unexpected trailing bytes");
        }
    }
}
