package io.lifeboat.core.internal.codec;

import java.util.Optional;

/**
 * How a blob's body is encoded; the first byte of every encoded blob is the mode's
 * {@link #code()}. Codes are part of the repository format and never change meaning.
 */
public enum Compression {
    /** Code 0: the body is the data as is. */
    RAW(0),
    /** Code 1: the body is one zstd frame of the data. */
    ZSTD(1),
    /**
     * Code 2: the body is one zstd frame of the data with its bytes regrouped into four
     * byte planes: for data of length {@code n}, plane {@code k} (k = 0..3) holds the bytes
     * at positions {@code 4*i + k} for {@code i < n/4}; the planes follow each other in
     * order 0..3, then come the {@code n % 4} trailing bytes unchanged.
     */
    SHUFFLE4_ZSTD(2);

    private static final Compression[] BY_CODE = byCode();

    private final byte code;

    Compression(int code) {
        this.code = (byte) code;
    }

    /** The mode byte that introduces a blob encoded this way. */
    public byte code() {
        return code;
    }

    private static Compression[] byCode() {
        Compression[] table = new Compression[values().length];
        for (Compression c : values()) {
            table[c.code] = c;
        }
        return table;
    }

    /** The mode whose code is {@code code} (0..255), or empty if there is none. */
    public static Optional<Compression> fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? Optional.of(BY_CODE[code]) : Optional.empty();
    }
}
