package io.lifeboat.core.storage;

import java.util.Map;
import java.util.Objects;

/**
 * Where a repository lives: a URL split into scheme, container and prefix, with the
 * environment and options a backend reads its settings from.
 *
 * <p>{@code s3://bucket/some/prefix} has scheme {@code s3}, container {@code bucket} and
 * prefix {@code some/prefix}; {@code azure://container/prefix} likewise. Credentials are
 * never part of a location's text: backends take them from {@link #env} (and their SDKs'
 * standard sources), and {@link #toString} shows only the URL.
 *
 * @param url       the URL as given, without credentials
 * @param scheme    lower-case scheme, e.g. {@code s3}
 * @param container bucket or container name
 * @param prefix    key prefix inside the container, without leading or trailing '/'; may be empty
 * @param env       environment variables (a test passes its own)
 * @param options   backend options from the command line, e.g. {@code s3-endpoint}
 */
public record StoreLocation(String url, String scheme, String container, String prefix, Map<String, String> env,
                            Map<String, String> options) {
    public StoreLocation {
        Objects.requireNonNull(url, "url");
        env = Map.copyOf(env);
        options = Map.copyOf(options);
    }

    /**
     * Parses {@code scheme://container[/prefix]}.
     *
     * @throws IllegalArgumentException if the URL has no container, or userinfo (credentials do not belong in URLs)
     */
    public static StoreLocation parse(String url, Map<String, String> env, Map<String, String> options) {
        int sep = url.indexOf("://");
        if (sep <= 0) {
            throw new IllegalArgumentException("'" + url + "' is not a URL of the form scheme://container/prefix");
        }
        String scheme = url.substring(0, sep).toLowerCase(java.util.Locale.ROOT);
        String rest = url.substring(sep + 3);
        int slash = rest.indexOf('/');
        String container = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        while (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        if (container.contains("@")) {
            throw new IllegalArgumentException("repository URLs carry no credentials; give them through the environment"
                    + " (see docs/operations.md)");
        }
        if (container.isEmpty()) {
            throw new IllegalArgumentException("'" + scheme + "://" + rest + "' names no bucket or container");
        }
        if (prefix.startsWith("/") || prefix.contains("//")) {
            throw new IllegalArgumentException("repository prefix '" + prefix + "' has an empty path segment");
        }
        return new StoreLocation(scheme + "://" + container + (prefix.isEmpty() ? "" : "/" + prefix), scheme, container,
                prefix, env, options);
    }

    /** An environment variable, or null. */
    public String env(String name) {
        return env.get(name);
    }

    /** A command-line option, or null. */
    public String option(String name) {
        return options.get(name);
    }

    @Override
    public String toString() {
        return url;
    }
}
