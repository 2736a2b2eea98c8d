package io.lifeboat.core.storage.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.storage.local.LocalBlobStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FaultInjectingBlobStoreTest {
    @TempDir
    Path tmp;

    @Test
    void withoutFaultsItIsTheStoreItWraps() throws IOException {
        FaultInjectingBlobStore s = new FaultInjectingBlobStore(LocalBlobStore.create(tmp),
                FaultInjectingBlobStore.Faults.none());
        assertThat(s.putIfAbsent("a", new byte[] {1, 2, 3})).isTrue();
        assertThat(s.get("a", 1, 2)).containsExactly(2, 3);
        assertThat(s.injected()).isZero();
    }

    @Test
    void errorsAreInjectedAtTheRateAskedForAndRepeatableBySeed() throws IOException {
        int[] failures = new int[2];
        for (int run = 0; run < 2; run++) {
            FaultInjectingBlobStore s = new FaultInjectingBlobStore(LocalBlobStore.create(tmp.resolve("r" + run)),
                    FaultInjectingBlobStore.Faults.none().withErrors(0.3).withSeed(7));
            for (int i = 0; i < 1000; i++) {
                try {
                    s.putIfAbsent("o" + i, new byte[] {(byte) i});
                } catch (IOException e) {
                    assertThat(e).hasMessageContaining("injected fault");
                    failures[run]++;
                }
            }
            assertThat(s.injected()).isEqualTo(failures[run]);
        }
        assertThat(failures[0]).isBetween(240, 360).isEqualTo(failures[1]);
    }

    @Test
    void aLostAcknowledgementStoresTheBlobButReportsFailure() throws IOException {
        LocalBlobStore store = LocalBlobStore.create(tmp);
        FaultInjectingBlobStore s = new FaultInjectingBlobStore(store, FaultInjectingBlobStore.Faults.none().withLostAcks(1));
        assertThatThrownBy(() -> s.putIfAbsent("a", new byte[] {9})).hasMessageContaining("Connection reset");
        assertThat(store.get("a")).containsExactly(9);
        s.faults(FaultInjectingBlobStore.Faults.none());
        assertThat(s.putIfAbsent("a", new byte[] {9})).as("the retry finds it stored").isFalse();
    }

    @Test
    void truncatedReadsReturnAPrefix() throws IOException {
        LocalBlobStore store = LocalBlobStore.create(tmp);
        store.putIfAbsent("a", new byte[100]);
        FaultInjectingBlobStore s = new FaultInjectingBlobStore(store, FaultInjectingBlobStore.Faults.none().withTruncated(1));
        assertThat(s.get("a").length).isLessThan(100);
        assertThat(s.get("a", 10, 50).length).isLessThan(50);
    }

    @Test
    void latencyGoesThroughTheSleeper() throws IOException {
        List<Duration> slept = new ArrayList<>();
        FaultInjectingBlobStore s = new FaultInjectingBlobStore(LocalBlobStore.create(tmp),
                FaultInjectingBlobStore.Faults.none().withLatency(Duration.ofMillis(40)), slept::add);
        s.putIfAbsent("a", new byte[1]);
        s.get("a");
        s.list("");
        assertThat(slept).containsExactly(Duration.ofMillis(40), Duration.ofMillis(40), Duration.ofMillis(40));
    }

    @Test
    void ratesOutsideZeroToOneAreRefused() {
        assertThatThrownBy(() -> FaultInjectingBlobStore.Faults.none().withErrors(1.5))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
