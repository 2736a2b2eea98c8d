package io.lifeboat.core.internal.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class KeySlotTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-01T10:15:30.123Z"), ZoneOffset.UTC);
    private static final String PASSPHRASE = "correct horse battery staple";

    private final MasterKey key = MasterKey.generate(new SecureRandom());
    private final KeySlot slot = KeySlot.create(PASSPHRASE.toCharArray(), key, KdfParams.TESTING, "host-1", "alice", CLOCK);

    @Test
    void unwrapWithTheRightPassphraseGivesTheMasterKey() throws Exception {
        assertThat(slot.unwrap(PASSPHRASE.toCharArray()).encode()).isEqualTo(key.encode());
    }

    @Test
    void unwrapWithAWrongPassphraseFailsNamingTheSlot() {
        assertThatThrownBy(() -> slot.unwrap("correct horse battery stapler".toCharArray()))
                .isInstanceOf(WrongPassphraseException.class)
                .hasMessageContaining(slot.id())
                .satisfies(e -> assertThat(((WrongPassphraseException) e).slotId()).isEqualTo(slot.id()));
        assertThatThrownBy(() -> slot.unwrap(new char[0])).isInstanceOf(WrongPassphraseException.class);
    }

    @Test
    void unwrapWithAnUnpairedSurrogateIsAWrongPassphrase() {
        assertThatThrownBy(() -> slot.unwrap(new char[] {'a', '\ud800'})).isInstanceOf(WrongPassphraseException.class);
    }

    @Test
    void createRefusesAnEmptyOrInvalidPassphrase() {
        assertThatThrownBy(() -> KeySlot.create(new char[0], key, KdfParams.TESTING, "h", "u", CLOCK))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> KeySlot.create(new char[] {'\udc00'}, key, KdfParams.TESTING, "h", "u", CLOCK))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("surrogate");
    }

    @Test
    void recordsWhoWhereWhenAndHow() {
        assertThat(slot.id()).matches("[0-9a-f]{32}");
        assertThat(slot.created()).isEqualTo(CLOCK.instant());
        assertThat(slot.hostname()).isEqualTo("host-1");
        assertThat(slot.username()).isEqualTo("alice");
        assertThat(slot.kdfParams()).isEqualTo(KdfParams.TESTING);
    }

    @Test
    void twoSlotsOfOneKeyAndPassphraseDifferInIdSaltAndWrapping() throws Exception {
        KeySlot other = KeySlot.create(PASSPHRASE.toCharArray(), key, KdfParams.TESTING, "host-1", "alice", CLOCK);
        JsonNode a = JSON.readTree(slot.toJson());
        JsonNode b = JSON.readTree(other.toJson());

        assertThat(b.get("id")).isNotEqualTo(a.get("id"));
        assertThat(b.get("kdf").get("salt")).isNotEqualTo(a.get("kdf").get("salt"));
        assertThat(b.get("key")).isNotEqualTo(a.get("key"));
        assertThat(other.unwrap(PASSPHRASE.toCharArray()).encode()).isEqualTo(key.encode());
    }

    @Test
    void jsonRoundTripKeepsEveryField() throws Exception {
        KeySlot read = KeySlot.fromJson(slot.toJson());

        assertThat(read.id()).isEqualTo(slot.id());
        assertThat(read.created()).isEqualTo(slot.created());
        assertThat(read.hostname()).isEqualTo("host-1");
        assertThat(read.username()).isEqualTo("alice");
        assertThat(read.kdfParams()).isEqualTo(KdfParams.TESTING);
        assertThat(read.toJson()).isEqualTo(slot.toJson());
        assertThat(read.unwrap(PASSPHRASE.toCharArray()).encode()).isEqualTo(key.encode());
    }

    @Test
    void jsonHasTheDocumentedLayout() throws Exception {
        JsonNode json = JSON.readTree(slot.toJson());

        assertThat(json.get("version").intValue()).isEqualTo(1);
        assertThat(json.get("id").textValue()).isEqualTo(slot.id());
        assertThat(json.get("created").textValue()).isEqualTo("2025-03-01T10:15:30.123Z");
        assertThat(json.get("hostname").textValue()).isEqualTo("host-1");
        assertThat(json.get("username").textValue()).isEqualTo("alice");
        JsonNode kdf = json.get("kdf");
        assertThat(kdf.get("algorithm").textValue()).isEqualTo("argon2id");
        assertThat(kdf.get("memoryKiB").intValue()).isEqualTo(KdfParams.TESTING.memoryKiB());
        assertThat(kdf.get("iterations").intValue()).isEqualTo(KdfParams.TESTING.iterations());
        assertThat(kdf.get("parallelism").intValue()).isEqualTo(KdfParams.TESTING.parallelism());
        assertThat(Base64.getDecoder().decode(kdf.get("salt").textValue())).hasSize(16);
        assertThat(Base64.getDecoder().decode(json.get("key").textValue())).hasSize(96 + Envelope.OVERHEAD);
    }

    /** A slot made by an independent implementation (Python cryptography's Argon2id and AES-GCM). */
    @Test
    void opensAnIndependentlyMadeSlotWithANonAsciiPassphrase() throws Exception {
        KeySlot fixture = KeySlot.fromJson(fixture());
        byte[] expected = new byte[96];
        for (int i = 0; i < 96; i++) {
            expected[i] = (byte) (100 + i);
        }

        assertThat(fixture.unwrap("Grüße, 🔑 horse".toCharArray()).encode()).isEqualTo(expected);
        assertThat(fixture.id()).isEqualTo("00112233445566778899aabbccddeeff");
        assertThat(fixture.created()).isEqualTo(Instant.parse("2025-01-31T12:00:00Z"));
        assertThatThrownBy(() -> fixture.unwrap("Grusse, 🔑 horse".toCharArray()))
                .isInstanceOf(WrongPassphraseException.class);
    }

    @Test
    void neitherJsonNorToStringRevealsThePassphraseOrTheMasterKey() {
        String json = new String(slot.toJson(), StandardCharsets.UTF_8);
        String shown = slot.toString();

        for (String text : new String[] {json, shown}) {
            assertThat(text).doesNotContain(PASSPHRASE).doesNotContain("horse");
            for (byte[] secret : new byte[][] {key.dataKey(), key.chunkIdKey(), key.chunkerSeed(), key.encode()}) {
                assertThat(text).doesNotContainIgnoringCase(HexFormat.of().formatHex(secret, 0, 8))
                        .doesNotContain(Base64.getEncoder().encodeToString(Arrays.copyOf(secret, 9)))
                        .doesNotContain(Base64.getEncoder().encodeToString(secret))
                        .doesNotContain(Base64.getUrlEncoder().encodeToString(Arrays.copyOf(secret, 9)));
            }
        }
        assertThat(shown).contains(slot.id()).contains("argon2id");
    }

    @Test
    void changedSaltMakesUnwrapFail() throws Exception {
        byte[] tampered = edit(slot.toJson(), json -> {
            byte[] salt = Base64.getDecoder().decode(json.get("kdf").get("salt").textValue());
            salt[0] ^= 1;
            ((ObjectNode) json.get("kdf")).put("salt", Base64.getEncoder().encodeToString(salt));
        });

        assertUnwrapFails(tampered);
    }

    @Test
    void changedKdfParametersMakeUnwrapFail() throws Exception {
        assertUnwrapFails(edit(slot.toJson(), json -> ((ObjectNode) json.get("kdf")).put("iterations", 2)));
        assertUnwrapFails(edit(slot.toJson(), json -> ((ObjectNode) json.get("kdf")).put("memoryKiB", 1032)));
        assertUnwrapFails(edit(slot.toJson(), json -> ((ObjectNode) json.get("kdf")).put("parallelism", 1)));
    }

    @Test
    void changedWrappedKeyMakesUnwrapFail() throws Exception {
        byte[] tampered = edit(slot.toJson(), json -> {
            byte[] wrapped = Base64.getDecoder().decode(json.get("key").textValue());
            wrapped[wrapped.length / 2] ^= (byte) 0x80;
            ((ObjectNode) json).put("key", Base64.getEncoder().encodeToString(wrapped));
        });

        assertUnwrapFails(tampered);
    }

    @Test
    void malformedJsonIsRefusedNamingTheProblem() throws Exception {
        byte[] good = slot.toJson();
        assertMalformed("not JSON".getBytes(StandardCharsets.UTF_8), "not JSON");
        assertMalformed(new byte[0], "not a JSON object");
        assertMalformed("[1,2]".getBytes(StandardCharsets.UTF_8), "not a JSON object");
        assertMalformed(Arrays.copyOf(good, good.length / 2), "not JSON");
        assertMalformed(edit(good, json -> ((ObjectNode) json).put("version", 2)), "unsupported version 2");
        assertMalformed(edit(good, json -> ((ObjectNode) json).remove("version")), "'version' is missing");
        assertMalformed(edit(good, json -> ((ObjectNode) json).put("version", "1")), "'version' is not");
        assertMalformed(edit(good, json -> ((ObjectNode) json.get("kdf")).put("algorithm", "scrypt")),
                "unknown kdf algorithm 'scrypt'");
        assertMalformed(edit(good, json -> ((ObjectNode) json).remove("kdf")), "'kdf' is missing");
        assertMalformed(edit(good, json -> ((ObjectNode) json).put("kdf", "argon2id")), "'kdf' is not an object");
        assertMalformed(edit(good, json -> ((ObjectNode) json.get("kdf")).put("memoryKiB", 1L << 40)), "'memoryKiB'");
        assertMalformed(edit(good, json -> ((ObjectNode) json.get("kdf")).put("memoryKiB", Integer.MAX_VALUE)),
                "memoryKiB 2147483647");
        assertMalformed(edit(good, json -> ((ObjectNode) json.get("kdf")).put("iterations", 1.5)), "'iterations'");
        assertMalformed(edit(good, json -> ((ObjectNode) json.get("kdf")).put("parallelism", 0)), "parallelism 0");
        assertMalformed(edit(good, json -> ((ObjectNode) json.get("kdf")).put("salt", "***")), "'salt' is not base64");
        assertMalformed(edit(good, json -> ((ObjectNode) json.get("kdf")).put("salt", "AAAA")), "'salt' has 3 bytes");
        assertMalformed(edit(good, json -> ((ObjectNode) json).put("key", "AAAA")), "'key' has 3 bytes");
        assertMalformed(edit(good, json -> ((ObjectNode) json).putNull("key")), "'key' is missing");
        assertMalformed(edit(good, json -> ((ObjectNode) json).put("id", "XYZ")), "'id'");
        assertMalformed(edit(good, json -> ((ObjectNode) json).put("created", "yesterday")), "'created'");
        assertMalformed(edit(good, json -> ((ObjectNode) json).put("hostname", 7)), "'hostname' is not a string");
    }

    @Test
    void duplicateFieldsAndTrailingContentAreRefused() {
        String dup = new String(slot.toJson(), StandardCharsets.UTF_8).replaceFirst("\\{", "{\"version\": 1,");
        assertMalformed(dup.getBytes(StandardCharsets.UTF_8), "not JSON");
        String trailing = new String(slot.toJson(), StandardCharsets.UTF_8) + " {}";
        assertMalformed(trailing.getBytes(StandardCharsets.UTF_8), "not JSON");
    }

    @Test
    void unknownFieldsAreIgnored() throws Exception {
        KeySlot read = KeySlot.fromJson(edit(slot.toJson(), json -> ((ObjectNode) json).put("comment", "laptop")));

        assertThat(read.unwrap(PASSPHRASE.toCharArray()).encode()).isEqualTo(key.encode());
    }

    private static void assertUnwrapFails(byte[] json) throws Exception {
        KeySlot tampered = KeySlot.fromJson(json);
        assertThatThrownBy(() -> tampered.unwrap(PASSPHRASE.toCharArray())).isInstanceOf(WrongPassphraseException.class);
    }

    private static void assertMalformed(byte[] json, String messagePart) {
        assertThatThrownBy(() -> KeySlot.fromJson(json))
                .isInstanceOf(MalformedKeySlotException.class)
                .hasMessageStartingWith("malformed key slot: ")
                .hasMessageContaining(messagePart);
    }

    private static byte[] edit(byte[] json, Consumer<JsonNode> change) throws Exception {
        JsonNode tree = JSON.readTree(json);
        change.accept(tree);
        return JSON.writeValueAsBytes(tree);
    }

    private static byte[] fixture() throws Exception {
        try (InputStream in = KeySlotTest.class.getResourceAsStream("keyslot-v1.json")) {
            return in.readAllBytes();
        }
    }
}
