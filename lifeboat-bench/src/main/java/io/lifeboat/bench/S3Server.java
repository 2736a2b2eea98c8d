package io.lifeboat.bench;

import java.net.URI;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;

/**
 * The replication benchmark's S3 server: S3Proxy with its in-memory backend, in the
 * driver's JVM, on a free port of 127.0.0.1, checking AWS signatures against a key pair
 * made up for the run. Clients (the measured processes) reach it over loopback.
 */
final class S3Server implements AutoCloseable {
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    private final S3Proxy proxy;
    private final String accessKey;
    private final String secretKey;
    private final URI endpoint;

    private S3Server(S3Proxy proxy, String accessKey, String secretKey, URI endpoint) {
        this.proxy = proxy;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.endpoint = endpoint;
    }

    static S3Server start() throws Exception {
        SecureRandom random = new SecureRandom();
        byte[] id = new byte[10];
        byte[] secret = new byte[20];
        random.nextBytes(id);
        random.nextBytes(secret);
        String accessKey = "LBBENCH" + HexFormat.of().formatHex(id).toUpperCase(Locale.ROOT);
        String secretKey = "secret-" + HexFormat.of().formatHex(secret);
        Properties properties = new Properties();
        properties.setProperty("jclouds.identity", accessKey);
        properties.setProperty("jclouds.credential", secretKey);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(org.gaul.s3proxy.BlobStores.create("transient", properties))
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
        return new S3Server(proxy, accessKey, secretKey, URI.create("http://127.0.0.1:" + proxy.getPort()));
    }

    /** {@code http://127.0.0.1:PORT}. */
    URI endpoint() {
        return endpoint;
    }

    /** A client's environment: the key pair, a region and the endpoint (for Lifeboat's S3 backend). */
    Map<String, String> env() {
        return Map.of("AWS_ACCESS_KEY_ID", accessKey, "AWS_SECRET_ACCESS_KEY", secretKey, "AWS_REGION", "us-east-1",
                "AWS_ENDPOINT_URL", endpoint.toString());
    }

    /** A bucket name not used yet in this run. */
    static String newBucketName() {
        return "lifeboat-bench-" + ProcessHandle.current().pid() + "-" + BUCKETS.incrementAndGet();
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
