package io.lifeboat.core.storage;

import io.lifeboat.core.RepositoryNotFoundException;
import io.lifeboat.core.storage.local.LocalBlobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;

/** Opens a store from a repository URL: a local path, {@code file:}, or a scheme a {@link BlobStoreProvider} serves. */
public final class BlobStores {
    private BlobStores() {}

    /** Whether {@code url} names a local path ({@code /x}, {@code x}, {@code file:/x}) rather than {@code scheme://}. */
    public static boolean isLocal(String url) {
        return url.startsWith("file:") || !url.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*");
    }

    /** The local path of a local URL. */
    public static Path localPath(String url) {
        String path = url.startsWith("file:") ? url.substring("file:".length()) : url;
        if (path.startsWith("//")) {
            path = path.substring(1); // file:///x -> //x -> /x
        }
        if (path.isEmpty()) {
            throw new IllegalArgumentException("empty repository path");
        }
        return Path.of(path).toAbsolutePath().normalize();
    }

    /**
     * Opens the store at {@code url}.
     *
     * @param create         make the directory, bucket or container if it does not exist
     * @param retentionLocks the repository locks objects (see {@link BlobStoreProvider#open})
     * @throws RepositoryNotFoundException if it does not exist and {@code create} is not set
     * @throws IllegalArgumentException if the URL is malformed or no backend serves its scheme
     */
    public static BlobStore open(String url, Map<String, String> env, Map<String, String> options, boolean create,
                                 boolean retentionLocks) throws IOException {
        if (isLocal(url)) {
            Path path = localPath(url);
            if (create) {
                if (Files.exists(path) && !Files.isDirectory(path)) {
                    throw new IllegalArgumentException(path + " exists and is not a directory");
                }
                return LocalBlobStore.create(path);
            }
            if (!Files.isDirectory(path)) {
                throw new RepositoryNotFoundException("no Lifeboat repository at " + path
                        + (Files.exists(path) ? " (not a directory)" : " (no such directory)"));
            }
            return new LocalBlobStore(path);
        }
        StoreLocation location = StoreLocation.parse(url, env, options);
        TreeSet<String> known = new TreeSet<>();
        for (BlobStoreProvider p : ServiceLoader.load(BlobStoreProvider.class)) {
            if (p.scheme().equals(location.scheme())) {
                return p.open(location, create, retentionLocks);
            }
            known.add(p.scheme() + "://");
        }
        throw new IllegalArgumentException("no storage backend for " + location.scheme() + ":// in this build (known: "
                + (known.isEmpty() ? "local paths only" : "local paths, " + String.join(", ", known)) + ")");
    }
}
