package io.lifeboat.catalog;

import io.lifeboat.core.Id;
import io.lifeboat.core.Repository;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.TreeMap;

/**
 * A child JVM for {@link TwoProcessRegistrationTest}: opens the repository, says
 * {@code ready}, waits for a line on stdin (so that all children start at once), then
 * registers {@code count} versions of one model as fast as it can and prints each number.
 */
public final class RegisteringProcess {
    public static void main(String[] args) throws Exception {
        Path repoDir = Path.of(args[0]);
        String model = args[1];
        Id snapshot = Id.fromHex(args[2]);
        int count = Integer.parseInt(args[3]);
        try (Repository repo = TestRepos.open(repoDir)) {
            ModelRegistry registry = new ModelRegistry(repo, Clock.systemUTC(), "child-" + ProcessHandle.current().pid());
            System.out.println("ready");
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            for (int i = 0; i < count; i++) {
                ModelVersion v = registry.registerSnapshot(new ModelRegistry.Registration(model, new TreeMap<>(),
                        new TreeMap<>(), null, null, null), snapshot, null);
                System.out.println("registered " + v.version());
            }
        }
    }
}
