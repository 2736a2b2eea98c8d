package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Source files for CLI tests, and byte-exact comparison of restored ones. */
final class TestFiles {
    static final int KIB = 1024;
    static final int MIB = 1024 * 1024;

    private TestFiles() {}

    /** Writes {@code size} random bytes (incompressible, distinct per call) to {@code file}. */
    static Path random(Path file, Random rnd, int size) throws IOException {
        byte[] data = new byte[size];
        rnd.nextBytes(data);
        Files.createDirectories(file.getParent());
        return Files.write(file, data);
    }

    /** Every regular file below {@code dir}, sorted. */
    static List<Path> regularFiles(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where a restore into {@code target} puts the file backed up from absolute path {@code source}. */
    static Path restored(Path target, Path source) {
        return target.resolve(source.toAbsolutePath().toString().substring(1));
    }

    /** Asserts that {@code restored} holds exactly the bytes of {@code source}. */
    static void assertSameBytes(Path source, Path restored) throws IOException {
        assertThat(restored).as("restored copy of %s", source).isRegularFile();
        assertThat(Files.mismatch(source, restored)).as("first differing byte of %s vs %s", restored, source).isEqualTo(-1L);
    }
}
