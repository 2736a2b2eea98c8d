package io.lifeboat.s3;

import io.lifeboat.core.storage.StoreLocation;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.StorageClass;

/**
 * The settings of one {@code s3://bucket/prefix} store, read from its {@link StoreLocation}:
 * command-line options first, then the environment the location carries, then defaults.
 * Credentials are not settings: {@link S3Clients} reads them and nothing else keeps them.
 *
 * <table>
 *   <caption>Where each setting comes from</caption>
 *   <tr><th>setting</th><th>option</th><th>environment</th><th>default</th></tr>
 *   <tr><td>endpoint</td><td>{@code s3-endpoint}</td><td>{@code AWS_ENDPOINT_URL_S3}, {@code AWS_ENDPOINT_URL}</td><td>Amazon S3</td></tr>
 *   <tr><td>path-style addressing</td><td>{@code s3-path-style}</td><td></td><td>for an IP address or {@code localhost}</td></tr>
 *   <tr><td>region</td><td>{@code s3-region}</td><td>{@code AWS_REGION}, {@code AWS_DEFAULT_REGION}</td><td>the SDK's chain, else {@code us-east-1}</td></tr>
 *   <tr><td>Object Lock mode</td><td>{@code s3-lock-mode}</td><td>{@code LIFEBOAT_S3_LOCK_MODE}</td><td>{@code GOVERNANCE}</td></tr>
 *   <tr><td>storage class of data packs</td><td>{@code s3-data-storage-class}</td><td>{@code LIFEBOAT_S3_DATA_STORAGE_CLASS}</td><td>{@code STANDARD}</td></tr>
 *   <tr><td>time spent retrying one call</td><td>{@code s3-retry-time}</td><td>{@code LIFEBOAT_S3_RETRY_TIME}</td><td>5 minutes</td></tr>
 * </table>
 *
 * @param bucket           the bucket
 * @param prefix           key prefix without a trailing slash, may be empty
 * @param endpoint         a custom endpoint (an S3-compatible store), or null for Amazon S3
 * @param pathStyle        address the bucket in the path rather than the host name
 * @param region           the region, or null to ask the SDK's default chain
 * @param lockMode         the Object Lock mode of locked objects
 * @param dataStorageClass the storage class of {@code data/} objects (packs), or null for STANDARD
 * @param retryTime        how long one call may keep retrying before it fails
 */
record S3Settings(String bucket, String prefix, URI endpoint, boolean pathStyle, String region, ObjectLockMode lockMode,
                  StorageClass dataStorageClass, Duration retryTime) {

    static final Duration DEFAULT_RETRY_TIME = Duration.ofMinutes(5);

    /** Classes a pack can be read back from at once. Glacier Flexible Retrieval and Deep Archive need a restore first. */
    static final List<StorageClass> DATA_STORAGE_CLASSES = List.of(StorageClass.STANDARD, StorageClass.STANDARD_IA,
            StorageClass.ONEZONE_IA, StorageClass.INTELLIGENT_TIERING, StorageClass.GLACIER_IR);

    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    /**
     * Reads the settings of {@code location}.
     *
     * @throws IllegalArgumentException naming the setting that is malformed
     */
    static S3Settings from(StoreLocation location) {
        String bucket = location.container();
        if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
            throw new IllegalArgumentException("'" + bucket + "' is not a valid S3 bucket name (3 to 63 lower-case"
                    + " letters, digits, dots and hyphens, starting and ending with a letter or digit)");
        }
        URI endpoint = endpoint(location);
        return new S3Settings(bucket, location.prefix(), endpoint, pathStyle(location, endpoint), region(location),
                lockMode(location), dataStorageClass(location), retryTime(location));
    }

    /** The store's URL as people read it: {@code s3://bucket/prefix}, and the endpoint if it is not Amazon's. */
    String describe() {
        String url = "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
        return endpoint == null ? url : url + " (endpoint " + endpointText(endpoint) + ")";
    }

    /** The key of a blob. */
    String key(String name) {
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    /** The key prefix of all blobs: {@code prefix/}, or empty. */
    String keyPrefix() {
        return prefix.isEmpty() ? "" : prefix + "/";
    }

    /** The storage class of a blob, or null for the bucket's default (STANDARD). Only packs go colder. */
    StorageClass storageClass(String name) {
        return dataStorageClass != null && name.startsWith("data/") ? dataStorageClass : null;
    }

    // ---- reading each setting

    private static String setting(StoreLocation location, String option, String... envNames) {
        String value = location.option(option);
        for (int i = 0; (value == null || value.isBlank()) && i < envNames.length; i++) {
            value = location.env(envNames[i]);
        }
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static URI endpoint(StoreLocation location) {
        String text = setting(location, "s3-endpoint", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL");
        if (text == null) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the S3 endpoint is not a URL: " + e.getReason());
        }
        if (uri.getRawUserInfo() != null) {
            // Never echo it: the user part may be a key.
            throw new IllegalArgumentException("the S3 endpoint URL carries credentials; give them through"
                    + " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY instead (see docs/operations.md)");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("the S3 endpoint '" + text + "' is not an http:// or https:// URL"
                    + " with a host, e.g. http://127.0.0.1:9000");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("the S3 endpoint '" + text + "' has a query or fragment");
        }
        return uri;
    }

    /** {@code scheme://host[:port][/path]}: what describe() shows of an endpoint. */
    static String endpointText(URI endpoint) {
        String path = endpoint.getRawPath() == null || endpoint.getRawPath().equals("/") ? "" : endpoint.getRawPath();
        return endpoint.getScheme() + "://" + endpoint.getHost() + (endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort())
                + path;
    }

    private static boolean pathStyle(StoreLocation location, URI endpoint) {
        String option = setting(location, "s3-path-style");
        if (option != null) {
            return switch (option.toLowerCase(Locale.ROOT)) {
                case "true", "yes", "1" -> true;
                case "false", "no", "0" -> false;
                default -> throw new IllegalArgumentException("s3-path-style is true or false, not '" + option + "'");
            };
        }
        if (endpoint == null) {
            return false;
        }
        String host = endpoint.getHost();
        return host.equalsIgnoreCase("localhost") || host.startsWith("[") || IPV4.matcher(host).matches();
    }

    private static String region(StoreLocation location) {
        return setting(location, "s3-region", "AWS_REGION", "AWS_DEFAULT_REGION");
    }

    private static ObjectLockMode lockMode(StoreLocation location) {
        String text = setting(location, "s3-lock-mode", "LIFEBOAT_S3_LOCK_MODE");
        if (text == null) {
            return ObjectLockMode.GOVERNANCE;
        }
        return switch (text.toUpperCase(Locale.ROOT)) {
            case "GOVERNANCE" -> ObjectLockMode.GOVERNANCE;
            case "COMPLIANCE" -> ObjectLockMode.COMPLIANCE;
            default -> throw new IllegalArgumentException("the S3 Object Lock mode is GOVERNANCE or COMPLIANCE, not '"
                    + text + "'");
        };
    }

    private static StorageClass dataStorageClass(StoreLocation location) {
        String text = setting(location, "s3-data-storage-class", "LIFEBOAT_S3_DATA_STORAGE_CLASS");
        if (text == null) {
            return null;
        }
        StorageClass c = StorageClass.fromValue(text.toUpperCase(Locale.ROOT));
        if (c == StorageClass.GLACIER || c == StorageClass.DEEP_ARCHIVE) {
            throw new IllegalArgumentException("storage class " + c + " is not supported for data packs: objects in it"
                    + " must be restored before they can be read, which this version of Lifeboat does not do; use one of "
                    + DATA_STORAGE_CLASSES + " (GLACIER_IR reads at once)");
        }
        if (!DATA_STORAGE_CLASSES.contains(c)) {
            throw new IllegalArgumentException("unknown storage class '" + text + "' for data packs; use one of "
                    + DATA_STORAGE_CLASSES);
        }
        return c == StorageClass.STANDARD ? null : c;
    }

    private static Duration retryTime(StoreLocation location) {
        String text = setting(location, "s3-retry-time", "LIFEBOAT_S3_RETRY_TIME");
        return text == null ? DEFAULT_RETRY_TIME : parseDuration(text, "s3-retry-time");
    }

    /** {@code 90s}, {@code 5m}, {@code 1h}, {@code 500ms} or ISO-8601 ({@code PT5M}). */
    static Duration parseDuration(String text, String what) {
        var m = DURATION.matcher(text.toLowerCase(Locale.ROOT));
        Duration d;
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        } else {
            try {
                d = Duration.parse(text.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(what + " is a duration such as 90s, 5m or 1h, not '" + text + "'");
            }
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + " may not be negative: " + text);
        }
        return d;
    }
}
