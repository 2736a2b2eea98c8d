package io.lifeboat.core.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.ManualClock;
import io.lifeboat.core.storage.BlobInfo;
import io.lifeboat.core.storage.BlobStore;
import io.lifeboat.core.storage.BlobStoreContractTest;
import io.lifeboat.core.storage.NoSuchBlobException;
import io.lifeboat.core.storage.ObjectLockedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalBlobStoreTest extends BlobStoreContractTest {
    @TempDir
    Path tmp;

    private Path root;

    @Override
    protected BlobStore newStore() throws Exception {
        root = tmp.resolve("repo");
        return LocalBlobStore.create(root);
    }

    @Override
    protected BlobStore secondClient() throws Exception {
        return new LocalBlobStore(root);
    }

    // ---- opening

    @Test
    void openingAMissingDirectoryIsAClearError() {
        Path missing = tmp.resolve("no-such-repo");

        assertThatThrownBy(() -> new LocalBlobStore(missing))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void openingAFileIsAClearError() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "x");

        assertThatThrownBy(() -> new LocalBlobStore(file))
                .isInstanceOf(FileSystemException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("not a directory");
        assertThatThrownBy(() -> LocalBlobStore.create(file)).isInstanceOf(IOException.class);
    }

    @Test
    void createMakesMissingParents() throws Exception {
        Path deep = tmp.resolve("a/b/c");
        BlobStore created = LocalBlobStore.create(deep);

        assertThat(deep).isDirectory();
        assertThat(created.describe()).isEqualTo(deep.toAbsolutePath().toString());
    }

    // ---- layout

    @Test
    void aBlobIsTheFileAtItsName() throws Exception {
        store.putIfAbsent("data/3f/3f9a", bytes("content"));

        assertThat(root.resolve("data/3f/3f9a")).hasBinaryContent(bytes("content"));
    }

    @Test
    void successfulPutsLeaveNoTemporaryFiles() throws Exception {
        putAll("a", "b/c", "b/d/e");
        store.putIfAbsent("a", bytes("again"));

        assertNoTemporaryFiles();
    }

    @Test
    void temporaryAndStrayFilesAreNeverListed() throws Exception {
        putAll("data/00/0001");
        Files.createDirectories(root.resolve(LocalBlobStore.TEMP_DIRECTORY));
        Files.writeString(root.resolve(LocalBlobStore.TEMP_DIRECTORY).resolve("0123.part"), "half");
        Files.writeString(root.resolve("README.TXT"), "stray");
        Files.writeString(root.resolve("data/00/Thumbs.db"), "stray");
        Files.writeString(root.resolve("data/00/has space"), "stray");

        assertThat(store.list("")).containsExactly(new BlobInfo("data/00/0001", 12));
        assertThat(store.list("t")).isEmpty();
    }

    // ---- faults

    @Test
    void aPutUnderABlobFailsAndLeavesNothing() throws Exception {
        store.putIfAbsent("a", bytes("file"));

        assertThatThrownBy(() -> store.putIfAbsent("a/b", bytes("under a file")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("a/b");
        assertThatThrownBy(() -> store.putIfAbsent("a/b/c", bytes("deeper"))).isInstanceOf(IOException.class);

        assertThat(store.get("a")).isEqualTo(bytes("file"));
        assertThat(store.list("")).containsExactly(new BlobInfo("a", 4));
        assertThatThrownBy(() -> store.get("a/b")).isInstanceOf(NoSuchBlobException.class);
        assertNoTemporaryFiles();
    }

    @Test
    void aPutOverADirectoryFailsRatherThanClaimingTheBlobExists() throws Exception {
        store.putIfAbsent("a/b", bytes("inside"));

        assertThatThrownBy(() -> store.putIfAbsent("a", bytes("over a directory")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("directory");

        assertThat(names(store.list(""))).containsExactly("a/b");
        assertNoTemporaryFiles();
    }

    @Test
    void anInterruptedPutFailsAndLeavesNothing() throws Exception {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> store.putIfAbsent("data/in/interrupted", new byte[1 << 20]))
                    .isInstanceOf(IOException.class);
        } finally {
            Thread.interrupted();
        }

        assertThat(store.list("")).isEmpty();
        assertThatThrownBy(() -> store.stat("data/in/interrupted")).isInstanceOf(NoSuchBlobException.class);
        assertNoTemporaryFiles();
    }

    @Test
    void deleteLeavesDirectoriesAndNeverDeletesOne() throws Exception {
        putAll("d/x/1");

        assertThat(store.delete("d/x")).isFalse();
        assertThat(store.delete("d/x/1")).isTrue();
        assertThat(root.resolve("d/x")).isDirectory();
        assertThat(store.list("")).isEmpty();
    }

    // ---- without hard links

    @Test
    void withoutHardLinksPutsStillWorkAndNeverReplace() throws Exception {
        BlobStore noLinks = new LocalBlobStore(root, false);

        assertThat(noLinks.putIfAbsent("data/nl/one", bytes("first"))).isTrue();
        assertThat(noLinks.putIfAbsent("data/nl/one", bytes("second"))).isFalse();
        assertThat(noLinks.get("data/nl/one")).isEqualTo(bytes("first"));
        assertThatThrownBy(() -> noLinks.putIfAbsent("data", bytes("over a directory"))).isInstanceOf(IOException.class);
        assertThat(store.list("")).containsExactly(new BlobInfo("data/nl/one", 5));
        assertNoTemporaryFiles();
    }

    private void assertNoTemporaryFiles() throws IOException {
        Path temp = root.resolve(LocalBlobStore.TEMP_DIRECTORY);
        if (Files.exists(temp)) {
            try (Stream<Path> files = Files.list(temp)) {
                assertThat(files.toList()).isEmpty();
            }
        }
        try (Stream<Path> all = Files.walk(root)) {
            List<Path> parts = all.filter(p -> p.getFileName().toString().endsWith(".part")).toList();
            assertThat(parts).isEmpty();
        }
    }

    // ---- retention locks

    @Test
    void aLockedBlobCannotBeDeletedBeforeItsDateNorReplacedAndIsReadOnlyOnDisk() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-11-22T12:00:00Z"));
        LocalBlobStore store = new LocalBlobStore(root, clock);
        Instant until = clock.instant().plus(Duration.ofDays(30));
        byte[] data = "sealed pack".getBytes(StandardCharsets.UTF_8);
        assertThat(store.supportsRetention()).isTrue();
        assertThat(store.putIfAbsent("data/ab/ab01", data, 0, data.length, until)).isTrue();

        assertThat(store.stat("data/ab/ab01").retainUntil()).isEqualTo(until);
        assertThat(store.list("data/")).singleElement().extracting(BlobInfo::retainUntil).isEqualTo(until);
        assertThat(Files.getPosixFilePermissions(root.resolve("data/ab/ab01"))).as("read-only on disk")
                .noneMatch(p -> p.name().endsWith("WRITE"));

        assertThatThrownBy(() -> store.delete("data/ab/ab01")).isInstanceOf(ObjectLockedException.class)
                .hasMessageContaining(until.toString());
        byte[] other = "ransom note".getBytes(StandardCharsets.UTF_8);
        assertThat(store.putIfAbsent("data/ab/ab01", other, 0, other.length, null)).isFalse();
        assertThat(store.get("data/ab/ab01")).isEqualTo(data);

        clock.set(until.minusSeconds(1));
        assertThatThrownBy(() -> store.delete("data/ab/ab01")).isInstanceOf(ObjectLockedException.class);
        clock.set(until);
        assertThat(store.delete("data/ab/ab01")).as("deletable once the date is reached").isTrue();
    }

    @Test
    void blobsWithoutALockReportNoneAndDeleteAsBefore() throws Exception {
        LocalBlobStore store = new LocalBlobStore(root, new ManualClock(Instant.parse("2026-11-22T12:00:00Z")));
        byte[] data = {1, 2, 3};
        store.putIfAbsent("index/cafe", data);
        assertThat(store.stat("index/cafe").retainUntil()).isNull();
        assertThat(store.stat("index/cafe").lockedAt(Instant.MAX)).isFalse();
        assertThat(store.delete("index/cafe")).isTrue();
    }
}
