package io.lifeboat.azure;

import io.lifeboat.core.storage.BlobStore;
import io.lifeboat.core.storage.BlobStoreContractTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The whole storage contract on Azurite, in a fresh container under a two-segment prefix. */
class AzureBlobStoreContractTest extends BlobStoreContractTest {
    private static AzuriteServer azurite;
    private final List<BlobStore> others = new ArrayList<>();
    private String container;

    @BeforeAll
    static void startAzurite() throws Exception {
        azurite = AzuriteServer.shared();
    }

    @Override
    protected BlobStore newStore() throws Exception {
        container = AzureTests.freshContainer();
        return AzureBlobStore.builder(AzureTests.location(azurite, container, "repos/one")).create(true).open();
    }

    /** Another client, as another host would open it: its own store object on the same container and prefix. */
    @Override
    protected BlobStore secondClient() throws Exception {
        BlobStore other = AzureBlobStore.builder(AzureTests.location(azurite, container, "repos/one")).open();
        others.add(other);
        return other;
    }

    @AfterEach
    void closeOthers() throws Exception {
        for (BlobStore s : others) {
            s.close();
        }
    }
}
