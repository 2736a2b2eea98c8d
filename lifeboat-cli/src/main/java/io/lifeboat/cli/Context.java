package io.lifeboat.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

/**
 * What a command may touch of the outside world: its streams, environment and clock. Tests
 * pass their own, so commands never read {@code System.*} or the system clock directly.
 *
 * @param interactive whether a person is at a terminal (prompts and progress bars allowed)
 * @param clock       the time commands record and compare against (catalog events, ages)
 */
public record Context(PrintStream out, PrintStream err, Map<String, String> env, InputStream in, boolean interactive,
                      Clock clock) {
    public String env(String name) {
        String v = env.get(name);
        return v == null || v.isEmpty() ? null : v;
    }
}
