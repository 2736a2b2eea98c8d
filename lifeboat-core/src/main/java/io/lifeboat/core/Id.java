package io.lifeboat.core;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A 32-byte identifier: a chunk id (keyed hash of plaintext) or an object id (SHA-256 of
 * stored bytes). Immutable; held as four longs so that millions fit in memory cheaply and
 * compare fast.
 */
public final class Id implements Comparable<Id> {
    /** Length of an id in bytes. */
    public static final int LENGTH = 32;

    private static final HexFormat HEX = HexFormat.of();

    private final long w0;
    private final long w1;
    private final long w2;
    private final long w3;

    private Id(long w0, long w1, long w2, long w3) {
        this.w0 = w0;
        this.w1 = w1;
        this.w2 = w2;
        this.w3 = w3;
    }

    /** The id whose bytes are {@code bytes[offset, offset+32)}. */
    public static Id of(byte[] bytes, int offset) {
        if (offset < 0 || bytes.length - offset < LENGTH) {
            throw new IllegalArgumentException("need 32 bytes at offset " + offset + ", have " + (bytes.length - offset));
        }
        return new Id(readWord(bytes, offset), readWord(bytes, offset + 8), readWord(bytes, offset + 16),
                readWord(bytes, offset + 24));
    }

    /** The id whose bytes are exactly {@code bytes} (32 of them). */
    public static Id of(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("an id has 32 bytes, not " + bytes.length);
        }
        return of(bytes, 0);
    }

    /** The id whose big-endian 8-byte words are these: the inverse of {@link #word}. */
    public static Id ofWords(long w0, long w1, long w2, long w3) {
        return new Id(w0, w1, w2, w3);
    }

    /**
     * Parses 64 hex digits.
     *
     * @throws IllegalArgumentException naming the bad input
     */
    public static Id fromHex(String hex) {
        if (hex == null || hex.length() != 2 * LENGTH) {
            throw new IllegalArgumentException("an id is 64 hex digits: '" + hex + "'");
        }
        try {
            return of(HEX.parseHex(hex));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("an id is 64 hex digits: '" + hex + "'", e);
        }
    }

    /** SHA-256 of {@code data[offset, offset+length)}: the name of a stored object. */
    public static Id sha256(byte[] data, int offset, int length) {
        MessageDigest md = sha256();
        md.update(data, offset, length);
        return of(md.digest());
    }

    /** SHA-256 of a whole array. */
    public static Id sha256(byte[] data) {
        return sha256(data, 0, data.length);
    }

    /** A fresh SHA-256 digest. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    private static long readWord(byte[] b, int o) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[o + i] & 0xffL);
        }
        return v;
    }

    private static void putWord(byte[] b, int o, long v) {
        for (int i = 7; i >= 0; i--) {
            b[o + i] = (byte) v;
            v >>>= 8;
        }
    }

    /**
     * Word {@code i} of the id, 0 to 3: bytes {@code 8i} to {@code 8i + 7} read big-endian.
     * For compact tables that hold ids as primitive longs.
     */
    public long word(int i) {
        return switch (i) {
            case 0 -> w0;
            case 1 -> w1;
            case 2 -> w2;
            case 3 -> w3;
            default -> throw new IndexOutOfBoundsException("an id has words 0 to 3, not " + i);
        };
    }

    /** Writes the 32 bytes into {@code buf} at {@code offset}. */
    public void writeTo(byte[] buf, int offset) {
        putWord(buf, offset, w0);
        putWord(buf, offset + 8, w1);
        putWord(buf, offset + 16, w2);
        putWord(buf, offset + 24, w3);
    }

    /** A copy of the 32 bytes. */
    public byte[] bytes() {
        byte[] b = new byte[LENGTH];
        writeTo(b, 0);
        return b;
    }

    /** 64 lower-case hex digits. */
    public String hex() {
        return HEX.formatHex(bytes());
    }

    /** The first 8 hex digits, as shown to people. */
    public String shortHex() {
        return hex().substring(0, 8);
    }

    /** The first byte as two hex digits: the fan-out directory of packs. */
    public String fanout() {
        return hex().substring(0, 2);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Id other && w0 == other.w0 && w1 == other.w1 && w2 == other.w2 && w3 == other.w3;
    }

    @Override
    public int hashCode() {
        // The words are hash output: any of them is already uniformly distributed.
        return (int) (w1 ^ (w1 >>> 32));
    }

    @Override
    public int compareTo(Id o) {
        int c = Long.compareUnsigned(w0, o.w0);
        if (c == 0) c = Long.compareUnsigned(w1, o.w1);
        if (c == 0) c = Long.compareUnsigned(w2, o.w2);
        if (c == 0) c = Long.compareUnsigned(w3, o.w3);
        return c;
    }

    @Override
    public String toString() {
        return hex();
    }
}
