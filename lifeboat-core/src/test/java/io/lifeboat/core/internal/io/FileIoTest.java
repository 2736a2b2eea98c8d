package io.lifeboat.core.internal.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileIoTest {
    @TempDir
    Path dir;

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    void writesAndReadsManySlicesExactly() throws IOException {
        byte[] data = random(3 * FileIo.SLICE + 12345);
        Path file = dir.resolve("f");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            FileIo.writeFully(ch, data, 5, data.length - 5);
            FileIo.writeFully(ch, 1_000_000, data, 0, 5); // positional: past the end, leaving a hole
        }
        byte[] onDisk = Files.readAllBytes(file);
        assertThat(Arrays.copyOf(onDisk, data.length - 5)).isEqualTo(Arrays.copyOfRange(data, 5, data.length));
        assertThat(Arrays.copyOfRange(onDisk, 1_000_000, 1_000_005)).isEqualTo(Arrays.copyOf(data, 5));

        byte[] back = new byte[data.length + 10];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            FileIo.readFully(ch, 100, back, 10, data.length - 105, "test file");
        }
        assertThat(Arrays.copyOfRange(back, 10, 10 + data.length - 105)).isEqualTo(Arrays.copyOfRange(data, 105, data.length));
    }

    @Test
    void readFullyPastTheEndNamesWhatEnded() throws IOException {
        Path file = dir.resolve("short");
        Files.write(file, random(1000));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            assertThatThrownBy(() -> FileIo.readFully(ch, 900, new byte[200], 0, 200, "blob x"))
                    .isInstanceOf(EOFException.class).hasMessageContaining("blob x").hasMessageContaining("1000");
        }
    }

    @Test
    void readSomeMovesAtMostOneSlice() throws IOException {
        byte[] data = random(FileIo.SLICE * 2);
        var in = Channels.newChannel(new ByteArrayInputStream(data));
        byte[] b = new byte[data.length];
        int n = FileIo.readSome(in, b, 0, b.length);
        assertThat(n).isBetween(1, FileIo.SLICE);
        assertThat(Arrays.copyOf(b, n)).isEqualTo(Arrays.copyOf(data, n));
        int total = n;
        while (total < data.length) {
            total += FileIo.readSome(in, b, total, b.length - total);
        }
        assertThat(b).isEqualTo(data);
        assertThat(FileIo.readSome(in, b, 0, 1)).isEqualTo(-1);
    }
}
