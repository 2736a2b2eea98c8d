package io.lifeboat.azure;

import io.lifeboat.core.storage.StoreLocation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Run in a JVM of its own by {@link AzureCredentialsTest} with the Azure SDK's logging
 * turned up all the way (AZURE_LOG_LEVEL, AZURE_HTTP_LOG_DETAIL_LEVEL): works and fails
 * with an account key and with SAS tokens, printing every error with its stack trace, so
 * that the test can search everything written for a credential.
 */
public final class LogProbe {
    private LogProbe() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        String container = args[0];
        run(StoreLocation.parse("azure://" + container + "/key", Map.of(
                AzureSettings.CONNECTION_STRING, env.get("PROBE_CONNECTION_STRING")), Map.of()), true);
        run(StoreLocation.parse("azure://" + container + "/sas", Map.of(
                AzureSettings.SAS_TOKEN, env.get("PROBE_SAS_READ_ONLY"),
                AzureSettings.ENDPOINT, env.get("PROBE_ENDPOINT")), Map.of("azure-retry-seconds", "0")), false);
        run(StoreLocation.parse("azure://" + container + "/bad", Map.of(
                AzureSettings.ACCOUNT, AzuriteServer.ACCOUNT, AzureSettings.KEY, env.get("PROBE_WRONG_KEY"),
                AzureSettings.ENDPOINT, env.get("PROBE_ENDPOINT")), Map.of("azure-retry-seconds", "0")), false);
        System.out.println("probe done");
    }

    private static void run(StoreLocation location, boolean create) {
        try (AzureBlobStore store = AzureBlobStore.builder(location).create(create).open()) {
            System.out.println("opened " + store.describe() + " " + store);
            store.putIfAbsent("config", "probe".getBytes(StandardCharsets.UTF_8));
            store.get("config");
            store.list("");
            store.get("missing");
        } catch (IOException | RuntimeException e) {
            System.out.println("error: " + e.getMessage());
            e.printStackTrace(System.out);
        }
    }
}
