package io.lifeboat.core.internal.crypto;

import java.io.IOException;

/**
 * Thrown when bytes read as a {@link KeySlot} are not a key slot this version of Lifeboat
 * understands: not JSON, a field missing or of the wrong type or out of bounds, an
 * unknown version or key-derivation algorithm. The message names the field.
 */
public class MalformedKeySlotException extends IOException {
    public MalformedKeySlotException(String message) {
        super("malformed key slot: " + message);
    }

    public MalformedKeySlotException(String message, Throwable cause) {
        super("malformed key slot: " + message, cause);
    }
}
