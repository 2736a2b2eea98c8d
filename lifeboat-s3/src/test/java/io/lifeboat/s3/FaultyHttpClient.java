package io.lifeboat.s3;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * Wraps the real HTTP client and breaks chosen requests the way networks and S3 do: an
 * answer of 503 SlowDown or 500 InternalError, a 301 for a bucket in another region, a connection reset before the request is
 * sent, a lost acknowledgement (the request reaches the server and takes effect, then the
 * connection resets before the answer arrives), or a body cut short. Everything below it
 * (the SDK's signing, parsing and exceptions) and above it (the store) is the real code.
 */
final class FaultyHttpClient implements SdkHttpClient {
    enum Fault { SLOW_DOWN, INTERNAL_ERROR, RESET, LOST_ACK, TRUNCATE, MOVED_TO_EU_WEST_2 }

    private record Rule(Fault fault, SdkHttpMethod method, String path, String query, AtomicInteger remaining) {
        boolean matches(SdkHttpRequest r) {
            if (r.method() != method || !r.encodedPath().endsWith(path)) {
                return false;
            }
            if (query == null) {
                return true;
            }
            int eq = query.indexOf('=');
            return eq < 0 ? r.rawQueryParameters().containsKey(query)
                    : r.firstMatchingRawQueryParameter(query.substring(0, eq)).filter(query.substring(eq + 1)::equals)
                            .isPresent();
        }
    }

    private final SdkHttpClient delegate;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final AtomicInteger injected = new AtomicInteger();

    FaultyHttpClient(SdkHttpClient delegate) {
        this.delegate = delegate;
    }

    /**
     * Breaks the next {@code times} requests of {@code method} whose path ends with
     * {@code path} and that have query parameter {@code query} ({@code name} or
     * {@code name=value}; null for any).
     */
    FaultyHttpClient inject(Fault fault, SdkHttpMethod method, String path, String query, int times) {
        rules.add(new Rule(fault, method, path, query, new AtomicInteger(times)));
        return this;
    }

    FaultyHttpClient inject(Fault fault, SdkHttpMethod method, String path, int times) {
        return inject(fault, method, path, null, times);
    }

    /** How many faults were injected so far. */
    int injected() {
        return injected.get();
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        for (Rule rule : rules) {
            if (rule.matches(request.httpRequest()) && rule.remaining().getAndDecrement() > 0) {
                injected.incrementAndGet();
                return faulty(rule.fault(), request);
            }
        }
        return delegate.prepareRequest(request);
    }

    private ExecutableHttpRequest faulty(Fault fault, HttpExecuteRequest request) {
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws IOException {
                return switch (fault) {
                    case SLOW_DOWN -> error(503, "SlowDown", "Please reduce your request rate.");
                    case INTERNAL_ERROR -> error(500, "InternalError", "We encountered an internal error. Please try again.");
                    case RESET -> throw new SocketException("Connection reset");
                    case LOST_ACK -> {
                        HttpExecuteResponse answer = delegate.prepareRequest(request).call();
                        if (answer.responseBody().isPresent()) {
                            answer.responseBody().get().close();
                        }
                        throw new SocketException("Connection reset");
                    }
                    case TRUNCATE -> truncated(delegate.prepareRequest(request).call());
                    case MOVED_TO_EU_WEST_2 -> HttpExecuteResponse.builder()
                            .response(SdkHttpResponse.builder().statusCode(301)
                                    .putHeader("x-amz-bucket-region", "eu-west-2").build())
                            .build();
                };
            }

            @Override
            public void abort() {}
        };
    }

    private static HttpExecuteResponse error(int status, String code, String message) {
        byte[] xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + message
                + "</Message><RequestId>FAULT</RequestId></Error>").getBytes(UTF_8);
        return HttpExecuteResponse.builder()
                .response(SdkHttpResponse.builder().statusCode(status)
                        .putHeader("Content-Type", "application/xml")
                        .putHeader("Content-Length", String.valueOf(xml.length))
                        .putHeader("x-amz-request-id", "FAULT")
                        .build())
                .responseBody(AbortableInputStream.create(new ByteArrayInputStream(xml)))
                .build();
    }

    /** The answer with its body cut after half of it, as when a connection drops mid-transfer. */
    private static HttpExecuteResponse truncated(HttpExecuteResponse answer) {
        if (answer.responseBody().isEmpty()) {
            return answer;
        }
        AbortableInputStream body = answer.responseBody().get();
        long length = answer.httpResponse().firstMatchingHeader("Content-Length").map(Long::parseLong).orElse(2L);
        InputStream cut = new FilterInputStream(body) {
            long left = length / 2;

            @Override
            public int read() throws IOException {
                return left-- > 0 ? super.read() : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = super.read(b, off, (int) Math.min(len, left));
                left -= Math.max(n, 0);
                return n;
            }
        };
        return HttpExecuteResponse.builder().response(answer.httpResponse())
                .responseBody(AbortableInputStream.create(cut, body)).build();
    }

    @Override
    public String clientName() {
        return "Faulty" + delegate.clientName();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
