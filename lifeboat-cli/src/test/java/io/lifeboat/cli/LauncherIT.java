package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, run for real: bin/lifeboat with the distribution that
 * {@code package} just built (failsafe runs this after packaging).
 */
class LauncherIT {
    private static final Path ROOT = Path.of(System.getProperty("lifeboat.distribution", "target")).toAbsolutePath()
            .getParent().getParent();

    @TempDir
    Path tmp;

    private record Run(int code, String output) {}

    private Run launch(String javaHome, String... args) throws IOException, InterruptedException {
        return launch(ROOT, true, javaHome, args);
    }

    private Run launch(Path root, boolean noBuild, String javaHome, String... args) throws IOException, InterruptedException {
        return launch(root, noBuild, javaHome, java.util.Map.of(), args);
    }

    private Run launch(Path root, boolean noBuild, String javaHome, java.util.Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of(root.resolve("bin/lifeboat").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (noBuild) {
            pb.environment().put("LIFEBOAT_NO_BUILD", "1"); // the distribution must already be there and fresh
        }
        if (javaHome != null) {
            pb.environment().put("JAVA_HOME", javaHome);
        }
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    @Test
    void quickstartRunsEndToEndThroughTheLauncher() throws Exception {
        Run r = launch(null, "quickstart", "--dir", tmp.resolve("qs").toString(), "--files", "500", "--tensor-mib", "8");
        assertThat(r.code()).as(r.output()).isZero();
        assertThat(r.output()).contains("RECOVERED").contains("RTO").contains("0 mismatches");
    }

    @Test
    void theLauncherSkipsAJdkOlderThan21() throws Exception {
        Path jdk17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
        Run r = launch(Files.isDirectory(jdk17) ? jdk17.toString() : "/nonexistent", "--version");
        assertThat(r.code()).as(r.output()).isZero();
        assertThat(r.output()).startsWith("lifeboat ");
    }

    @Test
    void aFreshCloneBuildsItsDistributionOnFirstUseAndNotAgain() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(ROOT.resolve(".git")), "needs a git checkout");
        Path clone = tmp.resolve("clone");
        Process git = new ProcessBuilder("git", "clone", "-q", "--depth", "1", "file://" + ROOT, clone.toString())
                .redirectErrorStream(true).start();
        String gitOut = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(git.waitFor()).as(gitOut).isZero();

        // The README's first command, exactly, on a fresh clone: builds, then runs the default workload.
        Run first = launch(clone, false, null, "quickstart", "--dir", tmp.resolve("qs-default").toString());
        assertThat(first.code()).as(first.output()).isZero();
        assertThat(first.output()).contains("building the distribution").contains("RECOVERED").contains("0 mismatches");

        Run second = launch(clone, false, null, "--version");
        assertThat(second.code()).as(second.output()).isZero();
        assertThat(second.output()).doesNotContain("building").startsWith("lifeboat ");

        // A change in core rebuilds once, although the CLI's own jar comes out unchanged;
        // a change in the benchmarks (not part of the distribution) rebuilds nothing.
        touchNow(clone.resolve("lifeboat-core/src/main/java/io/lifeboat/core/Id.java"));
        assertThat(launch(clone, false, null, "--version").output()).contains("building");
        assertThat(launch(clone, false, null, "--version").output()).doesNotContain("building");
        touchNow(clone.resolve("lifeboat-bench/pom.xml"));
        assertThat(launch(clone, false, null, "--version").output()).doesNotContain("building");

        // On JDK 25 and newer the launcher keeps a start-up cache recorded against the jars. A
        // build outside the launcher (mvnw verify) rewrites them; the JVM would then refuse the
        // cache at every start, so the launcher records it again instead.
        Path dist = clone.resolve("lifeboat-cli/target");
        List<Path> caches;
        try (var files = Files.list(dist)) {
            caches = files.filter(f -> f.getFileName().toString().endsWith(".aot")).toList();
        }
        if (!caches.isEmpty()) {
            java.util.Map<String, String> aotLog = java.util.Map.of("LIFEBOAT_JAVA_OPTS", "-Xlog:aot=warning");
            assertThat(launch(clone, false, null, aotLog, "--version").output()).doesNotContain("[aot]");
            java.nio.file.attribute.FileTime recorded = Files.getLastModifiedTime(caches.get(0));
            Files.setLastModifiedTime(dist.resolve("lifeboat-cli.jar"),
                    java.nio.file.attribute.FileTime.fromMillis(recorded.toMillis() + 2000));
            Run rerecord = launch(clone, false, null, aotLog, "--version");
            assertThat(rerecord.output()).contains("recording a start-up cache").doesNotContain("[aot]");
            assertThat(launch(clone, false, null, aotLog, "--version").output())
                    .doesNotContain("recording").doesNotContain("[aot]").startsWith("lifeboat ");
        }
    }

    private static void touchNow(Path p) throws IOException {
        Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.from(java.time.Instant.now().plusSeconds(5)));
    }
}
