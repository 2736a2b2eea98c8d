package io.lifeboat.dr.plan;

import io.lifeboat.core.storage.BlobStore;
import io.lifeboat.core.storage.BlobStores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** {@link RepositoryProbe#storage}: local directories, and the storage backends of this build. */
final class StorageProbe implements RepositoryProbe {
    /** Backend options that bound how long one call retries, so that validating a plan does not hang. */
    private static final Map<String, String> SHORT_RETRIES = Map.of("s3-retry-time", "20s", "azure-retry-seconds", "20");

    private final Map<String, String> env;

    StorageProbe(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public void check(Site site) throws IOException {
        String url = site.repository();
        if (BlobStores.isLocal(url)) {
            checkDirectory(BlobStores.localPath(url));
            return;
        }
        Map<String, String> options = new HashMap<>(SHORT_RETRIES);
        options.putAll(site.options());
        try (BlobStore store = BlobStores.open(url, env, options, false, false)) {
            store.list("config");
        }
    }

    private static void checkDirectory(Path dir) throws IOException {
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                throw new IOException(dir + " exists and is not a directory");
            }
            if (!Files.isWritable(dir)) {
                throw new IOException(dir + " is not writable");
            }
            return;
        }
        Path parent = dir.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new IOException("the directory " + parent + " does not exist, so " + dir + " cannot be created in it");
        }
        if (!Files.isWritable(parent)) {
            throw new IOException(dir + " does not exist and cannot be created: " + parent + " is not writable");
        }
    }
}
