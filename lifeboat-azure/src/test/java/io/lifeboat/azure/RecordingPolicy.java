package io.lifeboat.azure;

import com.azure.core.http.HttpHeader;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import reactor.core.publisher.Mono;

/**
 * Records every request at the SDK boundary (method, path, query, headers) so that a test
 * can check what Lifeboat asks of Azure; optionally removes headers before the request goes
 * on (for features an emulator does not have). Add it with
 * {@link AzureBlobStore.Builder#addPolicy}. Thread-safe.
 *
 * <p>A recorder that removes headers runs once per call, before the SDK signs the request
 * (the signature covers {@code x-ms-} headers), so it sees each call once and without its
 * authorization; one that only records runs on every try, after signing.
 */
public final class RecordingPolicy implements HttpPipelinePolicy {
    /** One request as sent: the path decoded ({@code /account/container/prefix/data/...}), header names lower case. */
    public record Request(String method, String path, String query, Map<String, String> headers) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** Whether the query has {@code param} (e.g. {@code comp=blocklist}). */
        public boolean hasQuery(String param) {
            return query != null && ("&" + query + "&").contains("&" + param + "&");
        }

        /** Put Blob, Put Block or Put Block List. */
        public boolean isPut() {
            return method.equals("PUT") && !hasQuery("restype=container");
        }
    }

    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Set<String> strip;

    /** Records, and removes the {@code strip} headers (any case) before each request is sent. */
    public RecordingPolicy(String... strip) {
        this.strip = Set.of(java.util.Arrays.stream(strip).map(s -> s.toLowerCase(Locale.ROOT)).toArray(String[]::new));
    }

    public List<Request> requests() {
        return new ArrayList<>(requests);
    }

    public List<Request> requests(Predicate<Request> filter) {
        return requests.stream().filter(filter).toList();
    }

    public void clear() {
        requests.clear();
    }

    private void record(HttpPipelineCallContext context) {
        HttpRequest r = context.getHttpRequest();
        Map<String, String> headers = new LinkedHashMap<>();
        for (HttpHeader h : r.getHeaders()) {
            headers.put(h.getName().toLowerCase(Locale.ROOT), h.getValue());
        }
        String path = java.net.URLDecoder.decode(r.getUrl().getPath(), java.nio.charset.StandardCharsets.UTF_8);
        requests.add(new Request(r.getHttpMethod().name(), path, r.getUrl().getQuery(),
                Map.copyOf(headers)));
        for (String name : strip) {
            r.getHeaders().remove(name);
        }
    }

    @Override
    public HttpPipelinePosition getPipelinePosition() {
        return strip.isEmpty() ? HttpPipelinePosition.PER_RETRY : HttpPipelinePosition.PER_CALL;
    }

    @Override
    public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        record(context);
        return next.process();
    }

    @Override
    public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
        record(context);
        return next.processSync();
    }
}
