package io.lifeboat.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.BackupListener;
import io.lifeboat.core.BackupOptions;
import io.lifeboat.core.Repository;
import io.lifeboat.core.Snapshot;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A secret snapshot's files come back owner-only, however they were backed up. */
class SecretModesTest {
    @TempDir
    Path tmp;

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    private static BackupOptions stream(String name, String kind) {
        return new BackupOptions(List.of(), new ByteArrayInputStream("token".getBytes(StandardCharsets.UTF_8)), name,
                List.of(), new TreeMap<>(), "api", kind, "h", "u", null, 1, Clock.systemUTC());
    }

    private static BackupOptions paths(Path dir, String kind) {
        return new BackupOptions(List.of(dir), null, null, List.of(), new TreeMap<>(), "creds", kind, "h", "u", null, 1,
                Clock.systemUTC());
    }

    @Test
    void aSecretStreamIsRecordedAndRestoredOwnerOnlyAndAnOrdinaryStreamIsNot() throws IOException {
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            Snapshot secret = new BackupEngine(repo, stream("TOKEN", Snapshot.SECRET_KIND), BackupListener.NONE).run();
            Snapshot plain = new BackupEngine(repo, stream("notes", "config"), BackupListener.NONE).run();
            assertThat(repo.loadTree(secret.tree()).nodes().get(0).mode()).isEqualTo(0600);
            assertThat(secret.isSecret()).isTrue();
            assertThat(plain.isSecret()).isFalse();

            TestRepos.restore(repo, secret, tmp.resolve("out"));
            TestRepos.restore(repo, plain, tmp.resolve("out"));
        }
        assertThat(mode(tmp.resolve("out/TOKEN"))).isEqualTo(0600);
        assertThat(mode(tmp.resolve("out/notes"))).isEqualTo(0644);
    }

    @Test
    void filesOfASecretSnapshotLoseGroupAndOtherBitsOnRestoreWhileDirectoriesKeepTheirs() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src/keys"));
        Files.writeString(src.resolve("tls.key"), "key\n");
        Files.setAttribute(src.resolve("tls.key"), "unix:mode", 0644);
        Files.writeString(src.resolve("rotate.sh"), "#!/bin/sh\n");
        Files.setAttribute(src.resolve("rotate.sh"), "unix:mode", 04755);
        Files.setAttribute(src, "unix:mode", 0755);
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            Snapshot secret = new BackupEngine(repo, paths(src, Snapshot.SECRET_KIND), BackupListener.NONE).run();
            Snapshot plain = new BackupEngine(repo, paths(src, "config"), BackupListener.NONE).run();
            TestRepos.restore(repo, secret, tmp.resolve("secret"));
            TestRepos.restore(repo, plain, tmp.resolve("plain"));
        }
        Path s = TestRepos.restored(tmp.resolve("secret"), src);
        assertThat(mode(s.resolve("tls.key"))).isEqualTo(0600);
        assertThat(mode(s.resolve("rotate.sh"))).as("set-user-id goes too").isEqualTo(0700);
        assertThat(mode(s)).isEqualTo(0755);
        Path p = TestRepos.restored(tmp.resolve("plain"), src);
        assertThat(mode(p.resolve("tls.key"))).isEqualTo(0644);
        assertThat(mode(p.resolve("rotate.sh"))).isEqualTo(04755);
    }
}
