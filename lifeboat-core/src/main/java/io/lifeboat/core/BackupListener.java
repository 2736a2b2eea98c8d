package io.lifeboat.core;

/**
 * Told what a backup meets. Called from worker threads: implementations are thread-safe.
 */
public interface BackupListener {
    /** A path could not be backed up as it was, or was skipped. */
    default void warning(String path, String message) {}

    /** A file was opened and its content is about to be read. */
    default void fileStarted(String path) {}

    /** A file's content was read and stored ({@code bytes} of it); follows {@link #fileStarted} unless unchanged. */
    default void fileDone(String path, long bytes) {}

    BackupListener NONE = new BackupListener() {};
}
