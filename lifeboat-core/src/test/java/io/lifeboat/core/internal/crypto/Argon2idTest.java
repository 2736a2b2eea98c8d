package io.lifeboat.core.internal.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;

/**
 * Our Argon2id against RFC 9106's test vector and, on random inputs, against Bouncy Castle's
 * independent implementation (the one key slots were derived with before ours, so the
 * property also shows that every existing repository still opens).
 */
class Argon2idTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void rfc9106TestVector() {
        // RFC 9106 section 5.3: Argon2id, m = 32 KiB, t = 3, p = 4, with a secret and associated data.
        byte[] password = filled(32, 0x01);
        byte[] salt = filled(16, 0x02);
        byte[] secret = filled(8, 0x03);
        byte[] associated = filled(12, 0x04);

        byte[] tag = Argon2id.derive(password, salt, secret, associated, new KdfParams(32, 3, 4), 32);

        assertThat(HEX.formatHex(tag)).isEqualTo("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
    }

    @Test
    void blake2bKnownAnswers() {
        // `printf abc | b2sum` and `printf abc | b2sum -l 256` (GNU coreutils).
        byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
        assertThat(HEX.formatHex(blake2b(64, abc))).isEqualTo("ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6f"
                + "dbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923");
        assertThat(HEX.formatHex(blake2b(32, abc))).isEqualTo(
                "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
    }

    @Property(tries = 200)
    void blake2bMatchesAnIndependentImplementation(@ForAll @Size(max = 600) byte[] input,
            @ForAll @IntRange(min = 1, max = 64) int length, @ForAll @IntRange(min = 1, max = 300) int piece) {
        Argon2id.Blake2b ours = new Argon2id.Blake2b(length);
        for (int offset = 0; offset < input.length; offset += piece) {
            ours.update(input, offset, Math.min(piece, input.length - offset));
        }
        Blake2bDigest theirs = new Blake2bDigest(length * 8);
        theirs.update(input, 0, input.length);
        byte[] expected = new byte[length];
        theirs.doFinal(expected, 0);

        assertThat(ours.digest()).isEqualTo(expected);
    }

    @Property(tries = 60)
    void matchesAnIndependentImplementation(@ForAll @Size(max = 40) byte[] password,
            @ForAll @Size(min = 8, max = 32) byte[] salt, @ForAll @Size(max = 16) byte[] secret,
            @ForAll @Size(max = 16) byte[] associated, @ForAll @IntRange(min = 1, max = 5) int lanes,
            @ForAll @IntRange(max = 200) int extraKiB, @ForAll @IntRange(min = 1, max = 3) int iterations,
            @ForAll @IntRange(min = 4, max = 200) int tagLength) {
        KdfParams params = new KdfParams(8 * lanes + extraKiB, iterations, lanes);

        byte[] ours = Argon2id.derive(password, salt, secret, associated, params, tagLength);

        assertThat(ours).isEqualTo(bouncyCastle(password, salt, secret, associated, params, tagLength));
    }

    @Test
    void theDefaultCostMatchesAnIndependentImplementation() {
        // The parameters every key slot is made with: 64 MiB, 3 passes, 2 lanes (filled on two threads here).
        byte[] password = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);
        byte[] salt = filled(16, 0x5a);

        assertThat(Argon2id.derive(password, salt, KdfParams.DEFAULT, 32))
                .isEqualTo(bouncyCastle(password, salt, new byte[0], new byte[0], KdfParams.DEFAULT, 32));
    }

    @Test
    void differentPasswordsSaltsAndCostsGiveDifferentTags() {
        byte[] password = "pass".getBytes(StandardCharsets.UTF_8);
        byte[] salt = filled(16, 1);
        byte[] tag = Argon2id.derive(password, salt, KdfParams.TESTING, 32);

        assertThat(Argon2id.derive("pasS".getBytes(StandardCharsets.UTF_8), salt, KdfParams.TESTING, 32)).isNotEqualTo(tag);
        assertThat(Argon2id.derive(password, filled(16, 2), KdfParams.TESTING, 32)).isNotEqualTo(tag);
        assertThat(Argon2id.derive(password, salt, new KdfParams(1024, 2, 2), 32)).isNotEqualTo(tag);
        assertThat(Argon2id.derive(password, salt, new KdfParams(1024, 1, 1), 32)).isNotEqualTo(tag);
        assertThat(Argon2id.derive(password, salt, KdfParams.TESTING, 32)).isEqualTo(tag);
    }

    @Test
    void refusesTagsShorterThanTheRfcAllows() {
        assertThatThrownBy(() -> Argon2id.derive(new byte[1], new byte[16], KdfParams.TESTING, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3");
    }

    private static byte[] blake2b(int length, byte[] input) {
        Argon2id.Blake2b h = new Argon2id.Blake2b(length);
        h.update(input, 0, input.length);
        return h.digest();
    }

    private static byte[] bouncyCastle(byte[] password, byte[] salt, byte[] secret, byte[] associated, KdfParams params,
            int tagLength) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt)
                .withSecret(secret)
                .withAdditional(associated)
                .withMemoryAsKB(params.memoryKiB())
                .withIterations(params.iterations())
                .withParallelism(params.parallelism())
                .build());
        byte[] tag = new byte[tagLength];
        generator.generateBytes(password, tag);
        return tag;
    }

    private static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
