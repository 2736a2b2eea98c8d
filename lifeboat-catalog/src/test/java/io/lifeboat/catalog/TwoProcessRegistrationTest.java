package io.lifeboat.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.Id;
import io.lifeboat.core.Repository;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two processes register versions of one model at the same moments: none is lost, none duplicated. */
class TwoProcessRegistrationTest {
    private static final int PER_PROCESS = 25;

    @TempDir
    Path tmp;

    @Test
    void twoProcessesRegisteringTogetherGetEveryNumberOnce() throws Exception {
        Path repoDir = tmp.resolve("repo");
        Id snapshot;
        try (Repository repo = TestRepos.create(repoDir)) {
            snapshot = TestRepos.backup(repo, TestRepos.write(tmp.resolve("m/w.bin"), "weights").getParent(), "fraud",
                    "model", Clock.systemUTC()).id();
        }
        List<Process> children = new ArrayList<>();
        List<BufferedReader> outputs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), RegisteringProcess.class.getName(), repoDir.toString(), "fraud",
                    snapshot.hex(), Integer.toString(PER_PROCESS)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            children.add(p);
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            outputs.add(out);
            assertThat(out.readLine()).isEqualTo("ready");
        }
        for (Process p : children) { // both are waiting: release them together
            OutputStream in = p.getOutputStream();
            in.write('\n');
            in.flush();
        }
        List<Integer> reported = new ArrayList<>();
        for (int i = 0; i < children.size(); i++) {
            for (String line; (line = outputs.get(i).readLine()) != null; ) {
                reported.add(Integer.parseInt(line.substring("registered ".length())));
            }
            assertThat(children.get(i).waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(children.get(i).exitValue()).isZero();
        }

        assertThat(reported).hasSize(2 * PER_PROCESS).doesNotHaveDuplicates();
        try (Repository repo = TestRepos.open(repoDir)) {
            RegistryView view = new ModelRegistry(repo, Clock.systemUTC(), "test").view();
            assertThat(view.problems()).isEmpty();
            assertThat(view.model("fraud").versions().keySet()).containsExactlyInAnyOrderElementsOf(reported);
        }
    }
}
