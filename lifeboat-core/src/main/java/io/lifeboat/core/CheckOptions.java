package io.lifeboat.core;

/**
 * How much {@code check} reads.
 *
 * @param readData        download packs and verify every blob in them
 * @param subsetPercent   with {@code readData}, the share of packs to read (1 to 100)
 * @param threads         parallel pack readers
 */
public record CheckOptions(boolean readData, double subsetPercent, int threads) {
    public CheckOptions {
        if (!(subsetPercent > 0 && subsetPercent <= 100)) {
            throw new IllegalArgumentException("subset must be more than 0% and at most 100%: " + subsetPercent);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
    }
}
