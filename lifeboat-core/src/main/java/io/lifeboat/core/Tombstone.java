package io.lifeboat.core;

import java.time.Instant;
import java.util.Objects;

/**
 * The mark that soft-deletes a snapshot: {@code forget} stores one, {@code undelete}
 * removes it, and a later prune past the grace period removes the snapshot for good.
 * The snapshot object itself is never changed, so a soft delete is also possible on
 * storage that will not rewrite objects.
 *
 * @param id       the tombstone's own object name, or null before it is stored
 * @param snapshot the snapshot it deletes
 * @param time     when it was forgotten
 * @param hostname who forgot it: host
 * @param username who forgot it: user
 * @param reason   why, for people (the policy rule, or "forget ID")
 */
public record Tombstone(Id id, Id snapshot, Instant time, String hostname, String username, String reason) {
    public Tombstone {
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(time, "time");
        hostname = hostname == null ? "" : hostname;
        username = username == null ? "" : username;
        reason = reason == null ? "" : reason;
    }

    public Tombstone withId(Id newId) {
        return new Tombstone(newId, snapshot, time, hostname, username, reason);
    }
}
