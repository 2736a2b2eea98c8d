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

    KdfParams params() {
        try {
            return new KdfParams(Math.multiplyExact(memoryMiB, 1024), iterations, parallelism);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new UsageException("bad key derivation settings: " + e.getMessage());
        }
    }
}
