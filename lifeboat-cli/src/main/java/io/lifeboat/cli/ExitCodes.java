package io.lifeboat.cli;

import io.lifeboat.core.IntegrityException;
import io.lifeboat.core.RepositoryBusyException;
import io.lifeboat.core.RepositoryNotFoundException;
import io.lifeboat.core.SnapshotNotFoundException;
import io.lifeboat.core.WrongPassphraseException;
import io.lifeboat.core.storage.NoSuchBlobException;
import picocli.CommandLine;

/** The documented exit codes, and the one place that maps failures to them. */
public final class ExitCodes {
    public static final int OK = 0;
    /** Any failure not listed below (I/O errors, a full disk, an unreachable backend). */
    public static final int FAILURE = 1;
    /** Bad usage or input: unknown option, missing repository, no such snapshot or path. */
    public static final int USAGE = 2;
    /** The repository is locked or busy. */
    public static final int LOCKED = 3;
    /** Damaged or missing data was found. */
    public static final int INTEGRITY = 10;
    /** The passphrase opens no key of the repository. */
    public static final int WRONG_PASSPHRASE = 12;

    private ExitCodes() {}

    public static int of(Throwable t) {
        if (t instanceof WrongPassphraseException) {
            return WRONG_PASSPHRASE;
        }
        if (t instanceof RepositoryBusyException || t instanceof io.lifeboat.catalog.RegistryConflictException) {
            return LOCKED;
        }
        if (t instanceof IntegrityException || t instanceof NoSuchBlobException) {
            // A stored object that is referenced but missing is damage, not bad input.
            return INTEGRITY;
        }
        // Only what validates the user's input is a usage error; a file vanishing in the
        // middle of a run is an ordinary failure. IllegalArgumentException comes from the
        // validating factories of options (thread counts, key ids, KDF settings).
        if (t instanceof RepositoryNotFoundException || t instanceof SnapshotNotFoundException
                || t instanceof UsageException || t instanceof CommandLine.ParameterException
                || t instanceof io.lifeboat.catalog.CatalogNotFoundException
                || t instanceof io.lifeboat.catalog.CatalogRefusedException
                || t instanceof IllegalArgumentException) {
            return USAGE;
        }
        return FAILURE;
    }
}
