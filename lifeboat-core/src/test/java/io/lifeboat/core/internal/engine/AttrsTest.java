package io.lifeboat.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttrsTest {
    @TempDir
    Path dir;

    /** The build opens sun.nio.fs to the tests as the launcher does, so the fast path is the one tested. */
    @Test
    void theStatRecordIsReadDirectlyWhenItsPackageIsOpen() {
        assertThat(Attrs.readsStatFields()).isTrue();
    }

    @Test
    void statFieldsAgreeWithThePublicViewOnEveryKindOfEntry() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "hello, lifeboat");
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2024-02-29T12:34:56.123456789Z")));
        Path setuid = Files.writeString(dir.resolve("setuid"), "#!/bin/sh\n");
        Files.setAttribute(setuid, "unix:mode", 04755);
        Path sticky = Files.createDirectory(dir.resolve("sticky"));
        Files.setAttribute(sticky, "unix:mode", 01777);
        Path link = Files.createSymbolicLink(dir.resolve("link"), Path.of("file"));
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), Path.of("nowhere"));

        for (Path p : new Path[] {file, setuid, sticky, link, dangling, dir}) {
            assertThat(Attrs.read(p)).as("%s", p).isEqualTo(Attrs.readByName(p));
        }
        Attrs f = Attrs.read(file);
        assertThat(f.isRegularFile()).isTrue();
        assertThat(f.size()).isEqualTo(15);
        assertThat(f.mtimeNanos()).isEqualTo(1_709_210_096_123_456_789L);
        assertThat(Attrs.read(setuid).rawMode() & 07777).isEqualTo(04755);
        assertThat(Attrs.read(sticky).rawMode() & 07777).isEqualTo(01777);
        assertThat(Attrs.read(sticky).isDirectory()).isTrue();
        assertThat(Attrs.read(link).isSymlink()).isTrue();
        assertThat(Attrs.read(link).inode()).isNotEqualTo(f.inode());
    }

    @Test
    void aMissingPathIsNoSuchFileEitherWay() {
        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> Attrs.read(missing)).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> Attrs.readByName(missing)).isInstanceOf(NoSuchFileException.class);
    }
}
