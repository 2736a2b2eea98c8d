package io.lifeboat.azure;

import io.lifeboat.core.storage.StoreLocation;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** Shared helpers of the Azure tests: fresh container names and locations on Azurite. */
final class AzureTests {
    private static final AtomicInteger CONTAINERS = new AtomicInteger();

    private AzureTests() {}

    /** A container name no other test uses. */
    static String freshContainer() {
        return "t" + ProcessHandle.current().pid() + "-" + CONTAINERS.incrementAndGet() + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20));
    }

    /** {@code azure://container/prefix} with Azurite's environment and {@code extra} entries (env or options). */
    static StoreLocation location(AzuriteServer azurite, String container, String prefix, Map<String, String> env,
                                  Map<String, String> options) {
        Map<String, String> e = new HashMap<>(azurite.env());
        e.putAll(env);
        return StoreLocation.parse("azure://" + container + (prefix.isEmpty() ? "" : "/" + prefix), e, options);
    }

    static StoreLocation location(AzuriteServer azurite, String container, String prefix) {
        return location(azurite, container, prefix, Map.of(), Map.of());
    }
}
