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
    SHUFFLE4_ZSTD(2),
    /**
     * Code 3: byte planes aligned to the 4-byte grid of the file the chunk came from, each
     * stored on its own. The body is {@code u8 lead} (0..3), the {@code lead} first bytes
     * unchanged, the four planes of the next {@code m = (n - lead) / 4 * 4} bytes (plane
     * {@code k} holds their bytes at positions {@code 4*i + k}), then the remaining
     * {@code (n - lead) % 4} bytes unchanged. Each plane (of {@code m/4} bytes) is one kind
     * byte and its body: {@code 0} all zero (no body), {@code 1} raw (the plane's bytes),
     * {@code 2} zstd ({@code u32le} frame length, then the frame). Content-defined chunks
     * start anywhere, so without the lead a chunk that starts mid-float would mix the planes. Float tensors
     * have planes of every kind: bfloat16-rounded float32 has two all-zero planes, a
     * mantissa plane that does not compress and an exponent plane that does, and only the
     * last is worth zstd's time.
     */
    PLANES4(3);

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
