package io.lifeboat.catalog;

import io.lifeboat.core.BackupListener;
import io.lifeboat.core.BackupOptions;
import io.lifeboat.core.Repository;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.internal.crypto.KdfParams;
import io.lifeboat.core.internal.engine.BackupEngine;
import io.lifeboat.core.storage.local.LocalBlobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.TreeMap;

/** Real repositories on a local directory, with cheap key derivation. */
final class TestRepos {
    static final char[] PASS = "catalog test".toCharArray();

    private TestRepos() {}

    static Repository create(Path dir) throws IOException {
        return Repository.init(LocalBlobStore.create(dir), PASS,
                Repository.InitOptions.defaults("host", "user").withKdf(KdfParams.TESTING));
    }

    static Repository open(Path dir) throws IOException {
        return Repository.open(new LocalBlobStore(dir), PASS);
    }

    /** Backs up {@code dir} as a snapshot of {@code asset}. */
    static Snapshot backup(Repository repo, Path dir, String asset, String kind, Clock clock) throws IOException {
        BackupOptions o = new BackupOptions(List.of(dir), null, null, List.of(), new TreeMap<>(), asset, kind, "host",
                "user", null, 2, clock);
        return new BackupEngine(repo, o, new BackupListener() { }).run();
    }

    static BackupOptions artifacts(Path dir, Clock clock) {
        return new BackupOptions(List.of(dir), null, null, List.of(), new TreeMap<>(), null, null, "host", "user", null, 2,
                clock);
    }

    static Path write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }
}
