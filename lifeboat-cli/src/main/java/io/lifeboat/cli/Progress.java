package io.lifeboat.cli;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A one-line progress display redrawn on a terminal twice a second. Shown only when a
 * person is at a terminal; otherwise it does nothing.
 */
final class Progress implements AutoCloseable {
    private final ScheduledExecutorService timer;
    private final PrintStream err;

    private Progress(PrintStream err, Supplier<String> line) {
        this.err = err;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lifeboat-progress");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(() -> err.print("\r\033[K" + line.get()), 500, 500, TimeUnit.MILLISECONDS);
    }

    static Progress start(Context ctx, boolean quiet, Supplier<String> line) {
        return ctx.interactive() && !quiet ? new Progress(ctx.err(), line) : null;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        err.print("\r\033[K");
        err.flush();
    }
}
