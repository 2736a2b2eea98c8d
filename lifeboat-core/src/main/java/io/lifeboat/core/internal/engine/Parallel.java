package io.lifeboat.core.internal.engine;

import io.lifeboat.core.Repository;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs an I/O task for every item on a pool of threads and waits for all of them. */
final class Parallel {
    /** A task that may fail with an {@link IOException}. */
    @FunctionalInterface
    interface IoTask<T> {
        void run(T item) throws IOException;
    }

    private Parallel() {}

    /**
     * Runs {@code task} for each item on {@code threads} daemon threads named {@code name-N}.
     * Waits for every task; then rethrows the first {@link IOException} in item order.
     */
    static <T> void forEach(Collection<T> items, int threads, String name, IoTask<T> task) throws IOException {
        if (items.isEmpty()) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, items.size()), Repository.daemonThreads(name));
        try {
            List<Future<?>> futures = new ArrayList<>(items.size());
            for (T item : items) {
                futures.add(pool.submit(() -> {
                    task.run(item);
                    return null;
                }));
            }
            IOException first = null;
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof IOException io)) {
                        throw new IllegalStateException(name + " worker failed", e.getCause());
                    }
                    if (first == null) {
                        first = io;
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(name + " interrupted");
        } finally {
            pool.shutdownNow();
        }
    }
}
