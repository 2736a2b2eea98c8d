package io.lifeboat.core.internal.chunk;

import java.util.Objects;

/**
 * One chunk of an input: bytes {@code data[0, length)}, which stood at {@code offset} in
 * the input.
 *
 * <p>The chunk owns {@code data}: nobody else writes to the array, so it may be handed to
 * another thread. {@code data} may be longer than {@code length}. Being a record over an
 * array, {@code equals} compares the array by identity, not by content.
 *
 * @param data the bytes, at least {@code length} of them
 * @param length the chunk's length
 * @param offset where the chunk starts in the input, from 0
 */
public record Chunk(byte[] data, int length, long offset) {

    /** @throws IllegalArgumentException if the length or offset is impossible */
    public Chunk {
        Objects.requireNonNull(data, "data");
        if (length < 0 || length > data.length) {
            throw new IllegalArgumentException("length " + length + " outside [0, " + data.length + "]");
        }
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset " + offset);
        }
    }

    /** The offset just past this chunk in the input. */
    public long end() {
        return offset + length;
    }
}
