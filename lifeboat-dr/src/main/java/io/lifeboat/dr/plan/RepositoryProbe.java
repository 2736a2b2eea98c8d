package io.lifeboat.dr.plan;

import java.io.IOException;
import java.util.Map;

/**
 * Checks that a site's storage can hold its repositories, from this host: the probe {@link
 * PlanValidator#probe} runs for each site. Tests pass their own; {@link #storage} is the
 * real one.
 */
@FunctionalInterface
public interface RepositoryProbe {
    /**
     * Returns normally if the site's repositories can be opened or created.
     *
     * @throws IOException              if not, with a message for people saying why
     * @throws IllegalArgumentException if the site's URL or options are not usable here
     */
    void check(Site site) throws IOException;

    /**
     * The real probe. For a local repository, its directory must be a writable directory,
     * or, if it does not exist yet, its parent must. For any other, the backend of its scheme
     * opens the site's location without creating anything (so the bucket or container must
     * exist, and the credentials in {@code env} must be accepted) and lists it. Each call to
     * a backend retries for at most 20 seconds.
     *
     * @param env the environment backends read settings and credentials from
     */
    static RepositoryProbe storage(Map<String, String> env) {
        return new StorageProbe(env);
    }
}
