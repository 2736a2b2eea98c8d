package io.lifeboat.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs {@code lifeboat} commands in-process against one repository, as a user would with
 * LIFEBOAT_REPO and LIFEBOAT_PASSWORD_FILE set. Key derivation uses cheap test settings.
 */
final class Cli {
    final Path repo;
    final Path passwordFile;
    final Map<String, String> env = new HashMap<>();
    /** The time commands see; tests that need steps in time set a {@code ManualClock}. */
    java.time.Clock clock = java.time.Clock.systemUTC();

    /** One command's outcome. */
    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    Cli(Path dir) throws IOException {
        this.repo = dir.resolve("repo");
        this.passwordFile = dir.resolve("password");
        Files.writeString(passwordFile, "correct horse battery staple\n");
        env.put("LIFEBOAT_REPO", repo.toString());
        env.put("LIFEBOAT_PASSWORD_FILE", passwordFile.toString());
    }

    /** Creates the repository with cheap key derivation. */
    Cli init(String... extra) {
        List<String> args = new ArrayList<>(List.of("init", "--kdf-memory", "1", "--kdf-iterations", "1"));
        args.addAll(List.of(extra));
        Result r = run(args.toArray(String[]::new));
        if (r.code() != 0) {
            throw new AssertionError("init failed: " + r);
        }
        return this;
    }

    Result run(String... args) {
        return run(new ByteArrayInputStream(new byte[0]), args);
    }

    Result run(InputStream stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.run(o, e, Map.copyOf(env), stdin, false, clock, args);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Runs a command that must succeed. */
    Result ok(String... args) {
        Result r = run(args);
        if (r.code() != 0) {
            throw new AssertionError("lifeboat " + String.join(" ", args) + " failed: " + r);
        }
        return r;
    }

    /** Runs {@code lifeboat} in a separate JVM (the test's own classpath), for crash and concurrency tests. */
    ProcessBuilder process(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.lifeboat.cli.Main");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        pb.environment().put("LC_ALL", "C.UTF-8");
        return pb;
    }
}
