package io.lifeboat.dr;

import io.lifeboat.core.Repository;
import io.lifeboat.core.RepositoryNotFoundException;
import io.lifeboat.core.internal.crypto.KdfParams;
import io.lifeboat.core.retention.Within;
import io.lifeboat.core.storage.BlobStore;
import io.lifeboat.core.storage.BlobStores;
import io.lifeboat.dr.plan.Domains;
import io.lifeboat.dr.plan.Site;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;

/**
 * Opens the repositories of a plan's sites: one per residency domain below each site's
 * URL ({@link Domains}). Passphrases come from a {@link Passphrases} the caller supplies
 * (a site's {@code password-file}, or the usual sources); they are zeroed after use.
 */
public final class SiteAccess {
    /** Where a site's passphrase comes from. */
    @FunctionalInterface
    public interface Passphrases {
        /** A fresh array the caller may zero. */
        char[] of(Site site) throws IOException;
    }

    private final Map<String, String> env;
    private final Passphrases passphrases;
    private final KdfParams kdf;
    private final String hostname;
    private final String username;

    /**
     * @param env the environment (cloud credentials)
     * @param kdf key derivation settings for repositories this creates
     */
    public SiteAccess(Map<String, String> env, Passphrases passphrases, KdfParams kdf, String hostname, String username) {
        this.env = Map.copyOf(env);
        this.passphrases = passphrases;
        this.kdf = kdf;
        this.hostname = hostname;
        this.username = username;
    }

    public String hostname() {
        return hostname;
    }

    public String username() {
        return username;
    }

    /** The URL of a domain's repository at a site. */
    public static String url(Site site, String domain) {
        return Domains.repository(site.repository(), domain);
    }

    /**
     * The store of a domain's repository at a site, which may not hold a repository yet.
     *
     * @param create make the directory, bucket or container if it is missing
     * @throws RepositoryNotFoundException if it is missing and {@code create} is not set
     */
    public BlobStore store(Site site, String domain, boolean create, boolean retentionLocks) throws IOException {
        return BlobStores.open(url(site, domain), env, site.options(), create, retentionLocks);
    }

    /** Whether a domain's repository exists at a site. */
    public boolean exists(Site site, String domain) throws IOException {
        try (BlobStore store = store(site, domain, false, false)) {
            return Repository.exists(store);
        } catch (RepositoryNotFoundException e) {
            return false;
        }
    }

    /**
     * Opens a domain's repository at a site.
     *
     * @throws RepositoryNotFoundException if there is none
     */
    public Repository open(Site site, String domain) throws IOException {
        BlobStore store = store(site, domain, false, false);
        try {
            Repository.readConfig(store);
            char[] pass = passphrases.of(site);
            try {
                return Repository.open(store, pass);
            } finally {
                Arrays.fill(pass, '\0');
            }
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * Opens a domain's repository at a site, creating it first if there is none (the
     * primary's repositories are made on first use).
     *
     * @param lock the retention lock a new repository starts with, or null
     */
    public Repository openOrCreate(Site site, String domain, Within lock) throws IOException {
        if (exists(site, domain)) {
            return open(site, domain);
        }
        BlobStore store = store(site, domain, true, lock != null);
        char[] pass = passphrases.of(site);
        try {
            Repository.InitOptions options = Repository.InitOptions.defaults(hostname, username).withKdf(kdf);
            return Repository.init(store, pass, lock == null ? options : options.withRetentionLock(lock));
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        } finally {
            Arrays.fill(pass, '\0');
        }
    }
}
