package io.lifeboat.cli;

import static io.lifeboat.cli.TestFiles.KIB;
import static io.lifeboat.cli.TestFiles.MIB;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code backup} processes write into one repository at the same time, without any
 * lock: both succeed, both snapshots are listed, the repository checks clean down to
 * every byte, and each snapshot restores exactly its own source. The two sources share
 * some identical files, so both writers store (or dedup) the same chunks concurrently.
 */
class ConcurrentBackupTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void twoBackupProcessesAtOnceBothSucceedAndBothRestoreExactly() throws Exception {
        Cli cli = new Cli(tmp).init("--pack-size", "1");
        Path a = tmp.resolve("source-a");
        Path b = tmp.resolve("source-b");
        Random rnd = new Random(42);
        for (Path dir : List.of(a, b)) {
            for (int i = 0; i < 3; i++) {
                TestFiles.random(dir.resolve("own-" + i + ".bin"), rnd, MIB + rnd.nextInt(MIB));
            }
            for (int i = 0; i < 8; i++) {
                TestFiles.random(dir.resolve("small/own-" + i + ".bin"), rnd, 1 + rnd.nextInt(64 * KIB));
            }
        }
        for (int i = 0; i < 3; i++) {
            Path shared = TestFiles.random(a.resolve("shared/same-" + i + ".bin"), rnd, 512 * KIB + rnd.nextInt(2 * MIB));
            Files.createDirectories(b.resolve("shared"));
            Files.copy(shared, b.resolve("shared/same-" + i + ".bin"));
        }

        Process pa = start(cli, a, "a");
        Process pb = start(cli, b, "b");
        boolean doneA = pa.waitFor(3, TimeUnit.MINUTES);
        boolean doneB = pb.waitFor(3, TimeUnit.MINUTES);
        if (!doneA || !doneB) {
            pa.destroyForcibly();
            pb.destroyForcibly();
        }
        assertThat(doneA && doneB).as("both backups finished in time").isTrue();
        assertThat(pa.exitValue()).as(output("a")).isZero();
        assertThat(pb.exitValue()).as(output("b")).isZero();

        JsonNode snapshots = JSON.readTree(cli.ok("snapshots", "--json").out());
        assertThat(snapshots).hasSize(2);
        Map<String, String> idByPath = new HashMap<>();
        snapshots.forEach(s -> idByPath.put(s.get("paths").get(0).asText(), s.get("id").asText()));
        assertThat(idByPath).containsOnlyKeys(a.toString(), b.toString());

        Cli.Result check = cli.run("check", "--read-data");
        assertThat(check.code()).as(check.toString()).isEqualTo(ExitCodes.OK);

        for (Path source : List.of(a, b)) {
            Path target = tmp.resolve("restore-" + source.getFileName());
            cli.ok("restore", idByPath.get(source.toString()), "--target", target.toString());
            List<Path> files = TestFiles.regularFiles(source);
            assertThat(TestFiles.regularFiles(target)).hasSameSizeAs(files);
            for (Path f : files) {
                TestFiles.assertSameBytes(f, TestFiles.restored(target, f));
            }
        }
    }

    private Process start(Cli cli, Path source, String name) throws IOException {
        return cli.process("backup", source.toString())
                .redirectOutput(tmp.resolve(name + ".out").toFile())
                .redirectError(tmp.resolve(name + ".err").toFile())
                .start();
    }

    private String output(String name) throws IOException {
        return "backup " + name + ":\n" + Files.readString(tmp.resolve(name + ".out"))
                + Files.readString(tmp.resolve(name + ".err"));
    }

    /**
     * Proves the overlap the test above can only make likely: each process backs up a
     * stream, and gets the second half of it only after both have consumed the first half,
     * so both are provably in the middle of writing packs at the same time.
     */
    @Test
    void twoWritersProvablyInFlightTogetherBothSucceed() throws Exception {
        Cli cli = new Cli(tmp).init("--pack-size", "1");
        java.util.Random random = new java.util.Random(99);
        byte[][] streams = new byte[2][12 << 20];
        random.nextBytes(streams[0]);
        random.nextBytes(streams[1]);
        System.arraycopy(streams[0], 0, streams[1], 0, 2 << 20); // some shared content too
        Process[] p = new Process[2];
        for (int i = 0; i < 2; i++) {
            p[i] = cli.process("backup", "--stdin", "--stdin-filename", "stream" + i, "--json")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        }
        int half = 6 << 20;
        for (int i = 0; i < 2; i++) {
            p[i].getOutputStream().write(streams[i], 0, half);
            p[i].getOutputStream().flush();
        }
        // A pipe holds 64 KiB: both processes have read almost all of their first half, so
        // both are now between opening the repository and writing their snapshot.
        for (int i = 0; i < 2; i++) {
            p[i].getOutputStream().write(streams[i], half, streams[i].length - half);
            p[i].getOutputStream().close();
        }
        for (int i = 0; i < 2; i++) {
            String out = new String(p[i].getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(p[i].waitFor(5, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
            assertThat(p[i].exitValue()).as(out).isZero();
        }
        assertThat(cli.run("check", "--read-data").code()).isZero();
        for (int i = 0; i < 2; i++) {
            Path target = tmp.resolve("out" + i);
            String id = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(cli.ok("snapshots", "--json", "--path", "/stream" + i).out()).get(0).get("id").asText();
            cli.ok("restore", id, "--target", target.toString());
            assertThat(java.nio.file.Files.readAllBytes(target.resolve("stream" + i))).isEqualTo(streams[i]);
        }
    }
}
