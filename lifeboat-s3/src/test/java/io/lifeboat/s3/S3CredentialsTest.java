package io.lifeboat.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.lifeboat.core.storage.BlobStore;
import io.lifeboat.core.storage.BlobStores;
import io.lifeboat.core.storage.StoreLocation;
import io.lifeboat.s3.FaultyHttpClient.Fault;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.SdkHttpMethod;

/**
 * Credentials never show: not in describe(), not in any exception's message or stack
 * trace, not in what the SDK logs even at TRACE, whether calls succeed, are refused for a
 * wrong key, or give up after retries.
 */
class S3CredentialsTest {
    static S3ProxyServer server;

    private final List<String> texts = new ArrayList<>();
    private final FakeTime time = new FakeTime();
    private ListAppender<ILoggingEvent> logs;
    private Level sdkLevel;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3ProxyServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void captureLogs() {
        Logger sdk = (Logger) LoggerFactory.getLogger("software.amazon.awssdk");
        sdkLevel = sdk.getLevel();
        sdk.setLevel(Level.TRACE);
        logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    }

    @AfterEach
    void stopCapture() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        ((Logger) LoggerFactory.getLogger("software.amazon.awssdk")).setLevel(sdkLevel);
    }

    private void record(Throwable t) {
        assertThat(t).isNotNull();
        StringWriter trace = new StringWriter();
        t.printStackTrace(new PrintWriter(trace));
        texts.add(String.valueOf(t.getMessage()));
        texts.add(trace.toString());
    }

    private List<String> logged() {
        List<String> out = new ArrayList<>();
        for (ILoggingEvent e : logs.list) {
            out.add(e.getFormattedMessage());
            if (e.getThrowableProxy() != null) {
                out.add(e.getThrowableProxy().getMessage());
            }
        }
        return out;
    }

    @Test
    void theSecretKeyShowsNowhere() throws Exception {
        String url = server.newRepositoryUrl();
        try (BlobStore store = BlobStores.open(url, server.env(), Map.of(), true, false)) {
            store.putIfAbsent("config", "c".getBytes(UTF_8));
            store.get("config");
            texts.add(store.describe());
            texts.add(store.toString());
            record(catchThrowable(() -> store.get("missing")));
            record(catchThrowable(() -> store.putIfAbsent("k", new byte[1], 0, 1, java.time.Instant.MAX)));
        }
        record(catchThrowable(() -> BlobStores.open(server.newRepositoryUrl(), server.env(), Map.of(), false, false)));
        record(catchThrowable(() -> BlobStores.open(server.newRepositoryUrl(), server.env(), Map.of(), true, true)));

        // A call that keeps failing gives up with a message built from the SDK's.
        StoreLocation at = StoreLocation.parse(url, server.env(), Map.of("s3-retry-time", "10s"));
        try (S3BlobStore store = S3BlobStore.open(at, false, false, S3BlobStore.Hooks.none().withTime(time, time::nanoTime)
                .withHttpClient(c -> new FaultyHttpClient(c)
                        .inject(Fault.RESET, SdkHttpMethod.GET, "config", Integer.MAX_VALUE)))) {
            record(catchThrowable(() -> store.get("config")));
        }

        assertThat(texts).noneMatch(t -> t.contains(server.secretKey()));
        assertThat(logged()).isNotEmpty().noneMatch(t -> t.contains(server.secretKey()));
    }

    @Test
    void aRefusedKeyIsNamedInNoMessage() {
        Map<String, String> env = new HashMap<>(server.env());
        String wrongSecret = "wrong-" + server.secretKey();
        env.put("AWS_SECRET_ACCESS_KEY", wrongSecret);

        Throwable refused = catchThrowable(() -> BlobStores.open(server.newRepositoryUrl(), env, Map.of(), true, false));

        record(refused);
        assertThat(refused).hasMessageContaining("403");
        assertThat(texts).noneMatch(t -> t.contains(wrongSecret) || t.contains(server.secretKey())
                || t.contains(server.accessKey()));
        assertThat(logged()).noneMatch(t -> t.contains(wrongSecret));
    }

    @Test
    void halfAKeyPairIsRefusedWithoutEchoingIt() {
        Throwable e = catchThrowable(() -> BlobStores.open(server.newRepositoryUrl(),
                Map.of("AWS_SECRET_ACCESS_KEY", server.secretKey(), "AWS_REGION", "us-east-1"),
                Map.of("s3-endpoint", server.endpoint().toString()), true, false));

        assertThat(e).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not")
                .hasMessageNotContaining(server.secretKey());
    }

    @Test
    void messagesMaskKeysAServerMightEcho() {
        S3Failures failures = new S3Failures(List.of("AKIAEXAMPLE", "s3cr3t-value"));

        assertThat(failures.redact("key AKIAEXAMPLE with s3cr3t-value")).isEqualTo("key *** with ***");
        assertThat(failures.summary(S3RetryTest.serviceError(403, "InvalidAccessKeyId",
                "The AWS Access Key Id AKIAEXAMPLE does not exist"))).doesNotContain("AKIAEXAMPLE");
    }
}
