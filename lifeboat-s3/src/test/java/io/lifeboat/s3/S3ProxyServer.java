package io.lifeboat.s3;

import java.net.URI;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;

/**
 * A real S3 server for tests: S3Proxy with its in-memory ("transient") backend, in this
 * JVM, on a free port of 127.0.0.1, checking AWS signatures against a key pair made up for
 * it. S3Proxy implements conditional writes ({@code If-None-Match}, also on multipart
 * completion), ranges and multipart uploads; it refuses S3 Object Lock (501).
 *
 * <pre>{@code
 * try (S3ProxyServer s3 = S3ProxyServer.start()) {
 *     BlobStore store = BlobStores.open(s3.newRepositoryUrl(), s3.env(), Map.of(), true, false);
 *     ...
 * }
 * }</pre>
 *
 * Other modules' tests reach it through the lifeboat-s3 test-jar.
 */
public final class S3ProxyServer implements AutoCloseable {
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    private final S3Proxy proxy;
    private final String accessKey;
    private final String secretKey;
    private final URI endpoint;

    private S3ProxyServer(S3Proxy proxy, String accessKey, String secretKey, URI endpoint) {
        this.proxy = proxy;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.endpoint = endpoint;
    }

    /** Starts a server with a fresh random key pair. */
    public static S3ProxyServer start() throws Exception {
        SecureRandom random = new SecureRandom();
        byte[] id = new byte[10];
        byte[] secret = new byte[20];
        random.nextBytes(id);
        random.nextBytes(secret);
        String accessKey = "LBTEST" + HexFormat.of().formatHex(id).toUpperCase(Locale.ROOT);
        String secretKey = "secret-" + HexFormat.of().formatHex(secret);

        Properties properties = new Properties();
        properties.setProperty("jclouds.identity", accessKey);
        properties.setProperty("jclouds.credential", secretKey);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(BlobStores.create("transient", properties))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .stopTimeout(0)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                proxy.stop();
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        return new S3ProxyServer(proxy, accessKey, secretKey, URI.create("http://127.0.0.1:" + proxy.getPort()));
    }

    /** {@code http://127.0.0.1:PORT}. */
    public URI endpoint() {
        return endpoint;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    /**
     * The environment of a client of this server: its key pair, a region and the
     * endpoint ({@code AWS_ENDPOINT_URL}), as a CLI test would pass to a child process.
     */
    public Map<String, String> env() {
        return Map.of("AWS_ACCESS_KEY_ID", accessKey,
                "AWS_SECRET_ACCESS_KEY", secretKey,
                "AWS_REGION", "us-east-1",
                "AWS_ENDPOINT_URL", endpoint.toString());
    }

    /** A name for a bucket no test has used yet in this JVM. */
    public static String newBucketName() {
        return "lifeboat-test-" + ProcessHandle.current().pid() + "-" + BUCKETS.incrementAndGet();
    }

    /** {@code s3://<new bucket>/repo}: a repository URL in a bucket that does not exist yet. */
    public String newRepositoryUrl() {
        return "s3://" + newBucketName() + "/repo";
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not stop", e);
        }
    }

    @Override
    public String toString() {
        return "S3ProxyServer[" + endpoint + "]";
    }
}
