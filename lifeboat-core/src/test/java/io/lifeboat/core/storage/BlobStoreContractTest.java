package io.lifeboat.core.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingConsumer;

/**
 * The {@link BlobStore} contract, clause by clause. A backend's test extends this class,
 * supplies {@link #newStore()} and adds its own fault cases; the tests here use only the
 * SPI and so hold for every backend.
 */
public abstract class BlobStoreContractTest {
    private static final int THREADS = 16;

    protected BlobStore store;

    /** A fresh, empty store; called before each test and closed after it. */
    protected abstract BlobStore newStore() throws Exception;

    /**
     * A second, independent client of the same location as {@link #store}, as another
     * process or host would open it. The default returns {@code store} itself; backends
     * override it to prove that writes are visible across clients.
     */
    protected BlobStore secondClient() throws Exception {
        return store;
    }

    @BeforeEach
    final void openStore() throws Exception {
        store = newStore();
    }

    @AfterEach
    final void closeStore() throws Exception {
        if (store != null) {
            store.close();
        }
    }

    // ---- write once

    @Test
    void putThenGetReturnsTheBytes() throws Exception {
        byte[] data = bytes("hello, lifeboat");

        assertThat(store.putIfAbsent("config", data)).isTrue();
        assertThat(store.get("config")).isEqualTo(data);
    }

    @Test
    void putStoresOnlyTheGivenRange() throws Exception {
        byte[] data = bytes("xxxpayloadyy");

        assertThat(store.putIfAbsent("a/b", data, 3, 7)).isTrue();
        assertThat(store.get("a/b")).isEqualTo(bytes("payload"));
    }

    /** Callers refill their buffers once put returns: the store must keep no reference to them. */
    @Test
    void theCallerMayReuseItsArrayOncePutReturns() throws Exception {
        byte[] data = bytes("packed bytes, soon overwritten");
        byte[] expected = data.clone();
        assertThat(store.putIfAbsent("data/cd/cdef", data)).isTrue();
        java.util.Arrays.fill(data, (byte) 'x');

        assertThat(store.get("data/cd/cdef")).isEqualTo(expected);
    }

    @Test
    void anEmptyBlobIsABlob() throws Exception {
        assertThat(store.putIfAbsent("empty", new byte[0])).isTrue();

        assertThat(store.get("empty")).isEmpty();
        assertThat(store.stat("empty")).isEqualTo(new BlobInfo("empty", 0));
        assertThat(store.list("")).containsExactly(new BlobInfo("empty", 0));
        assertThat(store.putIfAbsent("empty", new byte[0])).isFalse();
    }

    @Test
    void putOfAnExistingNameReturnsFalseAndKeepsTheOriginal() throws Exception {
        assertThat(store.putIfAbsent("data/ab/abcd", bytes("original"))).isTrue();

        assertThat(store.putIfAbsent("data/ab/abcd", bytes("something else, longer"))).isFalse();
        assertThat(store.get("data/ab/abcd")).isEqualTo(bytes("original"));
        assertThat(store.stat("data/ab/abcd").size()).isEqualTo(8);
    }

    @Test
    void putCopiesTheCallersArray() throws Exception {
        byte[] data = bytes("before");
        store.putIfAbsent("x", data);
        data[0] = 'B';

        assertThat(store.get("x")).isEqualTo(bytes("before"));
    }

    @Test
    void aWrittenBlobIsVisibleToAnotherClient() throws Exception {
        store.putIfAbsent("index/0001", bytes("visible"));
        BlobStore other = secondClient();

        assertThat(other.get("index/0001")).isEqualTo(bytes("visible"));
        assertThat(other.stat("index/0001")).isEqualTo(new BlobInfo("index/0001", 7));
        assertThat(other.list("index/")).containsExactly(new BlobInfo("index/0001", 7));
        assertThat(other.putIfAbsent("index/0001", bytes("again"))).isFalse();
    }

    // ---- missing blobs

    @Test
    void readingAMissingBlobThrowsNoSuchBlobNamingIt() throws Exception {
        store.putIfAbsent("data/00/present", bytes("x"));

        for (String missing : List.of("absent", "data/00/absent", "data/01/x", "data/00/present/x")) {
            assertMissing(missing, s -> s.get(missing));
            assertMissing(missing, s -> s.get(missing, 0, 0));
            assertMissing(missing, s -> s.openStream(missing).close());
            assertMissing(missing, s -> s.stat(missing));
        }
    }

    @Test
    void aNameThatIsOnlyAPrefixOfOtherBlobsIsNotABlob() throws Exception {
        store.putIfAbsent("data/3f/3f00", bytes("x"));

        assertMissing("data", s -> s.get("data"));
        assertMissing("data/3f", s -> s.stat("data/3f"));
        assertThat(store.delete("data/3f")).isFalse();
        assertThat(store.get("data/3f/3f00")).isEqualTo(bytes("x"));
    }

    private void assertMissing(String name, ThrowingConsumer<BlobStore> read) {
        assertThatThrownBy(() -> read.accept(store))
                .isInstanceOf(NoSuchBlobException.class)
                .satisfies(e -> assertThat(((NoSuchBlobException) e).name()).isEqualTo(name));
    }

    // ---- ranges

    @Test
    void rangedReadsReturnExactlyTheRange() throws Exception {
        store.putIfAbsent("r", bytes("0123456789"));

        assertThat(store.get("r", 0, 10)).isEqualTo(bytes("0123456789"));
        assertThat(store.get("r", 3, 4)).isEqualTo(bytes("3456"));
        assertThat(store.get("r", 9, 1)).isEqualTo(bytes("9"));
        assertThat(store.get("r", 0, 0)).isEmpty();
        assertThat(store.get("r", 5, 0)).isEmpty();
        assertThat(store.get("r", 10, 0)).isEmpty();
    }

    @Test
    void rangesPastTheEndThrowEof() throws Exception {
        store.putIfAbsent("r", bytes("0123456789"));

        assertThatThrownBy(() -> store.get("r", 5, 6)).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> store.get("r", 10, 1)).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> store.get("r", 11, 0)).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> store.get("r", Long.MAX_VALUE, 1)).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> store.get("r", 0, Integer.MAX_VALUE)).isInstanceOf(EOFException.class);
    }

    @Test
    void rangesAreReadIntoAReusedArray() throws Exception {
        store.putIfAbsent("r", bytes("0123456789"));
        byte[] into = bytes("abcdefgh");

        store.read("r", 3, into, 4);
        assertThat(new String(into, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("3456efgh");
        store.read("r", 6, into, 4);
        assertThat(new String(into, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("6789efgh");

        assertThatThrownBy(() -> store.read("r", 8, into, 4)).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> store.read("r", 0, into, 9)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.read("absent", 0, into, 1)).isInstanceOf(NoSuchBlobException.class);
        assertThat(new String(into, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("6789efgh");
    }

    // ---- streams

    @Test
    void aStreamReadsTheWholeBlobFrontToBack() throws Exception {
        byte[] data = new byte[(3 << 20) + 12345];
        new Random(11).nextBytes(data);
        store.putIfAbsent("data/st/stream", data);

        ByteArrayOutputStream read = new ByteArrayOutputStream();
        try (InputStream in = store.openStream("data/st/stream")) {
            byte[] part = new byte[100_000];
            for (int n; (n = in.read(part, 0, part.length)) >= 0; ) {
                read.write(part, 0, n);
            }
            assertThat(in.read()).isEqualTo(-1);
        }
        assertThat(read.toByteArray()).isEqualTo(data);
    }

    @Test
    void aStreamOfAnEmptyBlobEndsAtOnce() throws Exception {
        store.putIfAbsent("empty", new byte[0]);

        try (InputStream in = store.openStream("empty")) {
            assertThat(in.read(new byte[8], 0, 8)).isEqualTo(-1);
        }
    }

    // ---- listing

    @Test
    void anEmptyStoreListsNothing() throws Exception {
        assertThat(store.list("")).isEmpty();
        assertThat(store.list("data/")).isEmpty();
    }

    @Test
    void listFiltersByPrefixWithSizes() throws Exception {
        putAll("config", "data/3f/3f01", "data/3f/3f02", "data/30/3000", "data/4a/4a00", "index/0001", "indexes");

        assertThat(names(store.list(""))).containsExactlyInAnyOrder(
                "config", "data/3f/3f01", "data/3f/3f02", "data/30/3000", "data/4a/4a00", "index/0001", "indexes");
        assertThat(names(store.list("data/"))).containsExactlyInAnyOrder(
                "data/3f/3f01", "data/3f/3f02", "data/30/3000", "data/4a/4a00");
        assertThat(names(store.list("data/3f/"))).containsExactlyInAnyOrder("data/3f/3f01", "data/3f/3f02");
        assertThat(names(store.list("data/3f/3f02"))).containsExactly("data/3f/3f02");
        assertThat(names(store.list("config"))).containsExactly("config");
        assertThat(names(store.list("index"))).containsExactlyInAnyOrder("index/0001", "indexes");
        assertThat(names(store.list("index/"))).containsExactly("index/0001");
        assertThat(store.list("snapshots/")).isEmpty();
        assertThat(store.list("data/5")).isEmpty();
        assertThat(store.list("config/")).isEmpty();
    }

    @Test
    void aPrefixMayEndInsideASegment() throws Exception {
        putAll("data/3f/3f01", "data/30/3000", "data/4a/4a00", "data/3f/3e00");

        assertThat(names(store.list("data/3"))).containsExactlyInAnyOrder("data/3f/3f01", "data/30/3000", "data/3f/3e00");
        assertThat(names(store.list("data/3f"))).containsExactlyInAnyOrder("data/3f/3f01", "data/3f/3e00");
        assertThat(names(store.list("data/3f/3f"))).containsExactly("data/3f/3f01");
        assertThat(names(store.list("d"))).hasSize(4);
    }

    @Test
    void listAndStatGiveSizes() throws Exception {
        store.putIfAbsent("s/one", new byte[1]);
        store.putIfAbsent("s/thousand", new byte[1000]);

        assertThat(store.list("s/")).containsExactlyInAnyOrder(new BlobInfo("s/one", 1), new BlobInfo("s/thousand", 1000));
        assertThat(store.stat("s/thousand")).isEqualTo(new BlobInfo("s/thousand", 1000));
    }

    // ---- delete

    @Test
    void deleteRemovesAndReportsWhetherABlobExisted() throws Exception {
        putAll("keys/a", "keys/b");

        assertThat(store.delete("keys/a")).isTrue();
        assertThat(store.delete("keys/a")).isFalse();
        assertThat(store.delete("never/was")).isFalse();
        assertThatThrownBy(() -> store.get("keys/a")).isInstanceOf(NoSuchBlobException.class);
        assertThat(names(store.list(""))).containsExactly("keys/b");
    }

    @Test
    void aDeletedNameCanBeWrittenAgain() throws Exception {
        store.putIfAbsent("locks/l1", bytes("first"));
        store.delete("locks/l1");

        assertThat(store.putIfAbsent("locks/l1", bytes("second"))).isTrue();
        assertThat(store.get("locks/l1")).isEqualTo(bytes("second"));
    }

    // ---- programmer errors

    @Test
    void invalidNamesAreIllegalArguments() {
        for (String bad : new String[] {"", "/abs", "trailing/", "a//b", "../up", "a/./b", "UPPER", "sp ace", "tmp~"}) {
            assertIllegal(() -> store.putIfAbsent(bad, new byte[1]));
            assertIllegal(() -> store.get(bad));
            assertIllegal(() -> store.get(bad, 0, 1));
            assertIllegal(() -> store.stat(bad));
            assertIllegal(() -> store.delete(bad));
        }
        assertIllegal(() -> store.list("/x"));
        assertIllegal(() -> store.list("a//"));
        assertIllegal(() -> store.list("../"));
    }

    @Test
    void negativeOffsetsAndBadArrayRangesAreIllegalArguments() throws Exception {
        store.putIfAbsent("r", bytes("0123456789"));

        assertIllegal(() -> store.get("r", -1, 1));
        assertIllegal(() -> store.get("r", 0, -1));
        assertIllegal(() -> store.putIfAbsent("q", new byte[4], -1, 2));
        assertIllegal(() -> store.putIfAbsent("q", new byte[4], 3, 2));
        assertIllegal(() -> store.putIfAbsent("q", new byte[4], 0, -1));
        assertThat(store.list("q")).isEmpty();
    }

    private static void assertIllegal(Callable<?> call) {
        assertThatThrownBy(call::call).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- size and concurrency

    @Test
    void aLargeBlobRoundTrips() throws Exception {
        byte[] data = new byte[20 << 20];
        new Random(42).nextBytes(data);

        assertThat(store.putIfAbsent("data/la/large", data)).isTrue();
        assertThat(store.get("data/la/large")).isEqualTo(data);
        assertThat(store.get("data/la/large", (10 << 20) - 7, 1 << 20))
                .isEqualTo(Arrays.copyOfRange(data, (10 << 20) - 7, (11 << 20) - 7));
        assertThat(store.stat("data/la/large").size()).isEqualTo(data.length);
    }

    @Test
    void racingPutsOfOneNameCreateItExactlyOnce() throws Exception {
        byte[] data = new byte[256 << 10];
        new Random(7).nextBytes(data);

        List<Boolean> created = runConcurrently(THREADS, i -> {
            boolean mine = store.putIfAbsent("data/ra/race", data);
            // Whatever it returned, the blob exists, whole, once putIfAbsent returns.
            assertThat(store.get("data/ra/race")).isEqualTo(data);
            return mine;
        });

        assertThat(created).containsOnlyOnce(true);
        assertThat(store.get("data/ra/race")).isEqualTo(data);
        assertThat(store.list("")).containsExactly(new BlobInfo("data/ra/race", data.length));
    }

    @Test
    void concurrentPutsOfDifferentNamesAreAllVisible() throws Exception {
        List<Boolean> created = runConcurrently(THREADS, i -> {
            boolean all = true;
            for (int j = 0; j < 20; j++) {
                all &= store.putIfAbsent(String.format("data/%02x/t%d-%d", j, i, j), bytes(i + ":" + j));
            }
            return all;
        });

        assertThat(created).containsOnly(true);
        assertThat(store.list("data/")).hasSize(THREADS * 20);
        for (int i = 0; i < THREADS; i++) {
            assertThat(store.get(String.format("data/%02x/t%d-%d", 7, i, 7))).isEqualTo(bytes(i + ":" + 7));
        }
    }

    @Test
    void readersSeeNoBlobOrTheWholeBlob() throws Exception {
        byte[] data = new byte[1 << 20];
        new Random(3).nextBytes(data);
        int blobs = 20;
        AtomicBoolean writing = new AtomicBoolean(true);

        List<Integer> partial = runConcurrently(3, worker -> {
            if (worker > 0) {
                return countPartialReads("p/", blobs, data, writing);
            }
            try {
                for (int i = 0; i < blobs; i++) {
                    store.putIfAbsent("p/" + i, data);
                }
            } finally {
                writing.set(false);
            }
            return 0;
        });

        assertThat(partial).containsOnly(0);
        assertThat(store.list("p/")).hasSize(blobs);
    }

    /** Reads each blob as soon as it appears; counts those that were not whole. */
    private int countPartialReads(String prefix, int blobs, byte[] whole, AtomicBoolean writing) throws Exception {
        int partial = 0;
        for (int i = 0; i < blobs; i++) {
            partial += Arrays.equals(awaitBlob(prefix + i, writing), whole) ? 0 : 1;
        }
        return partial;
    }

    private byte[] awaitBlob(String name, AtomicBoolean writing) throws Exception {
        while (true) {
            boolean stillWriting = writing.get();
            try {
                return store.get(name);
            } catch (NoSuchBlobException e) {
                if (!stillWriting) {
                    throw e; // the writer is done and never wrote it
                }
            }
        }
    }

    // ---- helpers

    /** A task numbered by worker; all workers start together. */
    public interface Worker<T> {
        T run(int worker) throws Exception;
    }

    /** Runs {@code count} workers at once (released by one latch) and returns their results. */
    public static <T> List<T> runConcurrently(int count, Worker<T> worker) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            IntStream.range(0, count).forEach(i -> futures.add(pool.submit(() -> {
                start.await();
                return worker.run(i);
            })));
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    protected void putAll(String... names) throws Exception {
        for (String name : names) {
            store.putIfAbsent(name, bytes(name));
        }
    }

    protected static List<String> names(List<BlobInfo> blobs) {
        return blobs.stream().map(BlobInfo::name).toList();
    }

    protected static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }
}
