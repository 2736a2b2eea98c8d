package io.lifeboat.core;

import io.lifeboat.core.internal.chunk.ChunkerParams;
import io.lifeboat.core.internal.chunk.FastCdc;
import io.lifeboat.core.internal.codec.BlobCodec;
import io.lifeboat.core.internal.codec.CorruptBlobException;
import io.lifeboat.core.internal.crypto.AuthenticationException;
import io.lifeboat.core.internal.crypto.ChunkIdHasher;
import io.lifeboat.core.internal.crypto.Envelope;
import io.lifeboat.core.internal.crypto.KdfParams;
import io.lifeboat.core.internal.crypto.KeySlot;
import io.lifeboat.core.internal.crypto.MasterKey;
import io.lifeboat.core.internal.format.ByteReader;
import io.lifeboat.core.internal.format.ByteWriter;
import io.lifeboat.core.internal.format.CorruptObjectException;
import io.lifeboat.core.internal.format.IndexFile;
import io.lifeboat.core.internal.format.MaintenanceJson;
import io.lifeboat.core.internal.format.PackEntry;
import io.lifeboat.core.internal.format.Packs;
import io.lifeboat.core.internal.format.SnapshotCodec;
import io.lifeboat.core.internal.format.TombstoneCodec;
import io.lifeboat.core.internal.format.Tree;
import io.lifeboat.core.internal.io.Buf;
import io.lifeboat.core.internal.repo.ChunkIndex;
import io.lifeboat.core.retention.Within;
import io.lifeboat.core.storage.BlobInfo;
import io.lifeboat.core.storage.BlobStore;
import io.lifeboat.core.storage.NoSuchBlobException;
import java.io.Closeable;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * An open, unlocked repository: the store, its config, the master key and the index.
 *
 * <p>Layout of blob names (see docs/format.md):
 * <pre>
 * config                      plaintext JSON ({@link RepositoryConfig})
 * keys/&lt;sha256&gt;               key slots (plaintext JSON; the master key inside is sealed)
 * data/&lt;xx&gt;/&lt;sha256&gt;          packs of data blobs or of tree blobs
 * index/&lt;sha256&gt;              index files (sealed)
 * snapshots/&lt;sha256&gt;          snapshots (sealed)
 * </pre>
 * Every name except {@code config} is the SHA-256 of the stored bytes.
 *
 * <p>Thread-safe: engines share one instance across their worker threads.
 */
public final class Repository implements Closeable {
    public static final String KEYS = "keys";
    public static final String INDEX = "index";
    public static final String SNAPSHOTS = "snapshots";
    /** Tombstones: the marks of soft-deleted snapshots. */
    public static final String DELETED = "deleted";
    /** Raised retention locks (each locked for good; the largest, with the config's, holds). */
    public static final String POLICY = "policy";
    public static final String DATA = "data";
    /** Markers of running backups and prunes (format section 18.1). */
    public static final String SESSIONS = "sessions";
    /** Prune plans: what a prune marked for deletion (format section 18.2). */
    public static final String PRUNE = "prune";
    /** The catalog's events: model registry and recovery points (format section 19), written by lifeboat-catalog. */
    public static final String CATALOG = "catalog";
    /** Claims of model version numbers (format section 19.2): a keyed hash each, named by its SHA-256. */
    public static final String CLAIMS = "claims";

    private final BlobStore store;
    private final RepositoryConfig config;
    private final MasterKey masterKey;
    private final String keyId;
    private final Envelope envelope;
    private final ChunkIdHasher hasher;
    private final FastCdc chunker;
    private volatile ChunkIndex index = new ChunkIndex();
    private final Set<Id> loadedIndexes = ConcurrentHashMap.newKeySet();
    private final TreeCache treeCache = new TreeCache(TREE_CACHE_BYTES);
    /**
     * Encoded bytes of the trees kept in memory: a few MiB, where a count of trees
     * (4096, at first) let an incremental backup of a million small files, in 1,000
     * directories of 1,000, keep every parent tree, about 300 MB of nodes.
     */
    static final long TREE_CACHE_BYTES = 8L * 1024 * 1024;

    /** The retention lock in force: the config's or a larger raised one; null for none. */
    private volatile Within retentionLock;

    private Repository(BlobStore store, RepositoryConfig config, MasterKey masterKey, String keyId) {
        this.store = store;
        this.config = config;
        this.retentionLock = config.retentionLock();
        this.masterKey = masterKey;
        this.keyId = keyId;
        this.envelope = new Envelope(masterKey.dataKey());
        this.hasher = new ChunkIdHasher(masterKey.chunkIdKey());
        this.chunker = new FastCdc(config.chunker(), masterKey.chunkerSeed());
    }

    /** What {@code init} may choose. */
    /**
     * How {@link #init} makes a repository.
     *
     * @param retentionLock how long every object written stays locked against deletion
     *        (WORM), or null for none
     */
    public record InitOptions(ChunkerParams chunker, int packSize, KdfParams kdf, String hostname, String username,
                              Clock clock, Within retentionLock) {
        public InitOptions(ChunkerParams chunker, int packSize, KdfParams kdf, String hostname, String username,
                           Clock clock) {
            this(chunker, packSize, kdf, hostname, username, clock, null);
        }

        public static InitOptions defaults(String hostname, String username) {
            return new InitOptions(ChunkerParams.DEFAULT, RepositoryConfig.DEFAULT_PACK_SIZE, KdfParams.DEFAULT,
                    hostname, username, Clock.systemUTC());
        }

        public InitOptions withKdf(KdfParams params) {
            return new InitOptions(chunker, packSize, params, hostname, username, clock, retentionLock);
        }

        public InitOptions withPackSize(int size) {
            return new InitOptions(chunker, size, kdf, hostname, username, clock, retentionLock);
        }

        public InitOptions withRetentionLock(Within lock) {
            return new InitOptions(chunker, packSize, kdf, hostname, username, clock, lock);
        }

    }

    /**
     * Creates a repository in an empty store: a random master key wrapped in one key slot
     * for {@code passphrase}, then the config (written last: its presence marks a complete
     * repository).
     *
     * @throws IOException if the store already holds a repository
     */
    public static Repository init(BlobStore store, char[] passphrase, InitOptions options) throws IOException {
        if (exists(store)) {
            throw new RepositoryExistsException("a repository already exists at " + store.describe());
        }
        if (!store.list("").isEmpty()) {
            throw new RepositoryExistsException(store.describe() + " is not empty; a repository needs a location of its own");
        }
        SecureRandom random = new SecureRandom();
        MasterKey key = MasterKey.generate(random);
        byte[] id = new byte[32];
        random.nextBytes(id);
        if (options.retentionLock() != null && !store.supportsRetention()) {
            throw new IllegalArgumentException(store.describe() + " cannot hold retention locks; a retention-locked "
                    + "repository needs storage that can (a local directory, S3 with Object Lock, Azure with immutability)");
        }
        RepositoryConfig config = new RepositoryConfig(RepositoryConfig.CURRENT_VERSION, HexFormat.of().formatHex(id),
                options.clock().instant(), options.chunker(), options.packSize(), options.retentionLock());
        Instant now = options.clock().instant();
        String slotId = writeKeySlot(store, KeySlot.create(passphrase, key, options.kdf(), options.hostname(),
                options.username(), options.clock()).forRepository(config.id()), lockUntil(config, now));
        byte[] json = config.toJson();
        boolean created = false;
        try {
            // The config of a locked repository is locked for good: it carries the lock.
            created = store.putIfAbsent(RepositoryConfig.NAME, json, 0, json.length,
                    config.retentionLock() == null ? null : now.plus(java.time.Duration.ofDays(365L * 100)));
        } finally {
            if (!created && config.retentionLock() == null) {
                // Another init won the race, or the write failed: our slot wraps a master key
                // nobody will use, and could open under the same passphrase. Remove it.
                store.delete(KEYS + "/" + slotId);
            }
        }
        if (!created) {
            throw new RepositoryExistsException("a repository already exists at " + store.describe());
        }
        return new Repository(store, config, key, slotId);
    }

    /** Whether the store holds a repository config. */
    public static boolean exists(BlobStore store) throws IOException {
        try {
            store.stat(RepositoryConfig.NAME);
            return true;
        } catch (NoSuchBlobException e) {
            return false;
        }
    }

    /**
     * Reads the config without any key.
     *
     * @throws RepositoryNotFoundException if there is no repository
     * @throws UnsupportedFormatException if its format is newer than this code
     */
    public static RepositoryConfig readConfig(BlobStore store) throws IOException {
        byte[] bytes;
        try {
            bytes = store.get(RepositoryConfig.NAME);
        } catch (NoSuchBlobException e) {
            throw new RepositoryNotFoundException("no Lifeboat repository at " + store.describe()
                    + " (no config found; create one with 'lifeboat init')");
        }
        return RepositoryConfig.fromJson(bytes, store.describe());
    }

    /**
     * Opens a repository with a passphrase, trying every key slot.
     *
     * @throws RepositoryNotFoundException if there is no repository
     * @throws UnsupportedFormatException if its format is newer than this code
     * @throws WrongPassphraseException if no key slot opens with the passphrase
     */
    public static Repository open(BlobStore store, char[] passphrase) throws IOException {
        RepositoryConfig config = readConfig(store);
        List<BlobInfo> slots = store.list(KEYS + "/");
        if (slots.isEmpty()) {
            throw new IntegrityException(KEYS, "the repository has no key slots");
        }
        int readable = 0;
        for (BlobInfo info : slots) {
            KeySlot slot;
            try {
                slot = KeySlot.fromJson(store.get(info.name()));
                readable++;
            } catch (IOException e) {
                continue; // a damaged slot cannot open it; another may
            }
            if (slot.repository() != null && !slot.repository().equals(config.id())) {
                continue; // left by an init that lost a race: it wraps another repository's key
            }
            try {
                MasterKey key = slot.unwrap(passphrase);
                Repository repo = new Repository(store, config, key, slotIdOf(info.name()));
                repo.loadRaisedLocks();
                return repo;
            } catch (io.lifeboat.core.internal.crypto.WrongPassphraseException e) {
                // try the next slot
            }
        }
        if (readable == 0) {
            throw new IntegrityException(KEYS, "every key slot of the repository at " + store.describe()
                    + " is damaged; restore keys/ from a replica");
        }
        throw new WrongPassphraseException("wrong passphrase: no key of the repository at " + store.describe()
                + " opens with it");
    }

    private static String slotIdOf(String name) {
        return name.substring(name.indexOf('/') + 1);
    }

    private static String writeKeySlot(BlobStore store, KeySlot slot, Instant retainUntil) throws IOException {
        byte[] json = slot.toJson();
        String id = Id.sha256(json).hex();
        store.putIfAbsent(KEYS + "/" + id, json, 0, json.length, retainUntil);
        return id;
    }

    /** Until when an object written at {@code now} is locked, or null if the repository has no retention lock. */
    private static Instant lockUntil(RepositoryConfig config, Instant now) {
        return config.retentionLock() == null ? null : config.retentionLock().after(now);
    }

    /**
     * Until when an object written now is locked against deletion (the repository's
     * retention lock from now), or null if the repository has none.
     */
    public Instant retainUntil() {
        Within lock = retentionLock;
        return lock == null ? null : lock.after(Instant.now());
    }

    /** The retention lock in force (the config's, or a larger raised one), or null. */
    public Within retentionLock() {
        return retentionLock;
    }

    /** Reads and writes raised-lock objects (format section 5.1). */
    private static final com.fasterxml.jackson.databind.ObjectMapper POLICY_JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    /** Far enough ahead to mean "for good" to any storage. */
    private static final java.time.Duration FOR_GOOD = java.time.Duration.ofDays(365L * 100);
    /** Spans are compared by where they end from one fixed instant (months differ in length). */
    private static final Instant SPAN_REFERENCE = Instant.parse("2000-01-01T00:00:00Z");

    private static boolean longer(Within a, Within b) {
        return b == null || a.after(SPAN_REFERENCE).isAfter(b.after(SPAN_REFERENCE));
    }

    /**
     * Raises the retention lock to {@code lock} for every object written from now on. Only
     * upward: the new lock is stored as an object locked for good, and the largest of them
     * and the config's is the one in force, so no later write can lower it.
     *
     * @throws IllegalArgumentException if {@code lock} is not longer than the lock in force,
     *         or the storage cannot hold locks
     */
    public void raiseRetentionLock(Within lock, Instant now) throws IOException {
        if (!longer(lock, retentionLock)) {
            throw new IllegalArgumentException("a retention lock can only be raised: " + lock + " is not longer than "
                    + retentionLock + ", the lock in force");
        }
        if (!store.supportsRetention()) {
            throw new IllegalArgumentException(store.describe() + " cannot hold retention locks");
        }
        com.fasterxml.jackson.databind.node.ObjectNode o = POLICY_JSON.createObjectNode();
        o.put("version", 1);
        o.put("retentionLock", lock.toString());
        o.put("time", now.toString());
        saveObject(POLICY, POLICY_JSON.writeValueAsBytes(o), now.plus(FOR_GOOD));
        retentionLock = lock;
    }

    /** Takes the largest readable raised lock into force. A policy object that cannot be read raises nothing. */
    private void loadRaisedLocks() throws IOException {
        for (Id id : listObjects(POLICY)) {
            try {
                com.fasterxml.jackson.databind.JsonNode o = POLICY_JSON.readTree(loadObject(POLICY, id));
                Within w = Within.parse(o.path("retentionLock").asText());
                if (longer(w, retentionLock)) {
                    retentionLock = w;
                }
            } catch (IntegrityException | IllegalArgumentException | com.fasterxml.jackson.core.JsonProcessingException e) {
                // damaged or foreign: check reports it; it cannot lower the lock either way
            }
        }
    }

    /** Until when a stored snapshot is locked against forgetting, or null if it is not locked now. */
    public Instant lockedUntil(Snapshot s) throws IOException {
        BlobInfo info = store.stat(SNAPSHOTS + "/" + s.id().hex());
        return info.lockedAt(Instant.now()) ? info.retainUntil() : null;
    }

    // ---- keys -----------------------------------------------------------------------

    /**
     * A key slot as listed to people: never any key material. A damaged slot (unreadable
     * JSON) is listed with {@code damaged} set and null details, so that it can be removed.
     */
    public record KeyInfo(String id, boolean current, java.time.Instant created, String hostname, String username,
                          KdfParams kdf, boolean damaged) {}

    public List<KeyInfo> keys() throws IOException {
        List<KeyInfo> out = new ArrayList<>();
        for (BlobInfo info : store.list(KEYS + "/")) {
            String id = slotIdOf(info.name());
            try {
                KeySlot slot = KeySlot.fromJson(store.get(info.name()));
                out.add(new KeyInfo(id, id.equals(keyId), slot.created(), slot.hostname(), slot.username(),
                        slot.kdfParams(), false));
            } catch (io.lifeboat.core.internal.crypto.MalformedKeySlotException e) {
                out.add(new KeyInfo(id, false, null, null, null, null, true));
            }
        }
        out.sort(Comparator.comparing(KeyInfo::created, Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparing(KeyInfo::id));
        return out;
    }

    /** Adds a key slot for another passphrase; returns its id. */
    public String addKey(char[] passphrase, KdfParams params, String hostname, String username, Clock clock)
            throws IOException {
        return writeKeySlot(store, KeySlot.create(passphrase, masterKey, params, hostname, username, clock)
                .forRepository(config.id()), retainUntil());
    }

    /**
     * Removes a key slot, given its full id or a unique prefix.
     *
     * @throws IllegalArgumentException if it is the last slot, or the id matches none or several
     */
    public String removeKey(String idOrPrefix) throws IOException {
        List<KeyInfo> keys = keys();
        List<KeyInfo> matches = keys.stream().filter(k -> k.id().startsWith(idOrPrefix)).toList();
        if (idOrPrefix.isEmpty() || matches.isEmpty()) {
            throw new IllegalArgumentException("no key with id '" + idOrPrefix + "'");
        }
        if (matches.size() > 1) {
            throw new IllegalArgumentException("key id prefix '" + idOrPrefix + "' matches " + matches.size() + " keys");
        }
        KeyInfo target = matches.get(0);
        long usable = keys.stream().filter(k -> !k.damaged()).count();
        if (!target.damaged() && usable == 1) {
            throw new IllegalArgumentException("refusing to remove the last key: the repository would be unreadable");
        }
        String id = target.id();
        store.delete(KEYS + "/" + id);
        return id;
    }

    /** The id of the key slot this repository was opened with. */
    public String currentKeyId() {
        return keyId;
    }

    // ---- accessors for the engines ------------------------------------------------

    public BlobStore store() {
        return store;
    }

    public RepositoryConfig config() {
        return config;
    }

    public Envelope envelope() {
        return envelope;
    }

    public ChunkIdHasher hasher() {
        return hasher;
    }

    public FastCdc chunker() {
        return chunker;
    }

    public ChunkIndex index() {
        return index;
    }

    // ---- unpacked objects (index files, snapshots) -----------------------------------

    /**
     * Stores a small object whole: {@code seal(uvarint rawLength || BlobCodec.encode(plaintext))}
     * under {@code dir/<sha256 of the sealed bytes>}.
     */
    public Id saveObject(String dir, byte[] plaintext) throws IOException {
        // Tombstones stay unlocked: undelete must be able to remove them, and forget refuses
        // locked snapshots anyway. Session markers and prune plans are removed when done.
        boolean transientObject = dir.equals(DELETED) || dir.equals(SESSIONS) || dir.equals(PRUNE);
        return saveObject(dir, plaintext, transientObject ? null : retainUntil());
    }

    private Id saveObject(String dir, byte[] plaintext, Instant retainUntil) throws IOException {
        byte[] encoded = BlobCodec.encode(plaintext, 0, plaintext.length);
        ByteWriter w = new ByteWriter(encoded.length + 10);
        w.uvarint(plaintext.length).bytes(encoded);
        byte[] sealed = envelope.seal(w.array(), 0, w.size());
        Id id = Id.sha256(sealed);
        store.putIfAbsent(dir + "/" + id.hex(), sealed, 0, sealed.length, retainUntil);
        return id;
    }

    /**
     * Loads an object stored by {@link #saveObject}, checking that its bytes hash to its name.
     *
     * @throws IntegrityException if it is missing, damaged or fails authentication
     */
    public byte[] loadObject(String dir, Id id) throws IOException {
        String name = dir + "/" + id.hex();
        byte[] sealed;
        try {
            sealed = store.get(name);
        } catch (NoSuchBlobException e) {
            throw new IntegrityException(name, "missing", e);
        }
        if (!Id.sha256(sealed).equals(id)) {
            throw new IntegrityException(name, "content does not match its name (damaged)");
        }
        try {
            byte[] plain = envelope.open(sealed, 0, sealed.length);
            ByteReader r = new ByteReader(plain);
            int rawLength = r.uvarint(Integer.MAX_VALUE - 16);
            int off = plain.length - r.remaining();
            return BlobCodec.decode(plain, off, r.remaining(), rawLength);
        } catch (AuthenticationException e) {
            throw new IntegrityException(name, "fails authentication (damaged, or written with another key)", e);
        } catch (CorruptObjectException | CorruptBlobException e) {
            throw new IntegrityException(name, "cannot be decoded: " + e.getMessage(), e);
        }
    }

    /** Ids of the objects in a directory ({@code index}, {@code snapshots}); others are ignored. */
    public List<Id> listObjects(String dir) throws IOException {
        List<Id> ids = new ArrayList<>();
        for (BlobInfo info : store.list(dir + "/")) {
            try {
                ids.add(Id.fromHex(info.name().substring(dir.length() + 1)));
            } catch (IllegalArgumentException e) {
                // not one of ours
            }
        }
        return ids;
    }

    // ---- blobs in packs ----------------------------------------------------------

    /**
     * Reads, decrypts, decompresses and verifies one blob.
     *
     * @throws IntegrityException if its pack is missing or the blob is damaged
     */
    public byte[] loadBlob(PackEntry e) throws IOException {
        String name = Packs.name(e.pack());
        byte[] sealed;
        try {
            sealed = store.get(name, e.offset(), e.length());
        } catch (NoSuchBlobException ex) {
            throw new IntegrityException(name, "pack missing (holds blob " + e.id().shortHex() + ")", ex);
        } catch (java.io.EOFException ex) {
            throw new IntegrityException(name, "pack truncated (blob " + e.id().shortHex() + " runs past its end)", ex);
        }
        return openBlob(e, sealed, 0, sealed.length);
    }

    /**
     * Like {@link #openBlob(PackEntry, byte[], int, int)}, into {@code plain}, which is reused
     * rather than a new array made: {@code plain.array()[0, plain.length())} is the
     * verified data. The calling thread's scratch buffer holds the decrypted, still encoded
     * form in between.
     */
    public void openBlob(PackEntry e, byte[] buf, int off, int len, Buf plain) throws IntegrityException {
        String name = Packs.name(e.pack());
        Buf encoded = OPENED.get();
        try {
            envelope.open(buf, off, len, encoded);
            BlobCodec.decode(encoded.array(), 0, encoded.length(), e.rawLength(), plain);
        } catch (AuthenticationException ex) {
            throw new IntegrityException(name, "blob " + e.id().shortHex() + " fails authentication (damaged)", ex);
        } catch (CorruptBlobException ex) {
            throw new IntegrityException(name, "blob " + e.id().shortHex() + " cannot be decoded: " + ex.getMessage(), ex);
        } finally {
            encoded.trim(SCRATCH_RETAIN);
        }
        if (!hasher.hash(plain.array(), 0, plain.length()).equals(e.id())) {
            throw new IntegrityException(name, "blob " + e.id().shortHex() + " does not match its id (damaged)");
        }
    }

    /** Each thread's buffer for a blob decrypted but not yet decoded, in {@link #openBlob(PackEntry, byte[], int, int, Buf)}. */
    private static final ThreadLocal<Buf> OPENED = ThreadLocal.withInitial(Buf::new);
    /** Scratch buffers grown past this (for a rare huge blob) are dropped after use. */
    private static final int SCRATCH_RETAIN = 4 * 1024 * 1024 + 64;

    /** Decrypts, decompresses and verifies a blob whose sealed bytes are at {@code buf[off, off+len)}. */
    public byte[] openBlob(PackEntry e, byte[] buf, int off, int len) throws IntegrityException {
        String name = Packs.name(e.pack());
        byte[] plain;
        try {
            byte[] encoded = envelope.open(buf, off, len);
            plain = BlobCodec.decode(encoded, 0, encoded.length, e.rawLength());
        } catch (AuthenticationException ex) {
            throw new IntegrityException(name, "blob " + e.id().shortHex() + " fails authentication (damaged)", ex);
        } catch (CorruptBlobException ex) {
            throw new IntegrityException(name, "blob " + e.id().shortHex() + " cannot be decoded: " + ex.getMessage(), ex);
        }
        if (!hasher.hash(plain, 0, plain.length).equals(e.id())) {
            throw new IntegrityException(name, "blob " + e.id().shortHex() + " does not match its id (damaged)");
        }
        return plain;
    }

    /**
     * Loads a tree (cached).
     *
     * @throws IntegrityException if it is not in the index or is damaged
     */
    public Tree loadTree(Id id) throws IOException {
        return loadTree(id, true);
    }

    /**
     * Loads a tree without adding it to the cache (a cached copy is still used): for walks
     * that read each tree once, such as a backup comparing every directory with its parent
     * snapshot's. Caching those gains nothing and costs much: a decoded tree takes several
     * times its encoded size on the heap, and a cache that each new tree pushes an older
     * one out of turns the whole walk into long-lived garbage (an incremental backup of a
     * million small files grew the heap by hundreds of MiB that way).
     *
     * @throws IntegrityException if it is not in the index or is damaged
     */
    public Tree loadTreeOnce(Id id) throws IOException {
        return loadTree(id, false);
    }

    /** Trees in the cache (for tests). */
    int cachedTrees() {
        return treeCache.size();
    }

    private Tree loadTree(Id id, boolean keep) throws IOException {
        Tree cached = treeCache.get(id);
        if (cached != null) {
            return cached;
        }
        PackEntry e = index.get(id);
        if (e == null) {
            throw new IntegrityException("tree " + id.shortHex(), "not in any index (missing)");
        }
        try {
            byte[] plain = loadBlob(e);
            Tree tree = Tree.decode(plain);
            if (keep) {
                treeCache.put(id, tree, plain.length);
            }
            return tree;
        } catch (CorruptObjectException ex) {
            throw new IntegrityException(Packs.name(e.pack()), "tree " + id.shortHex() + " malformed: " + ex.getMessage(), ex);
        }
    }

    // ---- index -------------------------------------------------------------------

    /**
     * Loads every index file not loaded yet, in parallel. Returns the index files that
     * could not be read (the caller decides whether that is fatal).
     */
    public List<IntegrityException> loadIndex() throws IOException {
        return loadIndex(null);
    }

    /**
     * Like {@link #loadIndex()}, and hands each index file newly loaded to {@code loaded}
     * (on the calling thread, after its entries are in the index). Also takes the packs of
     * the pending prune plans as {@linkplain ChunkIndex#doom doomed}. If an index file
     * loaded earlier is no longer stored (a prune compacted the index, and may have deleted
     * packs), the index held in memory is dropped and read again whole. Loads on one
     * instance take turns, so that one never adds what it read to an index another has
     * just dropped.
     *
     * <p>The index files are read, authenticated, decompressed and checked in parallel;
     * the calling thread then adds their entries a pack at a time, so that what waits in
     * the window of files read ahead is their bytes, not an object per blob: objects that
     * lived that long reached the old generation, and a repository of a million blobs
     * made the heap grow by a hundred MiB or more while its index loaded.
     *
     * @param loaded receives each file newly loaded, or null
     */
    public synchronized List<IntegrityException> loadIndex(java.util.function.BiConsumer<Id, IndexFile> loaded)
            throws IOException {
        Set<Id> doomed = new java.util.HashSet<>();
        for (MaintenanceJson.PrunePlan plan : prunePlans(e -> { })) {
            doomed.addAll(plan.packs());
        }
        Set<Id> known = Set.copyOf(loadedIndexes);
        List<Id> ids = listObjects(INDEX);
        if (!new java.util.HashSet<>(ids).containsAll(known)) {
            // An index file read before is gone: a prune rewrote the index files naming the
            // packs it deleted. What is in memory may still name those packs (and a backup
            // would reuse their blobs), so everything is read again.
            resetIndex();
        }
        index.doom(doomed);
        ids.removeIf(loadedIndexes::contains);
        List<IntegrityException> damaged = new ArrayList<>();
        if (ids.isEmpty()) {
            return damaged;
        }
        int threads = Math.min(ids.size(), Math.max(2, Runtime.getRuntime().availableProcessors() * 2));
        // Files are read and checked ahead in a window of twice the threads and added in list
        // order (so which copy of a blob is "first" does not depend on timing); a file's bytes
        // are dropped once added, so at most a window of them is held at once.
        int window = 2 * threads;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads, daemonThreads("lifeboat-index"))) {
            List<Future<byte[]>> futures = new ArrayList<>(java.util.Collections.nCopies(ids.size(), null));
            for (int i = 0; i < Math.min(window, ids.size()); i++) {
                Id id = ids.get(i);
                futures.set(i, pool.submit(() -> checkedIndexFile(id)));
            }
            for (int i = 0; i < ids.size(); i++) {
                if (i + window < ids.size()) {
                    Id next = ids.get(i + window);
                    futures.set(i + window, pool.submit(() -> checkedIndexFile(next)));
                }
                try {
                    byte[] bytes = futures.get(i).get();
                    futures.set(i, null);
                    IndexFile file = null;
                    if (loaded == null) {
                        IndexFile.decode(bytes, (pack, entries) -> index.addAll(entries));
                    } else {
                        file = IndexFile.decode(bytes);
                        file.packs().values().forEach(index::addAll);
                    }
                    loadedIndexes.add(ids.get(i));
                    if (file != null) {
                        loaded.accept(ids.get(i), file);
                    }
                } catch (CorruptObjectException e) {
                    // checkedIndexFile decoded these bytes already: cannot happen
                    throw new IllegalStateException("index file " + ids.get(i).shortHex() + " changed in memory", e);
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable cause = e.getCause();
                    String name = INDEX + "/" + ids.get(i).hex();
                    if (cause instanceof IntegrityException ie) {
                        if (!vanished(ie)) {
                            damaged.add(ie); // a file a prune compacted away meanwhile is not damage
                        }
                    } else if (cause instanceof CorruptObjectException ce) {
                        damaged.add(new IntegrityException(name, "malformed: " + ce.getMessage(), ce));
                    } else if (cause instanceof IOException io) {
                        throw io;
                    } else {
                        throw new IllegalStateException("loading " + name, cause);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while loading the index");
                }
            }
        }
        return damaged;
    }

    /**
     * The plaintext of an index file, decoded once (its entries dropped) so that a
     * malformed file is found before any of it reaches the index.
     */
    private byte[] checkedIndexFile(Id id) throws IOException, CorruptObjectException {
        byte[] bytes = loadObject(INDEX, id);
        IndexFile.decode(bytes, (pack, entries) -> { });
        return bytes;
    }

    /** Loads the index and fails on the first damaged index file. */
    public void loadIndexStrict() throws IOException {
        List<IntegrityException> damaged = loadIndex();
        if (!damaged.isEmpty()) {
            throw damaged.get(0);
        }
    }

    /** Writes an index file for the given packs; returns its id. */
    public Id saveIndex(Map<Id, List<PackEntry>> packs) throws IOException {
        return saveIndex(packs, List.of());
    }

    /** Writes an index file for the given packs that replaces the index files {@code superseded}; returns its id. */
    public Id saveIndex(Map<Id, List<PackEntry>> packs, List<Id> superseded) throws IOException {
        Id id = saveObject(INDEX, new IndexFile(packs, superseded).encode());
        loadedIndexes.add(id);
        return id;
    }

    /**
     * Forgets the index held in memory (and the trees read through it), so that the next
     * {@link #loadIndex} reads every index file afresh: for maintenance that has changed
     * the index files and must see only what is stored now.
     */
    public synchronized void resetIndex() {
        index = new ChunkIndex();
        loadedIndexes.clear();
        treeCache.clear();
    }

    // ---- maintenance objects ----------------------------------------------------------

    /**
     * Whether an object that was listed could not be read because it is gone: deleted in
     * between by a prune, an undelete or the end of a session, which is not damage.
     */
    private static boolean vanished(IntegrityException e) {
        return e.getCause() instanceof NoSuchBlobException;
    }

    /** Every readable prune plan, oldest first; a damaged one is handed to {@code damaged} and skipped. */
    public List<MaintenanceJson.PrunePlan> prunePlans(java.util.function.Consumer<IntegrityException> damaged)
            throws IOException {
        List<MaintenanceJson.PrunePlan> out = new ArrayList<>();
        for (Id id : listObjects(PRUNE)) {
            try {
                out.add(MaintenanceJson.decodePlan(id, loadObject(PRUNE, id)));
            } catch (CorruptObjectException e) {
                damaged.accept(new IntegrityException(PRUNE + "/" + id.hex(), e.getMessage(), e));
            } catch (IntegrityException e) {
                if (!vanished(e)) {
                    damaged.accept(e);
                }
            }
        }
        out.sort(Comparator.comparing(MaintenanceJson.PrunePlan::time));
        return out;
    }

    /** Every readable session marker; a damaged one is handed to {@code damaged} and skipped. */
    public List<MaintenanceJson.SessionMarker> sessionMarkers(java.util.function.Consumer<IntegrityException> damaged)
            throws IOException {
        List<MaintenanceJson.SessionMarker> out = new ArrayList<>();
        for (Id id : listObjects(SESSIONS)) {
            try {
                out.add(MaintenanceJson.decodeSession(id, loadObject(SESSIONS, id)));
            } catch (CorruptObjectException e) {
                damaged.accept(new IntegrityException(SESSIONS + "/" + id.hex(), e.getMessage(), e));
            } catch (IntegrityException e) {
                if (!vanished(e)) { // the session ended or refreshed meanwhile
                    damaged.accept(e);
                }
            }
        }
        return out;
    }

    // ---- snapshots ---------------------------------------------------------------

    /** Stores a snapshot and returns it with its id. */
    public Snapshot saveSnapshot(Snapshot s) throws IOException {
        Id id = saveObject(SNAPSHOTS, SnapshotCodec.encode(s));
        return s.withId(id);
    }

    public Snapshot loadSnapshot(Id id) throws IOException {
        try {
            return SnapshotCodec.decode(id, loadObject(SNAPSHOTS, id));
        } catch (CorruptObjectException e) {
            throw new IntegrityException(SNAPSHOTS + "/" + id.hex(), e.getMessage(), e);
        }
    }

    /**
     * Every readable snapshot that is not soft-deleted, oldest first. A damaged snapshot is
     * handed to {@code damaged} and skipped, so that one bad object does not stop listing,
     * restoring or backing up. A damaged tombstone is handed on too, and deletes nothing.
     */
    public List<Snapshot> snapshots(java.util.function.Consumer<IntegrityException> damaged) throws IOException {
        Set<Id> deleted = deletedIds(damaged);
        List<Snapshot> out = new ArrayList<>();
        for (Snapshot s : allSnapshots(damaged)) {
            if (!deleted.contains(s.id())) {
                out.add(s);
            }
        }
        return out;
    }

    /** Every readable snapshot that is not soft-deleted, oldest first; damaged ones are skipped ({@code check} reports them). */
    public List<Snapshot> snapshots() throws IOException {
        return snapshots(e -> { });
    }

    /** Every readable snapshot, soft-deleted or not, oldest first. */
    public List<Snapshot> allSnapshots(java.util.function.Consumer<IntegrityException> damaged) throws IOException {
        List<Id> ids = listObjects(SNAPSHOTS);
        List<Snapshot> out = new ArrayList<>(ids.size());
        for (Id id : ids) {
            try {
                out.add(loadSnapshot(id));
            } catch (IntegrityException e) {
                if (!vanished(e)) { // a prune removed it meanwhile
                    damaged.accept(e);
                }
            }
        }
        out.sort(Comparator.comparing(Snapshot::time).thenComparing(s -> s.id().hex()));
        return out;
    }

    // ---- soft delete -------------------------------------------------------------

    /**
     * Soft-deletes a snapshot: stores a tombstone naming it. The snapshot object stays as
     * it is, listed by {@link #deletedSnapshots} and brought back by {@link #undelete},
     * until a prune after the grace period removes both.
     */
    public Tombstone forget(Snapshot s, Instant time, String hostname, String username, String reason)
            throws IOException {
        Instant locked = lockedUntil(s);
        if (locked != null) {
            throw new io.lifeboat.core.storage.ObjectLockedException(SNAPSHOTS + "/" + s.id().hex(), locked);
        }
        Tombstone t = new Tombstone(null, s.id(), time, hostname, username, reason);
        return t.withId(saveObject(DELETED, TombstoneCodec.encode(t)));
    }

    /** Every readable tombstone; a damaged one is handed to {@code damaged} and skipped. */
    public List<Tombstone> tombstones(java.util.function.Consumer<IntegrityException> damaged) throws IOException {
        List<Tombstone> out = new ArrayList<>();
        for (Id id : listObjects(DELETED)) {
            try {
                out.add(TombstoneCodec.decode(id, loadObject(DELETED, id)));
            } catch (CorruptObjectException e) {
                damaged.accept(new IntegrityException(DELETED + "/" + id.hex(), e.getMessage(), e));
            } catch (IntegrityException e) {
                if (!vanished(e)) { // undeleted or pruned meanwhile
                    damaged.accept(e);
                }
            }
        }
        return out;
    }

    private Set<Id> deletedIds(java.util.function.Consumer<IntegrityException> damaged) throws IOException {
        Set<Id> out = new java.util.HashSet<>();
        for (Tombstone t : tombstones(damaged)) {
            out.add(t.snapshot());
        }
        return out;
    }

    /** A soft-deleted snapshot and its earliest tombstone. */
    public record Deleted(Snapshot snapshot, Tombstone tombstone) {}

    /** Every readable soft-deleted snapshot with the tombstone that deleted it first, oldest snapshot first. */
    public List<Deleted> deletedSnapshots(java.util.function.Consumer<IntegrityException> damaged) throws IOException {
        Map<Id, Tombstone> first = new java.util.HashMap<>();
        for (Tombstone t : tombstones(damaged)) {
            first.merge(t.snapshot(), t, (a, b) -> a.time().isAfter(b.time()) ? b : a);
        }
        List<Deleted> out = new ArrayList<>();
        for (Snapshot s : allSnapshots(damaged)) {
            Tombstone t = first.get(s.id());
            if (t != null) {
                out.add(new Deleted(s, t));
            }
        }
        return out;
    }

    /**
     * Brings a soft-deleted snapshot back by removing every tombstone naming it.
     *
     * @return the tombstones removed; empty if the snapshot was not deleted
     */
    public List<Tombstone> undelete(Id snapshot) throws IOException {
        List<Tombstone> removed = new ArrayList<>();
        for (Tombstone t : tombstones(e -> { })) {
            if (t.snapshot().equals(snapshot)) {
                store.delete(DELETED + "/" + t.id().hex());
                removed.add(t);
            }
        }
        return removed;
    }

    /**
     * Finds a snapshot by {@code latest}, a full id or a unique prefix of at least 4 hex digits.
     *
     * @throws SnapshotNotFoundException if none or several match
     */
    public Snapshot findSnapshot(String ref) throws IOException {
        return findSnapshot(ref, e -> { });
    }

    /**
     * Like {@link #findSnapshot(String)}, but tells {@code damaged} of every damaged snapshot
     * skipped while resolving {@code latest}. A damaged snapshot's time cannot be read, so it
     * may be newer than the one returned: callers should say so, since a restore of
     * {@code latest} then silently goes back to an older recovery point. Soft-deleted
     * snapshots are not found: {@code latest} skips them, and an id names the way back.
     */
    public Snapshot findSnapshot(String ref, java.util.function.Consumer<IntegrityException> damaged) throws IOException {
        if (ref.equals("latest")) {
            List<Snapshot> all = snapshots(damaged);
            if (all.isEmpty()) {
                throw new SnapshotNotFoundException("the repository has no readable snapshots");
            }
            return all.get(all.size() - 1);
        }
        Snapshot s = findAnySnapshot(ref);
        for (Tombstone t : tombstones(damaged)) {
            if (t.snapshot().equals(s.id())) {
                throw new SnapshotNotFoundException("snapshot " + s.id().shortHex() + " was forgotten at " + t.time()
                        + " (soft-deleted); 'lifeboat undelete " + s.id().shortHex() + "' brings it back");
            }
        }
        return s;
    }

    /**
     * Finds a snapshot by a full id or a unique prefix of at least 4 hex digits, soft-deleted
     * or not.
     *
     * @throws SnapshotNotFoundException if none or several match
     */
    public Snapshot findAnySnapshot(String ref) throws IOException {
        if (ref.length() < 4 || !ref.matches("[0-9a-f]+")) {
            throw new SnapshotNotFoundException("'" + ref + "' is not a snapshot id (use 'latest', or at least 4 hex digits)");
        }
        List<Id> matches = listObjects(SNAPSHOTS).stream().filter(id -> id.hex().startsWith(ref)).toList();
        if (matches.isEmpty()) {
            throw new SnapshotNotFoundException("no snapshot " + ref);
        }
        if (matches.size() > 1) {
            throw new SnapshotNotFoundException("snapshot id prefix " + ref + " is ambiguous (" + matches.size() + " match)");
        }
        return loadSnapshot(matches.get(0));
    }

    /** Daemon platform threads named {@code prefix-N}, for the engines' pools. */
    public static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        return Thread.ofPlatform().name(prefix + "-", 0).daemon(true).factory();
    }

    @Override
    public void close() throws IOException {
        store.close();
    }

    /**
     * Recently loaded trees, least recently used out first, bounded by the sum of their
     * encoded sizes (a tree's heap is a small multiple of it). A tree larger than the whole
     * bound is not kept. Thread-safe.
     */
    static final class TreeCache {
        private final long maxBytes;
        private final LinkedHashMap<Id, Tree> trees = new LinkedHashMap<>(64, 0.75f, true);
        private final Map<Id, Integer> sizes = new HashMap<>();
        private long bytes;

        TreeCache(long maxBytes) {
            this.maxBytes = maxBytes;
        }

        synchronized Tree get(Id id) {
            return trees.get(id);
        }

        synchronized void put(Id id, Tree tree, int encodedBytes) {
            if (encodedBytes > maxBytes || trees.containsKey(id)) {
                return;
            }
            trees.put(id, tree);
            sizes.put(id, encodedBytes);
            bytes += encodedBytes;
            var eldest = trees.keySet().iterator();
            while (bytes > maxBytes) {
                Id out = eldest.next();
                eldest.remove();
                bytes -= sizes.remove(out);
            }
        }

        synchronized long bytes() {
            return bytes;
        }

        synchronized void clear() {
            trees.clear();
            sizes.clear();
            bytes = 0;
        }

        synchronized int size() {
            return trees.size();
        }
    }
}
