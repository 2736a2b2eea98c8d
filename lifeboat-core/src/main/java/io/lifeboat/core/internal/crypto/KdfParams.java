package io.lifeboat.core.internal.crypto;

/**
 * Argon2id (version 0x13) cost parameters of a {@link KeySlot}.
 *
 * <p>The bounds are those of the key-slot format, not a judgement of strength: they
 * reject nonsense and keep a damaged or forged slot from asking for unbounded memory or
 * time. They are {@code 1 <= parallelism <= 64}, {@code 8 * parallelism <= memoryKiB <=
 * 4 GiB} (Argon2's own minimum is 8 KiB per lane) and {@code 1 <= iterations <= 100}.
 *
 * @param memoryKiB memory in KiB (Argon2's {@code m})
 * @param iterations passes over the memory (Argon2's {@code t})
 * @param parallelism lanes (Argon2's {@code p})
 */
public record KdfParams(int memoryKiB, int iterations, int parallelism) {
    /** Upper bound of {@link #memoryKiB()}: 4 GiB. */
    public static final int MAX_MEMORY_KIB = 4 * 1024 * 1024;
    /** Upper bound of {@link #iterations()}. */
    public static final int MAX_ITERATIONS = 100;
    /** Upper bound of {@link #parallelism()}. */
    public static final int MAX_PARALLELISM = 64;

    /** For new key slots: 64 MiB, 3 iterations, 2 lanes. */
    public static final KdfParams DEFAULT = new KdfParams(64 * 1024, 3, 2);

    /** Cheap parameters for tests only (1 MiB, 1 iteration, 2 lanes); never for real repositories. */
    public static final KdfParams TESTING = new KdfParams(1024, 1, 2);

    /**
     * @throws IllegalArgumentException naming the parameter out of bounds
     */
    public KdfParams {
        requireWithin("parallelism", parallelism, 1, MAX_PARALLELISM);
        requireWithin("memoryKiB", memoryKiB, 8 * parallelism, MAX_MEMORY_KIB);
        requireWithin("iterations", iterations, 1, MAX_ITERATIONS);
    }

    private static void requireWithin(String what, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException("Argon2id " + what + " " + value + " is outside [" + min + ", " + max + "]");
        }
    }
}
