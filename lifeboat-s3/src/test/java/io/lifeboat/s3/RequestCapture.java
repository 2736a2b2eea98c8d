package io.lifeboat.s3;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;

/** Records every HTTP request as it leaves the SDK, signed and complete: the request shapes S3 sees. */
final class RequestCapture implements ExecutionInterceptor {
    private final List<SdkHttpRequest> requests = new CopyOnWriteArrayList<>();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        requests.add(context.httpRequest());
    }

    /** Requests of {@code method} on the object of blob {@code name}. */
    List<SdkHttpRequest> requests(SdkHttpMethod method, String name) {
        return requests.stream().filter(r -> r.method() == method && r.encodedPath().endsWith("/" + name)).toList();
    }

    /** The last such request that has query parameter {@code query} (or, if null, no query at all). */
    SdkHttpRequest last(SdkHttpMethod method, String name, String query) {
        List<SdkHttpRequest> matching = requests(method, name).stream()
                .filter(r -> query == null ? r.rawQueryParameters().isEmpty()
                        : r.rawQueryParameters().containsKey(query)).toList();
        if (matching.isEmpty()) {
            throw new AssertionError("no " + method + " of " + name + (query == null ? "" : "?" + query) + " in " + requests);
        }
        return matching.get(matching.size() - 1);
    }

    /** A header of the last request of {@code method} on {@code name} (without query), or null. */
    String header(SdkHttpMethod method, String name, String header) {
        return last(method, name, null).firstMatchingHeader(header).orElse(null);
    }

    List<SdkHttpRequest> all() {
        return List.copyOf(requests);
    }
}
