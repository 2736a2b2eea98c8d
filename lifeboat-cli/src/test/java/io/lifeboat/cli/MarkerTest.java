package io.lifeboat.cli;

import static io.lifeboat.cli.TestFiles.MIB;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing the user backs up reaches the storage in plaintext: not file contents, not file
 * or directory names, not tags or asset names. A distinctive marker is planted in all of
 * them, and every byte of every file of the repository is searched for it.
 */
class MarkerTest {
    private static final String MARKER = "LIFEBOAT-SECRET-MARKER-7f3a9c";

    @TempDir
    Path tmp;

    @Test
    void theMarkerAppearsNowhereInTheRepository() throws IOException {
        Cli cli = new Cli(tmp).init();
        Path src = tmp.resolve("src");
        Path dir = Files.createDirectories(src.resolve("dir-" + MARKER));
        Files.writeString(dir.resolve("notes.txt"), (MARKER + "\n").repeat(5000));
        Files.writeString(src.resolve("file-" + MARKER + ".txt"), "the name is the secret\n");
        Files.write(src.resolve("weights.bin"), randomWithMarkers(new Random(3), 2 * MIB + 12345));
        Files.write(src.resolve("utf16.txt"), (MARKER + " ").repeat(100).getBytes(StandardCharsets.UTF_16LE));

        cli.ok("backup", "--tag", "owner=" + MARKER, "--asset", "asset-" + MARKER, src.toString());

        Path restored = tmp.resolve("restored");
        cli.ok("restore", "latest", "--target", restored.toString());
        List<Path> sources = TestFiles.regularFiles(src);
        for (Path f : sources) { // the data really is in the repository
            TestFiles.assertSameBytes(f, TestFiles.restored(restored, f));
        }
        assertThat(cli.ok("snapshots", "--json").out()).contains("owner").contains(MARKER);

        List<byte[]> needles = needles();
        assertThat(contains(Files.readAllBytes(dir.resolve("notes.txt")), needles)).as("scanner self-test").isTrue();
        assertThat(contains(Files.readAllBytes(src.resolve("utf16.txt")), needles)).as("scanner self-test").isTrue();
        List<Path> repoFiles = TestFiles.regularFiles(cli.repo);
        assertThat(repoFiles).hasSizeGreaterThan(4);
        for (Path f : repoFiles) {
            assertThat(cli.repo.relativize(f).toString().toLowerCase(Locale.ROOT)).doesNotContain(MARKER.toLowerCase(Locale.ROOT));
            assertThat(contains(Files.readAllBytes(f), needles)).as("marker in %s", f).isFalse();
        }

        long sourceBytes = 0;
        for (Path f : sources) {
            sourceBytes += Files.size(f);
        }
        long repoBytes = 0;
        for (Path f : repoFiles) {
            repoBytes += Files.size(f);
            assertThat(Files.size(f)).as("size of %s", f).isLessThanOrEqualTo(sourceBytes + 16 * 1024);
        }
        // Everything is stored once: the data (compressed where it pays) plus small metadata.
        assertThat(repoBytes).isLessThanOrEqualTo(sourceBytes + 64 * 1024);
    }

    /** The marker in UTF-8 and UTF-16LE, as planted and lower-cased. */
    private static List<byte[]> needles() {
        List<byte[]> out = new ArrayList<>();
        for (String s : List.of(MARKER, MARKER.toLowerCase(Locale.ROOT))) {
            for (Charset cs : List.of(StandardCharsets.UTF_8, StandardCharsets.UTF_16LE)) {
                out.add(s.getBytes(cs));
            }
        }
        return out;
    }

    private static byte[] randomWithMarkers(Random rnd, int size) {
        byte[] data = new byte[size];
        rnd.nextBytes(data);
        byte[] m = MARKER.getBytes(StandardCharsets.UTF_8);
        for (int at : new int[] {0, 1000, size / 3, size / 2, size - m.length}) {
            System.arraycopy(m, 0, data, at, m.length);
        }
        return data;
    }

    private static boolean contains(byte[] haystack, List<byte[]> needles) {
        for (byte[] needle : needles) {
            if (indexOf(haystack, needle) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
