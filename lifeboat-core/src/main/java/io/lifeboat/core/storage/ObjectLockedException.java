package io.lifeboat.core.storage;

import java.io.IOException;
import java.time.Instant;

/** A blob under a retention lock cannot be deleted before its date. */
public class ObjectLockedException extends IOException {
    private final String name;
    private final Instant retainUntil;

    public ObjectLockedException(String name, Instant retainUntil) {
        super(name + " is under a retention lock until " + retainUntil + " and cannot be deleted before then");
        this.name = name;
        this.retainUntil = retainUntil;
    }

    public String name() {
        return name;
    }

    public Instant retainUntil() {
        return retainUntil;
    }
}
