package io.lifeboat.cli;

/** The command line or its input is wrong (exit code 2). */
public class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
