package io.lifeboat.azure;

import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Injects HTTP-level faults into the SDK's pipeline, by rule: answer with an error status
 * (as a throttled or failing service would), fail with a connection reset before the
 * request is sent, or after it was carried out (a lost answer), or add headers to the real
 * answer (to play a service feature the emulator lacks). Each rule applies to the requests
 * it matches, a given number of times. Thread-safe.
 */
final class FaultPolicy implements HttpPipelinePolicy {
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final AtomicInteger injected = new AtomicInteger();

    /** What a rule does to a matching request. */
    enum Action { RESPOND, RESET_BEFORE, RESET_AFTER, ADD_HEADERS, THROW }

    private record Rule(Predicate<HttpRequest> when, Action action, int status, String code, Map<String, String> headers,
                        AtomicInteger remaining, Function<HttpRequest, RuntimeException> error) {
        Rule(Predicate<HttpRequest> when, Action action, int status, String code, Map<String, String> headers,
             AtomicInteger remaining) {
            this(when, action, status, code, headers, remaining, null);
        }
    }

    /** Answers {@code times} matching requests with {@code status} and Azure error {@code code}, plus {@code headers}. */
    FaultPolicy respond(Predicate<HttpRequest> when, int times, int status, String code, Map<String, String> headers) {
        rules.add(new Rule(when, Action.RESPOND, status, code, headers, new AtomicInteger(times)));
        return this;
    }

    FaultPolicy respond(Predicate<HttpRequest> when, int times, int status, String code) {
        return respond(when, times, status, code, Map.of());
    }

    /** Fails {@code times} matching requests with a connection reset, before or after they reach the service. */
    FaultPolicy reset(Predicate<HttpRequest> when, int times, boolean afterSending) {
        rules.add(new Rule(when, afterSending ? Action.RESET_AFTER : Action.RESET_BEFORE, 0, null, Map.of(),
                new AtomicInteger(times)));
        return this;
    }

    /** Fails {@code times} matching requests, before sending, with the exception {@code error} makes of the request. */
    FaultPolicy fail(Predicate<HttpRequest> when, int times, Function<HttpRequest, RuntimeException> error) {
        rules.add(new Rule(when, Action.THROW, 0, null, Map.of(), new AtomicInteger(times), error));
        return this;
    }

    /** Adds {@code headers} to the real answers of matching requests. */
    FaultPolicy addHeaders(Predicate<HttpRequest> when, Map<String, String> headers) {
        rules.add(new Rule(when, Action.ADD_HEADERS, 0, null, headers, new AtomicInteger(Integer.MAX_VALUE)));
        return this;
    }

    int injected() {
        return injected.get();
    }

    // ---- request matchers

    static Predicate<HttpRequest> method(String method) {
        return r -> r.getHttpMethod().name().equals(method);
    }

    static Predicate<HttpRequest> query(String param) {
        return r -> {
            String q = r.getUrl().getQuery();
            return q != null && ("&" + q + "&").contains("&" + param + "&");
        };
    }

    /** Put Blob (a whole blob in one request). */
    static Predicate<HttpRequest> putBlob() {
        return method("PUT").and(r -> r.getUrl().getQuery() == null || !r.getUrl().getQuery().contains("comp="))
                .and(r -> r.getUrl().getQuery() == null || !r.getUrl().getQuery().contains("restype="));
    }

    /** Get Container Properties. */
    static Predicate<HttpRequest> containerProperties() {
        return method("GET").and(query("restype=container"))
                .and(r -> !r.getUrl().getQuery().contains("comp="));
    }

    // ----

    private Rule match(HttpRequest request) {
        for (Rule rule : rules) {
            if (rule.when.test(request) && (rule.action == Action.ADD_HEADERS || rule.remaining.getAndDecrement() > 0)) {
                return rule;
            }
        }
        return null;
    }

    @Override
    public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
        HttpRequest request = context.getHttpRequest();
        Rule rule = match(request);
        if (rule == null) {
            return next.processSync();
        }
        switch (rule.action) {
            case RESPOND -> {
                injected.incrementAndGet();
                return new Synthetic(request, rule.status, rule.code, rule.headers);
            }
            case RESET_BEFORE -> {
                injected.incrementAndGet();
                throw reset();
            }
            case THROW -> {
                injected.incrementAndGet();
                throw rule.error.apply(request);
            }
            case RESET_AFTER -> {
                next.processSync().close();
                injected.incrementAndGet();
                throw reset();
            }
            default -> {
                return new WithHeaders(next.processSync(), rule.headers);
            }
        }
    }

    @Override
    public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        HttpRequest request = context.getHttpRequest();
        Rule rule = match(request);
        if (rule == null) {
            return next.process();
        }
        return switch (rule.action) {
            case RESPOND -> {
                injected.incrementAndGet();
                yield Mono.just(new Synthetic(request, rule.status, rule.code, rule.headers));
            }
            case RESET_BEFORE -> {
                injected.incrementAndGet();
                yield Mono.error(reset());
            }
            case THROW -> {
                injected.incrementAndGet();
                yield Mono.error(rule.error.apply(request));
            }
            case RESET_AFTER -> next.process().flatMap(r -> {
                r.close();
                injected.incrementAndGet();
                return Mono.error(reset());
            });
            default -> next.process().map(r -> new WithHeaders(r, rule.headers));
        };
    }

    private static UncheckedIOException reset() {
        return new UncheckedIOException(new SocketException("Connection reset (injected)"));
    }

    /** An error answer as Azure sends one: status, x-ms-error-code and an XML body (none for HEAD). */
    private static final class Synthetic extends HttpResponse {
        private final int status;
        private final HttpHeaders headers = new HttpHeaders();
        private final byte[] body;

        Synthetic(HttpRequest request, int status, String code, Map<String, String> extra) {
            super(request);
            this.status = status;
            boolean head = request.getHttpMethod().name().equals("HEAD");
            this.body = head || code == null ? new byte[0]
                    : ("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + code + "</Code><Message>Injected "
                    + code + ".\nRequestId:00000000-0000-0000-0000-000000000000</Message></Error>")
                            .getBytes(StandardCharsets.UTF_8);
            if (code != null) {
                headers.set("x-ms-error-code", code);
            }
            headers.set("Content-Length", Integer.toString(body.length));
            if (body.length > 0) {
                headers.set("Content-Type", "application/xml");
            }
            extra.forEach(headers::set);
        }

        @Override
        public int getStatusCode() {
            return status;
        }

        @Override
        @Deprecated
        public String getHeaderValue(String name) {
            return headers.getValue(name);
        }

        @Override
        public HttpHeaders getHeaders() {
            return headers;
        }

        @Override
        public Flux<ByteBuffer> getBody() {
            return body.length == 0 ? Flux.empty() : Flux.just(ByteBuffer.wrap(body));
        }

        @Override
        public Mono<byte[]> getBodyAsByteArray() {
            return Mono.just(body);
        }

        @Override
        public Mono<String> getBodyAsString() {
            return Mono.just(new String(body, StandardCharsets.UTF_8));
        }

        @Override
        public Mono<String> getBodyAsString(Charset charset) {
            return Mono.just(new String(body, charset));
        }
    }

    /** The real answer with more headers. */
    private static final class WithHeaders extends HttpResponse {
        private final HttpResponse delegate;
        private final HttpHeaders headers;

        WithHeaders(HttpResponse delegate, Map<String, String> extra) {
            super(delegate.getRequest());
            this.delegate = delegate;
            this.headers = new HttpHeaders(delegate.getHeaders());
            extra.forEach(headers::set);
        }

        @Override
        public int getStatusCode() {
            return delegate.getStatusCode();
        }

        @Override
        @Deprecated
        public String getHeaderValue(String name) {
            return headers.getValue(name);
        }

        @Override
        public HttpHeaders getHeaders() {
            return headers;
        }

        @Override
        public Flux<ByteBuffer> getBody() {
            return delegate.getBody();
        }

        @Override
        public com.azure.core.util.BinaryData getBodyAsBinaryData() {
            return delegate.getBodyAsBinaryData();
        }

        @Override
        public Mono<byte[]> getBodyAsByteArray() {
            return delegate.getBodyAsByteArray();
        }

        @Override
        public Mono<String> getBodyAsString() {
            return delegate.getBodyAsString();
        }

        @Override
        public Mono<String> getBodyAsString(Charset charset) {
            return delegate.getBodyAsString(charset);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
