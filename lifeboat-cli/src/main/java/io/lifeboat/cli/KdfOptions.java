package io.lifeboat.cli;

import io.lifeboat.core.internal.crypto.KdfParams;
import picocli.CommandLine.Option;

/** Argon2id cost of a new key slot. The defaults suit servers; lower them only on small machines. */
final class KdfOptions {
    @Option(names = "--kdf-memory", paramLabel = "MiB", description = "Argon2id memory in MiB (default: ${DEFAULT-VALUE}).")
    int memoryMiB = KdfParams.DEFAULT.memoryKiB() / 1024;

    @Option(names = "--kdf-iterations", paramLabel = "N", description = "Argon2id passes (default: ${DEFAULT-VALUE}).")
    int iterations = KdfParams.DEFAULT.iterations();

    @Option(names = "--kdf-parallelism", paramLabel = "N", description = "Argon2id lanes (default: ${DEFAULT-VALUE}).")
    int parallelism = KdfParams.DEFAULT.parallelism();

    /**
     * A slot must open on every machine that may hold a replica, including small ones:
     * Argon2's memory is allocated on the heap. Twice the default cost is the most allowed.
     */
    static final int MAX_MEMORY_MIB = 128;

    KdfParams params() {
        if (memoryMiB > MAX_MEMORY_MIB) {
            throw new UsageException("--kdf-memory above " + MAX_MEMORY_MIB + " MiB could not be opened within the"
                    + " launcher's heap");
        }
        try {
            return new KdfParams(Math.multiplyExact(memoryMiB, 1024), iterations, parallelism);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new UsageException("bad key derivation settings: " + e.getMessage());
        }
    }
}
