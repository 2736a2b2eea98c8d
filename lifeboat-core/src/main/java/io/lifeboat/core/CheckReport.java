package io.lifeboat.core;

import java.util.List;

/**
 * What {@code check} found.
 *
 * @param errors        damage: each names the object and what is wrong
 * @param infos         harmless findings (e.g. packs no index names, left by an interrupted backup)
 * @param damagedFiles  files whose content is affected by the damage, as {@code snapshot-id:/path}
 */
public record CheckReport(long packs, long packsRead, long snapshots, long trees, long blobs, List<String> errors,
                          List<String> infos, List<String> damagedFiles) {
    public CheckReport {
        errors = List.copyOf(errors);
        infos = List.copyOf(infos);
        damagedFiles = List.copyOf(damagedFiles);
    }

    public boolean ok() {
        return errors.isEmpty();
    }
}
