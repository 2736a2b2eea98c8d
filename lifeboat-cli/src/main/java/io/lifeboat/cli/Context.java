package io.lifeboat.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;

/**
 * What a command may touch of the outside world: its streams and environment. Tests pass
 * their own, so commands never read {@code System.*} directly.
 *
 * @param interactive whether a person is at a terminal (prompts and progress bars allowed)
 */
public record Context(PrintStream out, PrintStream err, Map<String, String> env, InputStream in, boolean interactive) {
    public String env(String name) {
        String v = env.get(name);
        return v == null || v.isEmpty() ? null : v;
    }
}
