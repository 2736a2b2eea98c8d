package io.lifeboat.s3;

import io.lifeboat.core.RepositoryNotFoundException;
import io.lifeboat.core.storage.BlobInfo;
import io.lifeboat.core.storage.BlobNames;
import io.lifeboat.core.storage.BlobStore;
import io.lifeboat.core.storage.NoSuchBlobException;
import io.lifeboat.core.storage.ObjectLockedException;
import io.lifeboat.core.storage.Retry;
import io.lifeboat.core.storage.StoreLocation;
import io.lifeboat.s3.S3Failures.PermanentIOException;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectLockEnabled;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.StorageClass;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * A {@link BlobStore} in an Amazon S3 bucket or an S3-compatible store, at
 * {@code s3://bucket/prefix}: the blob {@code data/3f/3f9a...} is the object
 * {@code prefix/data/3f/3f9a...}. See {@link S3Settings} for the options and environment
 * it reads, and docs/operations.md ("S3 repositories") for the permissions it needs.
 *
 * <h2>Write once</h2>
 * Every object is created with {@code If-None-Match: *}: S3 refuses (412) to replace an
 * existing key, which {@link #putIfAbsent} reports as {@code false}. Objects up to the part
 * size (8 MiB) go in one PUT; larger ones as a multipart upload whose parts travel in
 * parallel, each with its Content-MD5, and whose completion carries {@code If-None-Match}
 * too. S3 makes an object visible only when its PUT or its completion succeeds, so no
 * reader sees a part of one; a failed multipart upload is aborted. After a failure that
 * may have reached S3 (a reset connection, a 500), the put is retried; if the retry then
 * finds the name taken, the object's user metadata {@code x-amz-meta-lifeboat-write}, a
 * random token of each put, tells whether an earlier attempt of this very call created
 * it (then {@code true}) or someone else did. The caller's array is not referenced once
 * put returns, even on failure.
 *
 * <h2>Retries</h2>
 * Throttling, server errors and failed connections are retried with exponential backoff
 * and jitter for at most the retry time (default 5 minutes) per call; then the call fails
 * with an {@link IOException} that names the operation, the blob and the last error.
 *
 * <h2>Retention locks: S3 Object Lock</h2>
 * A put with a date sets the object's Object Lock mode ({@code GOVERNANCE} unless
 * configured) and retain-until date, rounded up to the whole second, in the same request,
 * so the object is never visible unlocked. {@link #supportsRetention()} is true when the
 * bucket has Object Lock enabled. A server that ignores those headers (Adobe S3Mock) is
 * found out on the first locked put, which then reads the lock back; from then on each
 * locked put sets the lock with a second request (PutObjectRetention), which leaves a
 * window in which the object is unlocked, and deletes the object if that request fails.
 *
 * <p>{@link #stat} reads the date from HEAD (or GetObjectRetention where HEAD does not
 * show it); {@link #list} of a bucket with Object Lock asks GetObjectRetention for every
 * listed object, in parallel: one request per object. {@link #delete} reads the lock
 * first and refuses with {@link ObjectLockedException} itself, so that the lock holds on
 * servers that do not enforce it; then it deletes the exact version it read, so that a
 * versioned bucket (every bucket with Object Lock) keeps no hidden copy behind a delete
 * marker.
 *
 * <h2>Delete of a missing blob</h2>
 * S3 answers a DELETE of a missing key with success, so {@link #delete} asks with HEAD
 * first. Between the two, another client may delete the object too: both then report
 * {@code true}. Nothing is lost; only the count is off.
 *
 * <p>Thread-safe. Each store holds an SDK client and a small thread pool; {@link #close}
 * releases both.
 */
public final class S3BlobStore implements BlobStore {
    static final int DEFAULT_PART_SIZE = 8 << 20;
    static final int THREADS = 8;
    static final Duration FIRST_DELAY = Duration.ofMillis(200);
    static final Duration MAX_DELAY = Duration.ofSeconds(20);
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
    private static final String NOT_FOUND = "NoSuchKey";
    /** User metadata naming the put that wrote an object: a retry tells its own earlier attempt from another writer. */
    static final String WRITE_TOKEN = "lifeboat-write";

    /**
     * What tests replace: the HTTP client (to inject faults), SDK interceptors (to see
     * requests), time, and the part size.
     */
    record Hooks(UnaryOperator<SdkHttpClient> httpClient, List<ExecutionInterceptor> interceptors,
                 Retry.Sleeper sleeper, LongSupplier nanoTime, Clock clock, int partSize) {
        Hooks {
            Objects.requireNonNull(httpClient);
            interceptors = List.copyOf(interceptors);
            Objects.requireNonNull(sleeper);
            Objects.requireNonNull(nanoTime);
            Objects.requireNonNull(clock);
            if (partSize < 1) {
                throw new IllegalArgumentException("part size " + partSize);
            }
        }

        static Hooks none() {
            return new Hooks(UnaryOperator.identity(), List.of(), d -> Thread.sleep(d), System::nanoTime,
                    Clock.systemUTC(), DEFAULT_PART_SIZE);
        }

        Hooks withHttpClient(UnaryOperator<SdkHttpClient> h) {
            return new Hooks(h, interceptors, sleeper, nanoTime, clock, partSize);
        }

        Hooks withInterceptors(ExecutionInterceptor... i) {
            return new Hooks(httpClient, List.of(i), sleeper, nanoTime, clock, partSize);
        }

        Hooks withTime(Retry.Sleeper s, LongSupplier n) {
            return new Hooks(httpClient, interceptors, s, n, clock, partSize);
        }

        Hooks withClock(Clock c) {
            return new Hooks(httpClient, interceptors, sleeper, nanoTime, c, partSize);
        }

        Hooks withPartSize(int p) {
            return new Hooks(httpClient, interceptors, sleeper, nanoTime, clock, p);
        }
    }

    private final S3Settings settings;
    private final S3Client s3;
    private final AwsCredentialsProvider credentials;
    private final S3Failures failures;
    private final Retry retrier;
    private final Clock clock;
    private final int partSize;
    private final boolean objectLock;
    private final ExecutorService pool;
    /** Whether the server applies the Object Lock headers of a PUT; null until the first locked put tells. */
    private volatile Boolean lockHeadersApplied;

    private S3BlobStore(S3Settings settings, S3Client s3, AwsCredentialsProvider credentials, S3Failures failures,
                        Retry retrier, Hooks hooks, boolean objectLock) {
        this.settings = settings;
        this.s3 = s3;
        this.credentials = credentials;
        this.failures = failures;
        this.retrier = retrier;
        this.clock = hooks.clock();
        this.partSize = hooks.partSize();
        this.objectLock = objectLock;
        AtomicInteger threads = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "lifeboat-s3-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    // ---- opening

    /**
     * Opens the store at {@code location}; see {@link io.lifeboat.core.storage.BlobStoreProvider#open}.
     *
     * @param create         make the bucket if it does not exist (with Object Lock if {@code retentionLocks})
     * @param retentionLocks the repository locks objects: the bucket must have Object Lock
     * @throws RepositoryNotFoundException if the bucket does not exist and {@code create} is not set
     * @throws IllegalArgumentException if a setting is malformed, or locks are asked of a bucket without Object Lock
     */
    public static S3BlobStore open(StoreLocation location, boolean create, boolean retentionLocks) throws IOException {
        return open(location, create, retentionLocks, Hooks.none());
    }

    static S3BlobStore open(StoreLocation location, boolean create, boolean retentionLocks, Hooks hooks)
            throws IOException {
        S3Settings settings = S3Settings.from(location);
        AwsCredentialsProvider credentials = S3Clients.credentials(location);
        S3Failures failures = new S3Failures(S3Clients.secrets(location));
        RandomGenerator random = () -> ThreadLocalRandom.current().nextLong();
        Retry retrier = new Retry(settings.retryTime(), FIRST_DELAY, MAX_DELAY, hooks.nanoTime(), hooks.sleeper(),
                random, failures.forRetry());
        S3Client s3 = S3Clients.build(settings, credentials, hooks.httpClient(), hooks.interceptors());
        try {
            if (!bucketExists(s3, settings, retrier, failures)) {
                if (!create) {
                    throw new RepositoryNotFoundException("no Lifeboat repository at " + settings.describe()
                            + ": the bucket does not exist ('lifeboat init' creates it)");
                }
                createBucket(s3, settings, retrier, failures, retentionLocks);
            }
            boolean objectLock = objectLockEnabled(s3, settings, retrier, failures, retentionLocks);
            if (retentionLocks && !objectLock) {
                throw new IllegalArgumentException("bucket " + settings.bucket() + " (" + settings.describe() + ") has no"
                        + " S3 Object Lock, which a retention-locked repository needs: use a new bucket, which"
                        + " 'lifeboat init' creates with Object Lock, or enable Object Lock on this one (aws s3api"
                        + " put-object-lock-configuration --bucket " + settings.bucket()
                        + " --object-lock-configuration ObjectLockEnabled=Enabled)");
            }
            return new S3BlobStore(settings, s3, credentials, failures, retrier, hooks, objectLock);
        } catch (IOException | RuntimeException e) {
            closeClient(s3, credentials);
            throw e;
        }
    }

    private static boolean bucketExists(S3Client s3, S3Settings settings, Retry retrier, S3Failures failures)
            throws IOException {
        String call = "S3 HEAD of the bucket of " + settings.describe();
        try {
            retrier.run(call, attempt -> s3.headBucket(b -> b.bucket(settings.bucket())));
            return true;
        } catch (AwsServiceException e) {
            if (e.statusCode() == 404) {
                return false;
            }
            String region = e.awsErrorDetails() == null || e.awsErrorDetails().sdkHttpResponse() == null ? null
                    : e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amz-bucket-region").orElse(null);
            if (e.statusCode() == 301 && region != null) {
                throw new IOException(call + " failed: the bucket is in region " + region + ", not "
                        + s3.serviceClientConfiguration().region() + "; set AWS_REGION=" + region);
            }
            if (e.statusCode() == 403) {
                throw new IOException(call + " failed: access denied (403); check the credentials, and that they may"
                        + " list the bucket (s3:ListBucket)");
            }
            throw failures.failure(call, e);
        } catch (SdkException e) {
            throw failures.failure(call, e);
        }
    }

    private static void createBucket(S3Client s3, S3Settings settings, Retry retrier, S3Failures failures,
                                     boolean objectLock) throws IOException {
        CreateBucketRequest.Builder request = CreateBucketRequest.builder().bucket(settings.bucket());
        if (objectLock) {
            request.objectLockEnabledForBucket(true);
        }
        Region region = s3.serviceClientConfiguration().region();
        if (region != null && !region.equals(Region.US_EAST_1) && settings.region() != null) {
            request.createBucketConfiguration(c -> c.locationConstraint(region.id()));
        }
        String call = "S3 creation of the bucket" + (objectLock ? " with Object Lock" : "") + " of "
                + settings.describe();
        try {
            retrier.run(call, attempt -> s3.createBucket(request.build()));
        } catch (AwsServiceException e) {
            String code = S3Failures.errorCode(e);
            if (code.equals("BucketAlreadyOwnedByYou")) {
                return; // another init made it a moment ago
            }
            if (code.equals("BucketAlreadyExists")) {
                throw new IOException(call + " failed: the name is taken by another account; choose another bucket");
            }
            if (objectLock && e.statusCode() == 501) {
                throw new IllegalArgumentException(call + " failed: the server does not implement S3 Object Lock ("
                        + failures.summary(e) + "); a retention-locked repository needs storage that does");
            }
            throw failures.failure(call, e);
        } catch (SdkException e) {
            throw failures.failure(call, e);
        }
    }

    private static boolean objectLockEnabled(S3Client s3, S3Settings settings, Retry retrier, S3Failures failures,
                                             boolean required) throws IOException {
        String call = "S3 GET of the Object Lock configuration of the bucket of " + settings.describe();
        try {
            var answer = retrier.run(call, attempt -> s3.getObjectLockConfiguration(b -> b.bucket(settings.bucket())));
            var configuration = answer.objectLockConfiguration();
            return configuration != null && configuration.objectLockEnabled() == ObjectLockEnabled.ENABLED;
        } catch (AwsServiceException e) {
            if (e.statusCode() == 403 && required) {
                throw new IOException(call + " failed: access denied (403); the credentials need"
                        + " s3:GetBucketObjectLockConfiguration to use a retention-locked repository");
            }
            // 404 ObjectLockConfigurationNotFoundError, 501 from servers without Object Lock, 403: no lock known
            if (e.statusCode() == 404 || e.statusCode() == 501 || e.statusCode() == 400 || e.statusCode() == 403
                    || e.statusCode() == 405) {
                return false;
            }
            throw failures.failure(call, e);
        } catch (SdkException e) {
            throw failures.failure(call, e);
        }
    }

    // ---- writing

    @Override
    public boolean putIfAbsent(String name, byte[] data, int offset, int length) throws IOException {
        return putIfAbsent(name, data, offset, length, null);
    }

    @Override
    public boolean putIfAbsent(String name, byte[] data, int offset, int length, Instant retainUntil) throws IOException {
        BlobNames.validate(name);
        if (offset < 0 || length < 0 || offset > data.length - length) {
            throw new IllegalArgumentException("range [" + offset + ", +" + length + ") outside an array of " + data.length);
        }
        if (retainUntil != null && !objectLock) {
            throw new UnsupportedOperationException(describe() + " cannot hold retention locks: its bucket has no S3"
                    + " Object Lock");
        }
        Instant until = lockDate(retainUntil);
        String token = UUID.randomUUID().toString();
        boolean created = length > partSize
                ? putMultipart(name, data, offset, length, until, token)
                : putSingle(name, data, offset, length, until, token);
        if (created && until != null) {
            ensureLocked(name, until);
        }
        return created;
    }

    @Override
    public boolean supportsRetention() {
        return objectLock;
    }

    /** The date to lock until: rounded up to the second (never shortened), null if none or already past. */
    private Instant lockDate(Instant retainUntil) {
        if (retainUntil == null) {
            return null;
        }
        Instant seconds = retainUntil.truncatedTo(ChronoUnit.SECONDS);
        Instant until = seconds.equals(retainUntil) ? seconds : seconds.plusSeconds(1);
        return until.isAfter(clock.instant()) ? until : null;
    }

    private boolean putSingle(String name, byte[] data, int offset, int length, Instant until, String token)
            throws IOException {
        PutObjectRequest.Builder r = PutObjectRequest.builder()
                .bucket(settings.bucket())
                .key(settings.key(name))
                .ifNoneMatch("*")
                .metadata(Map.of(WRITE_TOKEN, token))
                .contentLength((long) length)
                .contentMD5(md5(data, offset, length));
        StorageClass storageClass = settings.storageClass(name);
        if (storageClass != null) {
            r.storageClass(storageClass);
        }
        if (until != null) {
            r.objectLockMode(settings.lockMode()).objectLockRetainUntilDate(until);
        }
        PutObjectRequest request = r.build();
        String call = call("PUT", name);
        AtomicBoolean retried = new AtomicBoolean();
        try {
            retrier.run(call, attempt -> {
                retried.set(attempt > 1);
                return s3.putObject(request, body(data, offset, length));
            });
            return true;
        } catch (AwsServiceException e) {
            if (e.statusCode() == 412) {
                return retried.get() && writtenBy(name, token);
            }
            throw failures.failure(call, e);
        } catch (SdkException e) {
            throw failures.failure(call, e);
        }
    }

    private boolean putMultipart(String name, byte[] data, int offset, int length, Instant until, String token)
            throws IOException {
        CreateMultipartUploadRequest.Builder r = CreateMultipartUploadRequest.builder()
                .bucket(settings.bucket())
                .key(settings.key(name))
                .metadata(Map.of(WRITE_TOKEN, token));
        StorageClass storageClass = settings.storageClass(name);
        if (storageClass != null) {
            r.storageClass(storageClass);
        }
        if (until != null) {
            r.objectLockMode(settings.lockMode()).objectLockRetainUntilDate(until);
        }
        CreateMultipartUploadRequest request = r.build();
        String uploadId = call(call("start of the multipart upload", name), () -> false,
                attempt -> s3.createMultipartUpload(request).uploadId());
        boolean created = false;
        try {
            List<CompletedPart> parts = uploadParts(name, uploadId, data, offset, length);
            created = complete(name, uploadId, parts, token);
            return created;
        } finally {
            if (!created) {
                abort(name, uploadId);
            }
        }
    }

    /** Uploads all parts in parallel; waits for every part, even after a failure, as they read the caller's array. */
    private List<CompletedPart> uploadParts(String name, String uploadId, byte[] data, int offset, int length)
            throws IOException {
        int count = (int) ((length + (long) partSize - 1) / partSize);
        AtomicBoolean failed = new AtomicBoolean();
        List<Future<CompletedPart>> futures = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int number = i + 1;
            int from = offset + i * partSize;
            int len = Math.min(partSize, offset + length - from);
            futures.add(pool.submit(() -> {
                if (failed.get()) {
                    throw new PermanentIOException("not sent: another part failed");
                }
                try {
                    return uploadPart(name, uploadId, number, data, from, len, failed::get);
                } catch (IOException | RuntimeException e) {
                    failed.set(true);
                    throw e;
                }
            }));
        }
        List<CompletedPart> parts = new ArrayList<>(count);
        Throwable first = null;
        boolean interrupted = false;
        for (Future<CompletedPart> f : futures) {
            while (true) {
                try {
                    parts.add(f.get());
                    break;
                } catch (ExecutionException e) {
                    if (first == null || first instanceof PermanentIOException) {
                        first = e.getCause();
                    }
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // stop further attempts, but wait: the parts read the caller's array
                    failed.set(true);
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(call("multipart upload", name) + " was interrupted");
        }
        if (first instanceof IOException e) {
            throw e;
        }
        if (first != null) {
            throw failures.failure(call("multipart upload", name), first);
        }
        return parts;
    }

    private CompletedPart uploadPart(String name, String uploadId, int number, byte[] data, int from, int len,
                                     BooleanSupplier cancelled) throws IOException {
        UploadPartRequest request = UploadPartRequest.builder()
                .bucket(settings.bucket())
                .key(settings.key(name))
                .uploadId(uploadId)
                .partNumber(number)
                .contentLength((long) len)
                .contentMD5(md5(data, from, len))
                .build();
        String eTag = call(call("PUT of part " + number, name), cancelled,
                attempt -> s3.uploadPart(request, body(data, from, len)).eTag());
        return CompletedPart.builder().partNumber(number).eTag(eTag).build();
    }

    private boolean complete(String name, String uploadId, List<CompletedPart> parts, String token) throws IOException {
        CompleteMultipartUploadRequest request = CompleteMultipartUploadRequest.builder()
                .bucket(settings.bucket())
                .key(settings.key(name))
                .uploadId(uploadId)
                .multipartUpload(m -> m.parts(parts))
                .ifNoneMatch("*")
                .build();
        String call = call("completion of the multipart upload", name);
        AtomicBoolean retried = new AtomicBoolean();
        try {
            retrier.run(call, attempt -> {
                retried.set(attempt > 1);
                return s3.completeMultipartUpload(request);
            });
            return true;
        } catch (AwsServiceException e) {
            boolean answeredEarlierAttempt = e.statusCode() == 412 || S3Failures.errorCode(e).equals("NoSuchUpload");
            if (answeredEarlierAttempt && retried.get() && writtenBy(name, token)) {
                return true;
            }
            if (e.statusCode() == 412) {
                return false;
            }
            throw failures.failure(call, e);
        } catch (SdkException e) {
            throw failures.failure(call, e);
        }
    }

    /** Aborts an upload so that its parts stop costing; a failure here only leaves them to a lifecycle rule. */
    private void abort(String name, String uploadId) {
        try {
            call(call("abort of the multipart upload", name), () -> false,
                    attempt -> s3.abortMultipartUpload(b -> b.bucket(settings.bucket()).key(settings.key(name))
                            .uploadId(uploadId)));
        } catch (IOException e) {
            // the upload never completed, so no object is visible; see docs/operations.md on stray uploads
        }
    }

    /**
     * Whether the blob was written by the put that carried {@code token}: a retried put
     * that finds the name taken may have taken it itself, with an attempt whose answer was
     * lost.
     */
    private boolean writtenBy(String name, String token) throws IOException {
        try {
            return token.equals(head(name).metadata().get(WRITE_TOKEN));
        } catch (NoSuchBlobException e) {
            return false;
        }
    }

    /**
     * Makes sure a blob this call created carries its lock. A server that applies the lock
     * headers of a PUT needs nothing more; one that ignores them gets PutObjectRetention.
     * If the lock cannot be set, the (unlocked) blob is deleted and the put fails.
     */
    private void ensureLocked(String name, Instant until) throws IOException {
        if (Boolean.TRUE.equals(lockHeadersApplied)) {
            return;
        }
        try {
            if (lockHeadersApplied == null) {
                if (retention(name) != null) {
                    lockHeadersApplied = true;
                    return;
                }
                lockHeadersApplied = false;
            }
            ObjectLockRetentionMode mode = ObjectLockRetentionMode.fromValue(settings.lockMode().toString());
            call(call("PUT of the retention", name), () -> false, attempt -> s3.putObjectRetention(b -> b
                    .bucket(settings.bucket())
                    .key(settings.key(name))
                    .retention(l -> l.mode(mode).retainUntilDate(until))));
        } catch (IOException | RuntimeException e) {
            try {
                deleteUnlocked(name);
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void deleteUnlocked(String name) throws IOException {
        HeadObjectResponse h = head(name);
        call(call("DELETE", name), () -> false, attempt -> s3.deleteObject(b -> b.bucket(settings.bucket())
                .key(settings.key(name)).versionId(h.versionId())));
    }

    // ---- reading

    @Override
    public byte[] get(String name) throws IOException {
        BlobNames.validate(name);
        String call = call("GET", name);
        try {
            return retrier.run(call, attempt -> {
                try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(settings.bucket())
                        .key(settings.key(name)))) {
                    long size = in.response().contentLength();
                    if (size > MAX_ARRAY) {
                        throw new PermanentIOException("blob " + name + " has " + size + " bytes, too many to read at once");
                    }
                    return readExactly(in, (int) size, call);
                }
            });
        } catch (AwsServiceException e) {
            throw notFoundOrFailure(name, call, e);
        } catch (SdkException e) {
            throw failures.failure(call, e);
        }
    }

    @Override
    public byte[] get(String name, long offset, int length) throws IOException {
        BlobNames.validate(name);
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative offset " + offset + " or length " + length + " reading " + name);
        }
        if (length == 0 || offset > Long.MAX_VALUE - length) {
            long size = stat(name).size();
            if (length == 0 && offset <= size) {
                return new byte[0];
            }
            throw eof(name, size, offset, length);
        }
        String range = "bytes=" + offset + "-" + (offset + length - 1);
        String call = call("GET", name) + " (" + range + ")";
        try {
            return retrier.run(call, attempt -> {
                try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(settings.bucket())
                        .key(settings.key(name)).range(range))) {
                    return readRange(name, in, offset, length, call);
                }
            });
        } catch (AwsServiceException e) {
            if (e.statusCode() == 416) {
                throw eof(name, stat(name).size(), offset, length);
            }
            throw notFoundOrFailure(name, call, e);
        } catch (SdkException e) {
            throw failures.failure(call, e);
        }
    }

    private static byte[] readRange(String name, ResponseInputStream<GetObjectResponse> in, long offset, int length,
                                    String call) throws IOException {
        GetObjectResponse r = in.response();
        long total = totalSize(r.contentRange());
        if (r.contentRange() == null) { // the server sent the whole object
            total = r.contentLength();
            if (offset + length <= total) {
                in.skipNBytes(offset);
            }
        }
        if (total >= 0 && offset + length > total) {
            throw eof(name, total, offset, length);
        }
        return readExactly(in, length, call);
    }

    /** The total size in {@code bytes 3-6/10}, or -1. */
    private static long totalSize(String contentRange) {
        if (contentRange == null) {
            return -1;
        }
        int slash = contentRange.lastIndexOf('/');
        try {
            return slash < 0 ? -1 : Long.parseLong(contentRange.substring(slash + 1).trim());
        } catch (NumberFormatException e) {
            return -1; // "*": unknown
        }
    }

    /** Reads {@code length} bytes; a body that ends early is a transient failure (the connection broke). */
    private static byte[] readExactly(InputStream in, int length, String call) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length != length) {
            throw new IOException(call + ": the response ended after " + bytes.length + " of " + length + " bytes");
        }
        return bytes;
    }

    private static EOFException eof(String name, long size, long offset, int length) {
        return new EOFException("blob " + name + " has " + size + " bytes; cannot read " + length + " at " + offset);
    }

    @Override
    public BlobInfo stat(String name) throws IOException {
        HeadObjectResponse h = head(name);
        Instant until = h.objectLockRetainUntilDate();
        if (until == null && objectLock) {
            until = retention(name);
        }
        return new BlobInfo(name, h.contentLength(), until);
    }

    private HeadObjectResponse head(String name) throws IOException {
        BlobNames.validate(name);
        String call = call("HEAD", name);
        try {
            return retrier.run(call, attempt -> s3.headObject(b -> b.bucket(settings.bucket()).key(settings.key(name))));
        } catch (AwsServiceException e) {
            throw notFoundOrFailure(name, call, e);
        } catch (SdkException e) {
            throw failures.failure(call, e);
        }
    }

    /** The retain-until date of a blob, or null if it has none. */
    private Instant retention(String name) throws IOException {
        String call = call("GET of the retention", name);
        try {
            var answer = retrier.run(call, attempt -> s3.getObjectRetention(b -> b.bucket(settings.bucket())
                    .key(settings.key(name))));
            return answer.retention() == null ? null : answer.retention().retainUntilDate();
        } catch (AwsServiceException e) {
            String code = S3Failures.errorCode(e);
            if (code.equals(NOT_FOUND) || e.statusCode() == 405) {
                throw new NoSuchBlobException(name); // gone, or only a delete marker is left
            }
            if (e.statusCode() == 404 || code.equals("NoSuchObjectLockConfiguration")) {
                return null;
            }
            throw failures.failure(call, e);
        } catch (SdkException e) {
            throw failures.failure(call, e);
        }
    }

    private IOException notFoundOrFailure(String name, String call, AwsServiceException e) {
        if (e.statusCode() == 404 && !S3Failures.errorCode(e).equals("NoSuchBucket")) {
            return new NoSuchBlobException(name);
        }
        if (S3Failures.errorCode(e).equals("NoSuchBucket")) {
            return new IOException(call + " failed: the bucket " + settings.bucket() + " no longer exists");
        }
        return failures.failure(call, e);
    }

    // ---- listing

    @Override
    public List<BlobInfo> list(String prefix) throws IOException {
        BlobNames.validatePrefix(prefix);
        String keyPrefix = settings.keyPrefix();
        String call = "S3 LIST of " + (prefix.isEmpty() ? "all blobs" : "'" + prefix + "'") + " in " + describe();
        List<BlobInfo> blobs = new ArrayList<>();
        String token = null;
        do {
            ListObjectsV2Request request = ListObjectsV2Request.builder()
                    .bucket(settings.bucket())
                    .prefix(keyPrefix + prefix)
                    .continuationToken(token)
                    .build();
            ListObjectsV2Response page = call(call, () -> false, attempt -> s3.listObjectsV2(request));
            for (S3Object o : page.contents()) {
                String name = o.key().substring(keyPrefix.length());
                if (isBlobName(name)) {
                    blobs.add(new BlobInfo(name, o.size()));
                }
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
        return objectLock ? withRetention(blobs) : blobs;
    }

    private static boolean isBlobName(String name) {
        try {
            BlobNames.validate(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false; // a folder marker or a stranger's object
        }
    }

    /** The blobs with their retention dates, asked for in parallel; blobs deleted meanwhile are left out. */
    private List<BlobInfo> withRetention(List<BlobInfo> blobs) throws IOException {
        List<Future<BlobInfo>> futures = new ArrayList<>(blobs.size());
        for (BlobInfo b : blobs) {
            futures.add(pool.submit(() -> {
                try {
                    return new BlobInfo(b.name(), b.size(), retention(b.name()));
                } catch (NoSuchBlobException e) {
                    return null;
                }
            }));
        }
        List<BlobInfo> out = new ArrayList<>(blobs.size());
        try {
            for (Future<BlobInfo> f : futures) {
                BlobInfo info = f.get();
                if (info != null) {
                    out.add(info);
                }
            }
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("listing " + describe() + " was interrupted");
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw failures.failure("S3 LIST of " + describe(), e.getCause());
        }
        return out;
    }

    // ---- deleting

    @Override
    public boolean delete(String name) throws IOException {
        HeadObjectResponse h;
        Instant until;
        try {
            h = head(name);
            until = h.objectLockRetainUntilDate() != null || !objectLock ? h.objectLockRetainUntilDate() : retention(name);
        } catch (NoSuchBlobException e) {
            return false;
        }
        if (until != null && clock.instant().isBefore(until)) {
            throw new ObjectLockedException(name, until);
        }
        String call = call("DELETE", name);
        try {
            retrier.run(call, attempt -> s3.deleteObject(b -> b.bucket(settings.bucket()).key(settings.key(name))
                    .versionId(h.versionId())));
            return true;
        } catch (AwsServiceException e) {
            if (e.statusCode() == 403 && objectLock) {
                Instant locked = retention(name);
                if (locked != null) {
                    throw new ObjectLockedException(name, locked); // S3 enforced a lock our clock thought expired
                }
            }
            throw failures.failure(call, e);
        } catch (SdkException e) {
            throw failures.failure(call, e);
        }
    }

    // ----

    @Override
    public String describe() {
        return settings.describe();
    }

    @Override
    public void close() {
        pool.shutdown();
        closeClient(s3, credentials);
    }

    /** The SDK client does not close a credentials provider it was given (a role's may refresh in the background). */
    private static void closeClient(S3Client s3, AwsCredentialsProvider credentials) {
        s3.close();
        if (credentials instanceof SdkAutoCloseable c) {
            c.close();
        }
    }

    @Override
    public String toString() {
        return "S3BlobStore[" + describe() + "]";
    }

    /** Runs a call with retries; a service error that is not transient fails it. */
    private <T> T call(String call, BooleanSupplier cancelled, Retry.Attempt<T> attempt) throws IOException {
        try {
            return retrier.run(call, cancelled, attempt);
        } catch (SdkException e) {
            throw failures.failure(call, e);
        }
    }

    /** {@code S3 PUT of data/ab/abcd in s3://bucket/prefix}. */
    private String call(String operation, String name) {
        return "S3 " + operation + " of " + name + " in " + describe();
    }

    private static RequestBody body(byte[] data, int offset, int length) {
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(data, offset, length), length,
                "application/octet-stream");
    }

    private static String md5(byte[] data, int offset, int length) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(data, offset, length);
            return Base64.getEncoder().encodeToString(md5.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no MD5", e);
        }
    }
}
