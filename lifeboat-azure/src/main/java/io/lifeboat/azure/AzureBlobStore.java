package io.lifeboat.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.AccessTier;
import com.azure.storage.blob.models.BlobContainerProperties;
import com.azure.storage.blob.models.BlobImmutabilityPolicy;
import com.azure.storage.blob.models.BlobImmutabilityPolicyMode;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.DeleteSnapshotsOptionType;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.options.BlockBlobStageBlockOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import io.lifeboat.core.RepositoryNotFoundException;
import io.lifeboat.core.storage.BlobInfo;
import io.lifeboat.core.storage.BlobNames;
import io.lifeboat.core.storage.BlobStore;
import io.lifeboat.core.storage.NoSuchBlobException;
import io.lifeboat.core.storage.ObjectLockedException;
import io.lifeboat.core.storage.Retry;
import io.lifeboat.core.storage.StoreLocation;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link BlobStore} in an Azure Blob Storage container, under an optional prefix: the
 * blob {@code data/3f/3f9a...} of {@code azure://backups/prod} is the block blob
 * {@code prod/data/3f/3f9a...} in container {@code backups}.
 *
 * <h2>Writes</h2>
 * A blob up to the block size (4 MiB by default) is one Put Blob; a larger one is cut into
 * blocks that are staged in parallel and then committed as one Put Block List. Both carry
 * {@code If-None-Match: *}, so the service creates the blob only if the name is free and
 * answers 409 otherwise, which {@link #putIfAbsent} reports as {@code false}. Staged blocks
 * are invisible until the commit, and a commit is atomic: no reader ever sees part of a
 * blob. Every request carries the MD5 of its body, which the service checks. Each blob's
 * metadata records the upload that made it ({@code lifeboat_upload}), so that a retry of a
 * write whose answer was lost recognises its own blob and still reports {@code true}.
 *
 * <h2>Retention locks</h2>
 * See {@link AzureSettings.Immutability}. A blob written with a date gets an Azure
 * version-level immutability policy with that expiry (modes {@code locked} and
 * {@code unlocked}), and the date also goes into its metadata
 * ({@code lifeboat_retain_until}). {@link #stat} and {@link #list} report the later of the
 * two; {@link #delete} refuses a blob whose date is in the future before asking Azure,
 * which refuses on its own as well where the policy is enforced. In mode {@code emulated}
 * (for emulators such as Azurite, which have no immutability) only the metadata is
 * written and only Lifeboat enforces it: not WORM.
 *
 * <h2>Failures</h2>
 * Every request is retried by the shared {@link Retry} loop: throttling, server errors and
 * connection errors, with backoff and full jitter (never shorter than a Retry-After), within a
 * time limit. Error messages name the store, the operation and the blob, never a credential
 * ({@link Redactor}).
 *
 * <p>Thread-safe; share one instance. {@link #close} stops its upload threads.
 */
public final class AzureBlobStore implements BlobStore {
    /** Metadata key of the retention date (ISO-8601 instant). Azure metadata names are C# identifiers: no '-'. */
    static final String RETAIN_UNTIL = "lifeboat_retain_until";
    /** Metadata key of the upload that created the blob. */
    static final String UPLOAD = "lifeboat_upload";

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final BlobRequestConditions IF_ABSENT = new BlobRequestConditions().setIfNoneMatch("*");
    /** HTTP clients shared by all stores with the same timeout: one connection pool and selector thread each. */
    private static final Map<Duration, HttpClient> HTTP_CLIENTS = new ConcurrentHashMap<>();

    /** The largest wait after the first failed request; it doubles with each failure up to {@link #MAX_DELAY}. */
    static final Duration FIRST_DELAY = Duration.ofMillis(100);
    /** The largest wait between requests, unless the service asks for longer (Retry-After). */
    static final Duration MAX_DELAY = Duration.ofSeconds(8);

    /** One request; SDK calls throw unchecked exceptions, Lifeboat's own checks IOExceptions (never retried). */
    @FunctionalInterface
    interface Request<T> {
        T send() throws IOException;
    }

    /** Waits between retries; tests pass one that advances a fake clock instead. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final AzureSettings settings;
    private final BlobContainerClient container;
    private final String where;
    private final Redactor redactor;
    private final Retry retrier;
    private final Clock clock;
    /** Why this store cannot hold retention locks, or null if it can. */
    private final String noRetention;
    private final boolean retention;
    private final ThreadPoolExecutor uploads;

    private AzureBlobStore(AzureSettings settings, BlobContainerClient container, String where, Redactor redactor,
                           Retry retrier, Clock clock, String noRetention) {
        this.settings = settings;
        this.container = container;
        this.where = where;
        this.redactor = redactor;
        this.retrier = retrier;
        this.clock = clock;
        this.noRetention = noRetention;
        this.retention = noRetention == null;
        this.uploads = new ThreadPoolExecutor(settings.uploadThreads, settings.uploadThreads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), AzureBlobStore::uploadThread);
        this.uploads.allowCoreThreadTimeOut(true);
    }

    private static final AtomicInteger THREADS = new AtomicInteger();

    private static Thread uploadThread(Runnable r) {
        Thread t = new Thread(r, "lifeboat-azure-upload-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    }

    /** Starts opening the store at an {@code azure://container/prefix} location. */
    public static Builder builder(StoreLocation location) {
        return new Builder(location);
    }

    // ---- writing

    @Override
    public boolean putIfAbsent(String name, byte[] data, int offset, int length) throws IOException {
        return putIfAbsent(name, data, offset, length, null);
    }

    @Override
    public boolean putIfAbsent(String name, byte[] data, int offset, int length, Instant retainUntil) throws IOException {
        BlobNames.validate(name);
        Objects.requireNonNull(data, "data");
        if (offset < 0 || length < 0 || offset > data.length - length) {
            throw new IllegalArgumentException("range [" + offset + ", +" + length + ") outside an array of " + data.length);
        }
        if (retainUntil != null && !retention) {
            throw new UnsupportedOperationException(where + " cannot hold retention locks: " + noRetention);
        }
        Upload upload = new Upload(name, retainUntil);
        // A copy: the caller may refill its array as soon as we return, even if a request is still draining.
        byte[] bytes = Arrays.copyOfRange(data, offset, offset + length);
        try {
            return length <= settings.blockSize ? putWhole(upload, bytes) : putInBlocks(upload, bytes);
        } catch (RuntimeException e) {
            throw failure("put", name, e);
        }
    }

    @Override
    public boolean supportsRetention() {
        return retention;
    }

    /** What a write needs to know besides its bytes. */
    private final class Upload {
        final String name;
        final BlockBlobClient client;
        final String id = UUID.randomUUID().toString().replace("-", "");
        final Map<String, String> metadata = new HashMap<>();
        final AccessTier tier;
        final BlobImmutabilityPolicy policy;
        /** Whether a write request was sent more than once (so a conflict may be our own earlier attempt). */
        volatile boolean resent;

        Upload(String name, Instant retainUntil) {
            this.name = name;
            this.client = blob(name).getBlockBlobClient();
            this.tier = tier(name);
            metadata.put(UPLOAD, id);
            if (retainUntil != null) {
                metadata.put(RETAIN_UNTIL, retainUntil.toString());
            }
            this.policy = retainUntil != null && settings.immutability.enforcedByAzure()
                    ? new BlobImmutabilityPolicy()
                            .setExpiryTime(OffsetDateTime.ofInstant(retainUntil, ZoneOffset.UTC))
                            .setPolicyMode(settings.immutability == AzureSettings.Immutability.LOCKED
                                    ? BlobImmutabilityPolicyMode.LOCKED : BlobImmutabilityPolicyMode.UNLOCKED)
                    : null;
        }

        /** Counts an attempt of the creating request; from the second on, a conflict may be our own. */
        void attempt(int[] count) {
            if (++count[0] > 1) {
                resent = true;
            }
        }
    }

    private boolean putWhole(Upload u, byte[] bytes) throws IOException {
        BlockBlobSimpleUploadOptions options = new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(bytes))
                .setContentMd5(md5(bytes, 0, bytes.length))
                .setMetadata(u.metadata)
                .setTier(u.tier)
                .setImmutabilityPolicy(u.policy)
                .setRequestConditions(IF_ABSENT);
        int[] attempts = {0};
        try {
            call(retrier, where, "put " + u.name, () -> {
                u.attempt(attempts);
                return u.client.uploadWithResponse(options, null, Context.NONE);
            });
            return true;
        } catch (RuntimeException e) {
            return existedBefore(u, e);
        }
    }

    /** Stages the blocks in parallel on the upload threads, then commits them, if the name is free, in one request. */
    private boolean putInBlocks(Upload u, byte[] bytes) throws IOException {
        int size = settings.blockSize;
        int count = (bytes.length + size - 1) / size;
        List<String> ids = new ArrayList<>(count);
        List<Future<Void>> staged = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String blockId = blockId(u.id, i);
            ids.add(blockId);
            byte[] block = Arrays.copyOfRange(bytes, i * size, Math.min(bytes.length, (i + 1) * size));
            String what = "put " + u.name + " (block " + (i + 1) + " of " + count + ")";
            staged.add(uploads.submit(() -> call(retrier, where, what, () -> {
                u.client.stageBlockWithResponse(new BlockBlobStageBlockOptions(blockId, BinaryData.fromBytes(block))
                        .setContentMd5(md5(block, 0, block.length)), null, Context.NONE);
                return null;
            })));
        }
        try {
            awaitAll(staged);
        } catch (RuntimeException e) {
            if (AzureErrors.status(e) == 409 && exists(u.name)) {
                return false; // e.g. an immutable blob of that name refuses new blocks
            }
            throw e;
        }
        BlockBlobCommitBlockListOptions options = new BlockBlobCommitBlockListOptions(ids)
                .setMetadata(u.metadata)
                .setTier(u.tier)
                .setImmutabilityPolicy(u.policy)
                .setRequestConditions(IF_ABSENT);
        int[] attempts = {0};
        try {
            call(retrier, where, "put " + u.name + " (commit of " + count + " blocks)", () -> {
                u.attempt(attempts);
                return u.client.commitBlockListWithResponse(options, null, Context.NONE);
            });
            return true;
        } catch (RuntimeException e) {
            return existedBefore(u, e);
        }
    }

    /** Waits for every block; on the first failure cancels the rest and rethrows it. */
    private void awaitAll(List<Future<Void>> futures) throws IOException {
        try {
            for (Future<Void> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while uploading to " + where);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(where + ": block upload failed", redactor.redacted(cause));
        } finally {
            futures.forEach(f -> f.cancel(true));
        }
    }

    /**
     * Answers a failed create: {@code false} if the blob existed before (409/412: the
     * service refused If-None-Match), {@code true} if the "existing" blob is the one an
     * earlier attempt of this same upload made; otherwise the failure stands.
     */
    private boolean existedBefore(Upload u, RuntimeException e) throws IOException {
        boolean conflict = AzureErrors.is(e, 409, "BlobAlreadyExists", "BlobImmutableDueToPolicy")
                || AzureErrors.is(e, 412);
        if (!conflict) {
            throw e;
        }
        if (!u.resent) {
            return false;
        }
        BlobProperties existing = properties(u.name);
        return existing != null && u.id.equals(metadata(existing.getMetadata(), UPLOAD));
    }

    private AccessTier tier(String name) {
        if (settings.dataTier == null) {
            return null; // the account's default tier for everything
        }
        if (!name.startsWith("data/")) {
            return AccessTier.HOT;
        }
        return switch (settings.dataTier) {
            case HOT -> AccessTier.HOT;
            case COOL -> AccessTier.COOL;
            case COLD -> AccessTier.COLD;
        };
    }

    /** Block ids: Base64 of the same length for every block of a blob, unique to this upload. */
    private static String blockId(String uploadId, int index) {
        String raw = uploadId + String.format(Locale.ROOT, "-%06d", index);
        return Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] md5(byte[] bytes, int offset, int length) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(bytes, offset, length);
            return md5.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has MD5", e);
        }
    }

    // ---- reading

    @Override
    public byte[] get(String name) throws IOException {
        BlobClient blob = blob(BlobNames.validate(name));
        try {
            return call(retrier, where, "get " + name, () -> blob
                    .downloadContentWithResponse(null, null, null, false, null, Context.NONE).getValue().toBytes());
        } catch (RuntimeException e) {
            throw failure("get", name, e);
        }
    }

    @Override
    public byte[] get(String name, long offset, int length) throws IOException {
        BlobClient blob = blob(BlobNames.validate(name));
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative offset " + offset + " or length " + length + " reading " + name);
        }
        if (length == 0 || offset > Long.MAX_VALUE - length) {
            long size = stat(name).size(); // a missing blob is NoSuchBlob, even for an empty range
            if (offset > size - length) {
                throw eof(name, size, offset, length);
            }
            return new byte[0];
        }
        byte[] bytes;
        try {
            bytes = call(retrier, where, "get " + name, () -> blob.downloadContentWithResponse(null, null,
                    new BlobRange(offset, (long) length), false, null, Context.NONE).getValue().toBytes());
        } catch (RuntimeException e) {
            if (AzureErrors.is(e, 416)) {
                throw eof(name, -1, offset, length);
            }
            throw failure("get", name, e);
        }
        if (bytes.length != length) {
            if (bytes.length < length) {
                throw eof(name, offset + bytes.length, offset, length);
            }
            throw new IOException(where + ": get " + name + " returned " + bytes.length + " bytes for a range of "
                    + length);
        }
        return bytes;
    }

    private static EOFException eof(String name, long size, long offset, int length) {
        return new EOFException("blob " + name + (size >= 0 ? " has " + size + " bytes" : " is shorter")
                + "; cannot read " + length + " at " + offset);
    }

    @Override
    public BlobInfo stat(String name) throws IOException {
        BlobProperties p = properties(BlobNames.validate(name));
        if (p == null) {
            throw new NoSuchBlobException(name);
        }
        return new BlobInfo(name, p.getBlobSize(), retainUntil(p.getMetadata(), p.getImmutabilityPolicy()));
    }

    /** A blob's properties, or null if there is no such blob. */
    private BlobProperties properties(String name) throws IOException {
        BlobClient blob = blob(name);
        try {
            return call(retrier, where, "stat " + name, blob::getProperties);
        } catch (RuntimeException e) {
            if (AzureErrors.is(e, 404, "BlobNotFound") || (AzureErrors.is(e, 404) && AzureErrors.code(e) == null)) {
                return null;
            }
            throw failure("stat", name, e);
        }
    }

    private boolean exists(String name) throws IOException {
        return properties(name) != null;
    }

    @Override
    public List<BlobInfo> list(String prefix) throws IOException {
        BlobNames.validatePrefix(prefix);
        String root = settings.prefix.isEmpty() ? "" : settings.prefix + "/";
        ListBlobsOptions options = new ListBlobsOptions().setPrefix(root + prefix).setDetails(new BlobListDetails()
                .setRetrieveMetadata(true).setRetrieveImmutabilityPolicy(true));
        try {
            return call(retrier, where, "list " + (prefix.isEmpty() ? "(all)" : prefix), () -> {
                List<BlobInfo> blobs = new ArrayList<>();
                for (BlobItem item : container.listBlobs(options, null)) {
                    BlobInfo info = info(item, root);
                    if (info != null) {
                        blobs.add(info);
                    }
                }
                return blobs;
            });
        } catch (RuntimeException e) {
            throw failure("list", prefix, e);
        }
    }

    /** A listed item as a blob, or null for what is not one of ours (a foreign name, a deleted or directory entry). */
    private BlobInfo info(BlobItem item, String root) {
        if (Boolean.TRUE.equals(item.isPrefix()) || item.isDeleted() || !item.getName().startsWith(root)) {
            return null;
        }
        String name = item.getName().substring(root.length());
        try {
            BlobNames.validate(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
        Long size = item.getProperties() == null ? null : item.getProperties().getContentLength();
        return new BlobInfo(name, size == null ? 0 : size, retainUntil(item.getMetadata(),
                item.getProperties() == null ? null : item.getProperties().getImmutabilityPolicy()));
    }

    /** The later of the metadata date and the Azure policy's expiry, or null if neither. */
    private static Instant retainUntil(Map<String, String> metadata, BlobImmutabilityPolicy policy) {
        Instant until = null;
        String stored = metadata(metadata, RETAIN_UNTIL);
        if (stored != null) {
            try {
                until = Instant.parse(stored);
            } catch (DateTimeParseException e) {
                // not ours; the policy still counts
            }
        }
        if (policy != null && policy.getExpiryTime() != null) {
            Instant expiry = policy.getExpiryTime().toInstant();
            if (until == null || expiry.isAfter(until)) {
                until = expiry;
            }
        }
        return until;
    }

    private static String metadata(Map<String, String> metadata, String key) {
        if (metadata == null) {
            return null;
        }
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (e.getKey().equalsIgnoreCase(key)) {
                return e.getValue();
            }
        }
        return null;
    }

    // ---- deleting

    @Override
    public boolean delete(String name) throws IOException {
        BlobProperties p = properties(BlobNames.validate(name));
        if (p == null) {
            return false;
        }
        Instant until = retainUntil(p.getMetadata(), p.getImmutabilityPolicy());
        if (until != null && clock.instant().isBefore(until)) {
            throw new ObjectLockedException(name, until);
        }
        BlobClient blob = blob(name);
        int[] attempts = {0};
        try {
            call(retrier, where, "delete " + name, () -> {
                attempts[0]++;
                return blob.deleteWithResponse(DeleteSnapshotsOptionType.INCLUDE, null, null, Context.NONE);
            });
            return true;
        } catch (RuntimeException e) {
            if (AzureErrors.is(e, 404)) {
                return attempts[0] > 1; // gone: by our own earlier attempt whose answer was lost, or by another client
            }
            if (AzureErrors.is(e, 409, "BlobImmutableDueToPolicy")) {
                throw new ObjectLockedException(name, until);
            }
            throw failure("delete", name, e);
        }
    }

    // ----

    private BlobClient blob(String name) {
        return container.getBlobClient(settings.prefix.isEmpty() ? name : settings.prefix + "/" + name);
    }

    /** An SDK failure as an IOException: NoSuchBlob for a missing blob, else the operation, blob and safe reason. */
    private IOException failure(String operation, String name, RuntimeException e) {
        if (AzureErrors.is(e, 404, "BlobNotFound") && !operation.equals("list")) {
            return new NoSuchBlobException(name);
        }
        String reason = AzureErrors.describe(e, redactor);
        if (AzureErrors.is(e, 404, "ContainerNotFound")) {
            reason = "the container " + settings.container + " no longer exists (" + reason + ")";
        } else if (AzureErrors.is(e, 409, "BlobArchived")) {
            reason = "the blob is in the Archive tier and must be rehydrated to Hot or Cool before it can be read ("
                    + reason + ")";
        }
        return new IOException(where + ": " + operation + " " + (name.isEmpty() ? "(all)" : name) + " failed: "
                + reason, redactor.redacted(e));
    }

    /** Sends {@code request} through {@code retry}; messages name the store, then {@code what} (operation and blob). */
    private static <T> T call(Retry retry, String where, String what, Request<T> request) throws IOException {
        return retry.run(where + ": " + what, attempt -> request.send());
    }

    /** How many requests were retried so far (for tests and drills). */
    long retries() {
        return retrier.retries();
    }

    @Override
    public String describe() {
        return where;
    }

    @Override
    public String toString() {
        return "AzureBlobStore[" + where + ", immutability " + settings.immutability + "]";
    }

    @Override
    public void close() {
        uploads.shutdownNow();
    }

    /**
     * Opens an {@link AzureBlobStore}: settings come from the location (see
     * docs/operations.md); tests add HTTP pipeline policies (to record or fail requests),
     * a clock and a sleeper.
     */
    public static final class Builder {
        private final StoreLocation location;
        private boolean create;
        private boolean retentionLocks;
        private final List<HttpPipelinePolicy> policies = new ArrayList<>();
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = d -> Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;

        private Builder(StoreLocation location) {
            this.location = Objects.requireNonNull(location, "location");
        }

        /** Create the container if it does not exist ({@code init}). */
        public Builder create(boolean create) {
            this.create = create;
            return this;
        }

        /** The repository will lock objects: refuse to open a container that cannot hold locks. */
        public Builder retentionLocks(boolean retentionLocks) {
            this.retentionLocks = retentionLocks;
            return this;
        }

        /**
         * Adds a policy to every request's HTTP pipeline, where its
         * {@link HttpPipelinePolicy#getPipelinePosition() position} puts it: once per try
         * (the default), after the request is signed, or once per call, before.
         */
        public Builder addPolicy(HttpPipelinePolicy policy) {
            policies.add(Objects.requireNonNull(policy, "policy"));
            return this;
        }

        /** The clock that retention dates and the retry time limit are measured by. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How the store waits between retries. */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** How long one request may wait for an answer, or between reads of one (default 60 s). */
        public Builder requestTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("request timeout must be positive, not " + timeout);
            }
            this.requestTimeout = timeout;
            return this;
        }

        /**
         * Opens the store, checking the container: it must exist (or be created, with
         * {@link #create}) and, with {@link #retentionLocks}, be able to hold locks.
         *
         * @throws IllegalArgumentException if a setting is missing or wrong, or locks are
         *         asked of a container that cannot hold them
         * @throws RepositoryNotFoundException if the container does not exist and may not be created
         * @throws IOException if Azure cannot be reached or refuses
         */
        public AzureBlobStore open() throws IOException {
            AzureSettings settings = AzureSettings.from(location);
            Redactor redactor = new Redactor(settings.secrets());
            BlobServiceClient service = serviceClient(settings, redactor);
            String account = service.getAccountName();
            String where = "azure://" + (account == null || account.isEmpty() ? "" : account + "/") + settings.container
                    + (settings.prefix.isEmpty() ? "" : "/" + settings.prefix);
            Sleeper sleeper = this.sleeper;
            Clock clock = this.clock;
            Retry retrier = new Retry(settings.retryTime, FIRST_DELAY, MAX_DELAY, () -> {
                Instant now = clock.instant();
                return now.getEpochSecond() * 1_000_000_000L + now.getNano();
            }, sleeper::sleep, () -> ThreadLocalRandom.current().nextLong(), AzureErrors.forRetry(redactor));
            BlobContainerClient container = service.getBlobContainerClient(settings.container);
            Boolean immutable = openContainer(container, settings, where, retrier, redactor);
            String noRetention = noRetention(settings, immutable);
            AzureBlobStore store = new AzureBlobStore(settings, container, where, redactor, retrier, clock, noRetention);
            if (retentionLocks && noRetention != null) {
                store.close();
                throw new IllegalArgumentException(where + " cannot hold retention locks: " + noRetention);
            }
            return store;
        }

        private BlobServiceClient serviceClient(AzureSettings settings, Redactor redactor) {
            BlobServiceClientBuilder b = new BlobServiceClientBuilder()
                    .httpClient(HTTP_CLIENTS.computeIfAbsent(requestTimeout, Builder::httpClient))
                    // One try per call: Retry is the only retry loop, so its time limit holds.
                    .retryOptions(new RequestRetryOptions(RetryPolicyType.FIXED, 1, (Duration) null, null, null, null));
            try {
                switch (settings.credentialKind) {
                    case CONNECTION_STRING -> b.connectionString(settings.secret);
                    case SHARED_KEY -> b.credential(new StorageSharedKeyCredential(settings.account, settings.secret));
                    case SAS -> b.sasToken(settings.secret);
                }
                if (settings.endpoint != null) {
                    b.endpoint(settings.endpoint);
                } else if (settings.credentialKind != AzureSettings.CredentialKind.CONNECTION_STRING) {
                    b.endpoint("https://" + settings.account + ".blob.core.windows.net");
                }
                policies.forEach(b::addPolicy);
                return b.buildClient();
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("cannot use " + settings.credentialSource() + " for " + location
                        + ": " + redactor.clean(String.valueOf(e.getMessage())));
            }
        }

        private static HttpClient httpClient(Duration timeout) {
            return new JdkHttpClientBuilder()
                    .connectionTimeout(CONNECT_TIMEOUT)
                    .responseTimeout(timeout)
                    .readTimeout(timeout)
                    .writeTimeout(timeout)
                    .build();
        }

        /** Why a store with these settings cannot hold locks, or null if it can; see docs/operations.md. */
        private static String noRetention(AzureSettings settings, Boolean immutable) {
            return switch (settings.immutability) {
                case OFF -> "retention locks are off (" + AzureSettings.IMMUTABILITY + "=off)";
                case EMULATED -> null;
                case LOCKED, UNLOCKED -> {
                    if (Boolean.TRUE.equals(immutable) || (immutable == null && settings.immutabilityExplicit)) {
                        yield null;
                    }
                    yield immutable == null
                            ? "these credentials cannot read the container's properties to check that it has"
                            + " version-level immutability support; use the account key or an account SAS, or set"
                            + " " + AzureSettings.IMMUTABILITY + "=" + settings.immutability + " to rely on the container"
                            + " having it"
                            : "the container does not have version-level immutability support enabled; enable it on"
                            + " the storage account or container, or, on an emulator such as Azurite, set"
                            + " " + AzureSettings.IMMUTABILITY + "=emulated (see docs/operations.md)";
                }
            };
        }

        /**
         * Makes sure the container exists, creating it first if allowed (a missing one is
         * RepositoryNotFound), and tells whether it has version-level immutability support:
         * null if these credentials cannot read its properties (a SAS for the container
         * alone), when a one-blob listing proves it exists instead.
         */
        private Boolean openContainer(BlobContainerClient container, AzureSettings settings, String where,
                                      Retry retrier, Redactor redactor) throws IOException {
            try {
                return immutable(call(retrier, where, "open container", container::getProperties));
            } catch (RuntimeException e) {
                if (AzureErrors.is(e, 403) && settings.credentialKind == AzureSettings.CredentialKind.SAS) {
                    if (probeByListing(container, where, retrier, redactor)) {
                        return null;
                    }
                } else if (!AzureErrors.is(e, 404)) {
                    throw new IOException(where + ": cannot open the container: " + AzureErrors.describe(e, redactor),
                            redactor.redacted(e));
                }
            }
            if (!create) {
                throw new RepositoryNotFoundException("no Lifeboat repository at " + where + " (the container "
                        + settings.container + " does not exist; `lifeboat init` creates it)");
            }
            try {
                call(retrier, where, "create container", container::createIfNotExists);
                return immutable(call(retrier, where, "open container", container::getProperties));
            } catch (RuntimeException e) {
                throw new IOException(where + ": cannot create the container: " + AzureErrors.describe(e, redactor),
                        redactor.redacted(e));
            }
        }

        private static Boolean immutable(BlobContainerProperties properties) {
            return Boolean.TRUE.equals(properties.isImmutableStorageWithVersioningEnabled());
        }

        /** Whether the container exists, by listing at most one blob (what a SAS for the container allows). */
        private static boolean probeByListing(BlobContainerClient container, String where, Retry retrier,
                                              Redactor redactor) throws IOException {
            try {
                call(retrier, where, "open container", () -> container.listBlobs(new ListBlobsOptions().setMaxResultsPerPage(1),
                        null).iterableByPage().iterator().hasNext());
                return true;
            } catch (RuntimeException e) {
                if (AzureErrors.is(e, 404)) {
                    return false;
                }
                throw new IOException(where + ": cannot open the container: " + AzureErrors.describe(e, redactor),
                        redactor.redacted(e));
            }
        }
    }
}
