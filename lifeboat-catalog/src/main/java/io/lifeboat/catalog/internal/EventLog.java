package io.lifeboat.catalog.internal;

import io.lifeboat.catalog.CatalogEvent;
import io.lifeboat.core.Id;
import io.lifeboat.core.IntegrityException;
import io.lifeboat.core.Repository;
import io.lifeboat.core.storage.BlobStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * The catalog's storage in a repository: events under {@code catalog/} (sealed like every
 * object and named by the hash of their bytes) and version claims under {@code claims/}.
 *
 * <p>A claim is how two writers agree on version numbers without a lock: the first
 * {@code putIfAbsent} of the claim for {@code (model, version)} wins. A claim's bytes are a
 * keyed hash of the pair, so its name, the SHA-256 of those bytes, is the same for every
 * writer, says nothing about the model to someone without the key, and can be verified
 * like every other object's (a replica checks that the name is the hash of the content).
 */
public final class EventLog {
    public static final String EVENTS = Repository.CATALOG;
    public static final String CLAIMS = Repository.CLAIMS;
    private static final int LOADERS = 8;

    private final Repository repo;

    public EventLog(Repository repo) {
        this.repo = repo;
    }

    /** Stores an event and returns it with its id. */
    public CatalogEvent append(CatalogEvent e) throws IOException {
        return e.withId(repo.saveObject(EVENTS, EventJson.encode(e)));
    }

    /**
     * Every readable event, oldest first (by time, then id). An event that cannot be read
     * is handed to {@code unreadable} and skipped.
     */
    public List<CatalogEvent> events(Consumer<String> unreadable) throws IOException {
        List<Id> ids = repo.listObjects(EVENTS);
        List<CatalogEvent> out = Collections.synchronizedList(new ArrayList<>(ids.size()));
        if (!ids.isEmpty()) {
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(LOADERS, ids.size()),
                    Repository.daemonThreads("lifeboat-catalog"));
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (Id id : ids) {
                    futures.add(pool.submit(() -> {
                        load(id, out, unreadable);
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    await(f);
                }
            } finally {
                pool.shutdownNow();
            }
        }
        List<CatalogEvent> sorted = new ArrayList<>(out);
        sorted.sort(Comparator.comparing(CatalogEvent::time).thenComparing(e -> e.id().hex()));
        return sorted;
    }

    private void load(Id id, List<CatalogEvent> out, Consumer<String> unreadable) throws IOException {
        String name = EVENTS + "/" + id.hex();
        try {
            out.add(EventJson.decode(id, repo.loadObject(EVENTS, id)));
        } catch (EventJson.UnreadableEventException e) {
            synchronized (unreadable) {
                unreadable.accept(name + ": " + e.getMessage());
            }
        } catch (IntegrityException e) {
            if (!(e.getCause() instanceof io.lifeboat.core.storage.NoSuchBlobException)) {
                synchronized (unreadable) {
                    unreadable.accept(e.getMessage());
                }
            }
        }
    }

    private static void await(Future<?> f) throws IOException {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while reading the catalog");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(e.getCause());
        }
    }

    /**
     * Claims version {@code version} of {@code model}.
     *
     * @return true if this call claimed it, false if some writer (this one included, in an
     *         earlier call) holds it
     */
    public boolean claim(String model, int version) throws IOException {
        byte[] content = claimContent(model, version);
        BlobStore store = repo.store();
        return store.putIfAbsent(claimName(content), content, 0, content.length, repo.retainUntil());
    }

    /** Whether version {@code version} of {@code model} is claimed. */
    public boolean claimed(String model, int version) throws IOException {
        try {
            repo.store().stat(claimName(claimContent(model, version)));
            return true;
        } catch (io.lifeboat.core.storage.NoSuchBlobException e) {
            return false;
        }
    }

    private byte[] claimContent(String model, int version) {
        byte[] text = ("lifeboat.catalog.claim.v1\0" + model + "\0" + version).getBytes(StandardCharsets.UTF_8);
        return repo.hasher().hash(text).bytes();
    }

    private static String claimName(byte[] content) {
        return CLAIMS + "/" + Id.sha256(content).hex();
    }
}
