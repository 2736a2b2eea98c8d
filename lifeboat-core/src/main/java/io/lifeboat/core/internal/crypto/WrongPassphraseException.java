package io.lifeboat.core.internal.crypto;

import java.security.GeneralSecurityException;

/**
 * Thrown when a passphrase does not open a {@link KeySlot}: the passphrase is wrong, or
 * the slot's KDF parameters, salt or wrapped key were changed after it was written. The
 * two cannot be told apart, by design.
 */
public class WrongPassphraseException extends GeneralSecurityException {
    private final String slotId;

    public WrongPassphraseException(String slotId, Throwable cause) {
        super("wrong passphrase for key slot " + slotId + " (or the slot is damaged)", cause);
        this.slotId = slotId;
    }

    /** The id of the key slot that did not open. */
    public String slotId() {
        return slotId;
    }
}
