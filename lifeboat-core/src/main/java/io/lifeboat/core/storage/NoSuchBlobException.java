package io.lifeboat.core.storage;

import java.nio.file.NoSuchFileException;

/** Thrown when a blob that was asked for does not exist. */
public class NoSuchBlobException extends NoSuchFileException {
    private final String name;

    public NoSuchBlobException(String name) {
        super(name, null, "no such blob");
        this.name = name;
    }

    /** The missing blob's name. */
    public String name() {
        return name;
    }
}
