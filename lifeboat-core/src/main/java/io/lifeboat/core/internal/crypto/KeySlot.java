package io.lifeboat.core.internal.crypto;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The {@link MasterKey} wrapped under a passphrase. A repository holds one slot per
 * passphrase (per person or machine); any one of them opens the repository.
 *
 * <p>The key-encryption key (KEK) is {@code Argon2id(passphrase as UTF-8, salt, params)},
 * version 0x13, 32 bytes of output. The wrapped key is {@link Envelope}{@code (KEK)}
 * sealing {@link MasterKey#encode()}: 12-byte nonce, 96 bytes of ciphertext, 16-byte tag,
 * 124 bytes in all.
 *
 * <h2>JSON layout (version 1)</h2>
 * One UTF-8 JSON object; fields may come in any order, unknown fields are ignored,
 * duplicate fields are refused.
 * <pre>
 * {
 *   "version": 1,                      integer, must be 1
 *   "id": "9f86d081884c7d659a2feaa0c55ad015",  16 random bytes, 32 lower-case hex digits
 *   "created": "2025-01-31T12:00:00Z", ISO-8601 instant (UTC), when the slot was made
 *   "hostname": "build-42",            string, where it was made; informational
 *   "username": "alice",               string, who made it; informational
 *   "kdf": {
 *     "algorithm": "argon2id",         string, the only algorithm known
 *     "memoryKiB": 65536,              integer, see KdfParams for bounds
 *     "iterations": 3,                 integer
 *     "parallelism": 2,                integer
 *     "salt": "base64"                 16 random bytes, standard base64 with padding
 *   },
 *   "key": "base64"                    the 124-byte wrapped master key, standard base64
 * }
 * </pre>
 *
 * <p>What is authenticated: the KDF parameters, salt and wrapped key all feed the unwrap,
 * so changing any of them makes {@link #unwrap} fail with
 * {@link WrongPassphraseException}. The id, times and names are <em>not</em> authenticated;
 * they are labels for people, and changing them changes nothing else.
 *
 * <p>Immutable and thread-safe. Neither the JSON nor {@link #toString()} reveals the
 * passphrase or the master key; bytes derived from the passphrase are zeroed after use.
 */
public final class KeySlot {
    /** The JSON layout version written and read. */
    public static final int VERSION = 1;
    /** The only key-derivation algorithm. */
    public static final String ALGORITHM = "argon2id";
    /** Salt length in bytes. */
    public static final int SALT_LENGTH = 16;

    private static final int ID_LENGTH = 16;
    private static final int KEK_LENGTH = 32;
    private static final int WRAPPED_LENGTH = MasterKey.ENCODED_LENGTH + Envelope.OVERHEAD;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final String id;
    private final Instant created;
    private final String hostname;
    private final String username;
    private final KdfParams params;
    private final byte[] salt;
    private final byte[] wrappedKey;
    /** The id of the repository the slot was made for, or null (slots written before it was recorded). */
    private final String repository;

    private KeySlot(String id, Instant created, String hostname, String username, KdfParams params, byte[] salt,
            byte[] wrappedKey) {
        this(id, created, hostname, username, params, salt, wrappedKey, null);
    }

    private KeySlot(String id, Instant created, String hostname, String username, KdfParams params, byte[] salt,
            byte[] wrappedKey, String repository) {
        this.repository = repository;
        this.id = id;
        this.created = created;
        this.hostname = hostname;
        this.username = username;
        this.params = params;
        this.salt = salt;
        this.wrappedKey = wrappedKey;
    }

    /**
     * Wraps {@code key} under {@code passphrase} with a fresh id and salt. Takes as long as
     * one Argon2id run with {@code params}. The caller should zero {@code passphrase}.
     *
     * @param hostname where the slot is made (informational; may be empty)
     * @param username who makes it (informational; may be empty)
     * @param clock gives the creation time
     * @throws IllegalArgumentException if the passphrase is empty or not valid UTF-16
     */
    public static KeySlot create(char[] passphrase, MasterKey key, KdfParams params, String hostname,
            String username, Clock clock) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(username, "username");
        if (passphrase.length == 0) {
            throw new IllegalArgumentException("the passphrase is empty");
        }
        byte[] salt = randomBytes(SALT_LENGTH);
        byte[] kek = deriveKek(utf8OrThrow(passphrase), salt, params);
        byte[] encoded = key.encode();
        try {
            byte[] wrapped = new Envelope(kek).seal(encoded);
            return new KeySlot(HEX.formatHex(randomBytes(ID_LENGTH)), clock.instant(), hostname, username, params,
                    salt, wrapped);
        } finally {
            Arrays.fill(kek, (byte) 0);
            Arrays.fill(encoded, (byte) 0);
        }
    }

    /**
     * Unwraps the master key. Takes as long as one Argon2id run with this slot's
     * parameters. The caller should zero {@code passphrase}.
     *
     * @throws WrongPassphraseException if the passphrase is not this slot's, or the slot's
     *         KDF parameters, salt or wrapped key were changed
     */
    public MasterKey unwrap(char[] passphrase) throws WrongPassphraseException {
        byte[] kek;
        try {
            kek = deriveKek(utf8(passphrase), salt, params);
        } catch (CharacterCodingException e) {
            throw new WrongPassphraseException(id, e);
        }
        byte[] encoded = null;
        try {
            encoded = new Envelope(kek).open(wrappedKey);
            return MasterKey.decode(encoded);
        } catch (AuthenticationException e) {
            throw new WrongPassphraseException(id, e);
        } finally {
            Arrays.fill(kek, (byte) 0);
            if (encoded != null) {
                Arrays.fill(encoded, (byte) 0);
            }
        }
    }

    /** This slot as JSON (UTF-8, pretty-printed); see the class comment for the layout. */
    /**
     * This slot, recording that it belongs to the repository {@code repositoryId}: a slot
     * left behind by an {@code init} that lost a race to another (and could not be removed
     * because it is locked) must not open the winner's repository with a foreign key.
     */
    public KeySlot forRepository(String repositoryId) {
        return new KeySlot(id, created, hostname, username, params, salt, wrappedKey, Objects.requireNonNull(repositoryId));
    }

    /** The id of the repository the slot was made for, or null if it does not say. */
    public String repository() {
        return repository;
    }

    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", VERSION);
        root.put("id", id);
        root.put("created", created.toString());
        root.put("hostname", hostname);
        root.put("username", username);
        ObjectNode kdf = root.putObject("kdf");
        kdf.put("algorithm", ALGORITHM);
        kdf.put("memoryKiB", params.memoryKiB());
        kdf.put("iterations", params.iterations());
        kdf.put("parallelism", params.parallelism());
        kdf.put("salt", Base64.getEncoder().encodeToString(salt));
        root.put("key", Base64.getEncoder().encodeToString(wrappedKey));
        if (repository != null) {
            root.put("repository", repository);
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree", e);
        }
    }

    /**
     * Reads a slot written by {@link #toJson()}.
     *
     * @throws MalformedKeySlotException naming what is wrong: not JSON, a missing or
     *         mistyped field, a value out of bounds, an unknown version or algorithm
     */
    public static KeySlot fromJson(byte[] json) throws MalformedKeySlotException {
        JsonNode root = parse(json);
        int version = integer(root, "version");
        if (version != VERSION) {
            throw new MalformedKeySlotException("unsupported version " + version + " (this Lifeboat reads " + VERSION + ")");
        }
        String id = slotId(text(root, "id"));
        Instant created = instant(text(root, "created"));
        String hostname = text(root, "hostname");
        String username = text(root, "username");
        JsonNode kdf = object(root, "kdf");
        String algorithm = text(kdf, "algorithm");
        if (!ALGORITHM.equals(algorithm)) {
            throw new MalformedKeySlotException("unknown kdf algorithm '" + algorithm + "' (this Lifeboat knows " + ALGORITHM + ")");
        }
        KdfParams params = kdfParams(kdf);
        byte[] salt = base64(kdf, "salt", SALT_LENGTH);
        byte[] wrapped = base64(root, "key", WRAPPED_LENGTH);
        JsonNode repo = root.get("repository");
        if (repo != null && !repo.isTextual()) {
            throw new MalformedKeySlotException("key slot's repository is not a string");
        }
        return new KeySlot(id, created, hostname, username, params, salt, wrapped, repo == null ? null : repo.asText());
    }

    /** The slot's id: 32 lower-case hex digits. */
    public String id() {
        return id;
    }

    /** When the slot was made. */
    public Instant created() {
        return created;
    }

    /** Where the slot was made (informational, not authenticated). */
    public String hostname() {
        return hostname;
    }

    /** Who made the slot (informational, not authenticated). */
    public String username() {
        return username;
    }

    /** The Argon2id parameters. */
    public KdfParams kdfParams() {
        return params;
    }

    @Override
    public String toString() {
        return "KeySlot[id=" + id + ", created=" + created + ", hostname=" + hostname + ", username=" + username
                + ", kdf=" + ALGORITHM + " m=" + params.memoryKiB() + "KiB t=" + params.iterations()
                + " p=" + params.parallelism() + "]";
    }

    // ---- key derivation

    /** Argon2id of {@code passphrase}; zeroes {@code passphrase} before returning. */
    private static byte[] deriveKek(byte[] passphrase, byte[] salt, KdfParams params) {
        try {
            return Argon2id.derive(passphrase, salt, params, KEK_LENGTH);
        } finally {
            Arrays.fill(passphrase, (byte) 0);
        }
    }

    private static byte[] utf8OrThrow(char[] passphrase) {
        try {
            return utf8(passphrase);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the passphrase is not valid UTF-16 (unpaired surrogate)", e);
        }
    }

    /** UTF-8 of {@code chars} without an intermediate String; leaves no other copy behind. */
    private static byte[] utf8(char[] chars) throws CharacterCodingException {
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder();
        ByteBuffer out = ByteBuffer.allocate((int) Math.ceil(chars.length * (double) encoder.maxBytesPerChar()));
        try {
            check(encoder.encode(CharBuffer.wrap(chars), out, true));
            check(encoder.flush(out));
            return Arrays.copyOf(out.array(), out.position());
        } finally {
            Arrays.fill(out.array(), (byte) 0);
        }
    }

    private static void check(CoderResult result) throws CharacterCodingException {
        if (result.isError() || result.isOverflow()) {
            result.throwException();
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    // ---- JSON reading

    private static JsonNode parse(byte[] json) throws MalformedKeySlotException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new MalformedKeySlotException("not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new MalformedKeySlotException("not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new MalformedKeySlotException("not a JSON object");
        }
        return root;
    }

    private static JsonNode field(JsonNode node, String name) throws MalformedKeySlotException {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            throw new MalformedKeySlotException("field '" + name + "' is missing");
        }
        return value;
    }

    private static String text(JsonNode node, String name) throws MalformedKeySlotException {
        JsonNode value = field(node, name);
        if (!value.isTextual()) {
            throw new MalformedKeySlotException("field '" + name + "' is not a string");
        }
        return value.textValue();
    }

    private static int integer(JsonNode node, String name) throws MalformedKeySlotException {
        JsonNode value = field(node, name);
        if (!value.isInt()) {
            throw new MalformedKeySlotException("field '" + name + "' is not a 32-bit integer");
        }
        return value.intValue();
    }

    private static JsonNode object(JsonNode node, String name) throws MalformedKeySlotException {
        JsonNode value = field(node, name);
        if (!value.isObject()) {
            throw new MalformedKeySlotException("field '" + name + "' is not an object");
        }
        return value;
    }

    private static byte[] base64(JsonNode node, String name, int length) throws MalformedKeySlotException {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text(node, name));
        } catch (IllegalArgumentException e) {
            throw new MalformedKeySlotException("field '" + name + "' is not base64", e);
        }
        if (bytes.length != length) {
            throw new MalformedKeySlotException("field '" + name + "' has " + bytes.length + " bytes, not " + length);
        }
        return bytes;
    }

    private static String slotId(String id) throws MalformedKeySlotException {
        if (id.length() != 2 * ID_LENGTH || !id.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new MalformedKeySlotException("field 'id' is not " + 2 * ID_LENGTH + " lower-case hex digits");
        }
        return id;
    }

    private static Instant instant(String text) throws MalformedKeySlotException {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new MalformedKeySlotException("field 'created' is not an ISO-8601 instant", e);
        }
    }

    private static KdfParams kdfParams(JsonNode kdf) throws MalformedKeySlotException {
        int memory = integer(kdf, "memoryKiB");
        int iterations = integer(kdf, "iterations");
        int parallelism = integer(kdf, "parallelism");
        try {
            return new KdfParams(memory, iterations, parallelism);
        } catch (IllegalArgumentException e) {
            throw new MalformedKeySlotException(e.getMessage(), e);
        }
    }
}
