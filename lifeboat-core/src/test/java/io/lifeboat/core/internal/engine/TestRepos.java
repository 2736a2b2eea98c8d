package io.lifeboat.core.internal.engine;

import io.lifeboat.core.BackupListener;
import io.lifeboat.core.BackupOptions;
import io.lifeboat.core.Repository;
import io.lifeboat.core.RestoreOptions;
import io.lifeboat.core.RestoreResult;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.internal.crypto.KdfParams;
import io.lifeboat.core.storage.local.LocalBlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Shared set-up for engine tests: a fresh repository with cheap key derivation. */
final class TestRepos {
    static final char[] PASSPHRASE = "engine test passphrase".toCharArray();

    private TestRepos() {}

    static Repository create(Path dir) throws IOException {
        Repository.InitOptions options = Repository.InitOptions.defaults("test-host", "tester").withKdf(KdfParams.TESTING);
        return Repository.init(LocalBlobStore.create(dir), PASSPHRASE, options);
    }

    static Repository reopen(Path dir) throws IOException {
        return Repository.open(new LocalBlobStore(dir), PASSPHRASE);
    }

    static BackupOptions options(List<Path> paths) {
        return new BackupOptions(paths, null, null, List.of(), new TreeMap<>(), null, null, "test-host", "tester", null, 2,
                Clock.systemUTC());
    }

    static Snapshot backup(Repository repo, Path... paths) throws IOException {
        return new BackupEngine(repo, options(List.of(paths)), BackupListener.NONE).run();
    }

    static RestoreResult restore(Repository repo, Snapshot s, Path target) throws IOException {
        return new RestoreEngine(repo, new RestoreOptions(target, List.of(), 4)).run(s);
    }

    /** Where a restore to {@code target} puts the backed-up absolute path {@code source}. */
    static Path restored(Path target, Path source) {
        return target.resolve(source.toAbsolutePath().toString().substring(1));
    }

    /** Every entry below {@code root} with what a restore must reproduce: type, mode, owner, mtime, content or target. */
    static Map<String, String> describe(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        List<Path> all;
        try (Stream<Path> s = Files.walk(root)) {
            all = s.toList();
        }
        for (Path p : all) {
            Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,lastModifiedTime,size", LinkOption.NOFOLLOW_LINKS);
            String what;
            if (Files.isSymbolicLink(p)) {
                what = "link -> " + Files.readSymbolicLink(p) + " mtime=" + a.get("lastModifiedTime");
            } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                what = "dir mtime=" + a.get("lastModifiedTime");
            } else {
                what = "file size=" + a.get("size") + " sha=" + sha256(p) + " mtime=" + a.get("lastModifiedTime");
            }
            int mode = (Integer) a.get("mode");
            String perms = Files.isSymbolicLink(p) ? "" : String.format(" mode=%o", mode & 07777);
            out.put(root.relativize(p).toString(), what + perms + " uid=" + a.get("uid") + " gid=" + a.get("gid"));
        }
        return out;
    }

    /** Copies a directory tree, such as a repository, to {@code to}. */
    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    /** Deletes a directory tree. */
    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static String sha256(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
