package io.lifeboat.s3;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Adobe S3Mock, which implements S3 Object Lock (S3Proxy does not), run from its
 * executable jar in a child JVM: a Spring Boot application whose classpath would clash
 * with S3Proxy's in the tests' JVM. Plain HTTP on 127.0.0.1, files in a temporary
 * directory, stopped (and the directory removed) by {@link #close}. S3Mock checks no
 * signatures; any key pair will do.
 *
 * <p>Maven copies the jar to {@code target/s3mock/s3mock.jar} (see this module's pom) and
 * passes its path as the system property {@code lifeboat.s3mock.jar}.
 */
final class S3MockServer implements AutoCloseable {
    private static S3MockServer shared;

    private final Process process;
    private final Path root;
    private final URI endpoint;

    private S3MockServer(Process process, Path root, URI endpoint) {
        this.process = process;
        this.root = root;
        this.endpoint = endpoint;
    }

    /**
     * One server for all tests of this JVM (it takes seconds to start), stopped when the
     * JVM exits. Tests that share it use buckets of their own.
     */
    static synchronized S3MockServer shared() throws Exception {
        if (shared == null) {
            S3MockServer s = start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    s.close();
                } catch (IOException e) {
                    // the temporary directory stays behind
                }
            }, "s3mock-stop"));
            shared = s;
        }
        return shared;
    }

    static S3MockServer start() throws Exception {
        Path jar = Path.of(System.getProperty("lifeboat.s3mock.jar", "target/s3mock/s3mock.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no S3Mock jar at " + jar.toAbsolutePath() + ": run the tests through Maven,"
                    + " which copies it there");
        }
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) { // the free port may be taken before S3Mock binds it
            try {
                return start(jar, freePort());
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    private static S3MockServer start(Path jar, int port) throws IOException, InterruptedException {
        Path root = Files.createTempDirectory("lifeboat-s3mock");
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(),
                "--server.port=" + port,
                "--server.address=127.0.0.1",
                "--server.ssl.enabled=false",
                "--http.port=0",
                "--spring.main.banner-mode=off",
                "--logging.level.root=WARN");
        pb.environment().put("COM_ADOBE_TESTING_S3MOCK_STORE_ROOT", root.toString());
        pb.redirectErrorStream(true).redirectOutput(root.resolveSibling(root.getFileName() + ".log").toFile());
        Process process = pb.start();
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        S3MockServer server = new S3MockServer(process, root, endpoint);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!server.answers()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String log = Files.readString(root.resolveSibling(root.getFileName() + ".log"));
                server.close();
                throw new IOException("S3Mock did not start on port " + port + ":\n" + tail(log));
            }
            Thread.sleep(100);
        }
        return server;
    }

    private boolean answers() {
        try {
            HttpURLConnection c = (HttpURLConnection) endpoint.resolve("/favicon.ico").toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            try {
                return c.getResponseCode() == 200;
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String tail(String log) {
        List<String> lines = log.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    URI endpoint() {
        return endpoint;
    }

    /** A client environment: any key pair (S3Mock checks none), a region, the endpoint. */
    Map<String, String> env() {
        return Map.of("AWS_ACCESS_KEY_ID", "s3mock-access", "AWS_SECRET_ACCESS_KEY", "s3mock-secret",
                "AWS_REGION", "us-east-1", "AWS_ENDPOINT_URL", endpoint.toString());
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        Files.deleteIfExists(root.resolveSibling(root.getFileName() + ".log"));
    }
}
