package io.lifeboat.core.internal.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Kinds of data the codec must handle well. */
final class CodecFixtures {
    private static final String[] WORDS = {
        "the", "model", "checkpoint", "layer", "weight", "tensor", "backup", "restore", "of", "and",
        "a", "lifeboat", "shard", "optimizer", "state", "step", "loss", "gradient", "epoch", "config"};

    private CodecFixtures() {
    }

    static byte[] random(long seed, int length) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** Words from a small vocabulary, like logs or JSON: compresses well as is. */
    static byte[] text(long seed, int length) {
        Random random = new Random(seed);
        StringBuilder sb = new StringBuilder(length + 16);
        while (sb.length() < length) {
            sb.append(WORDS[random.nextInt(WORDS.length)]).append(random.nextInt(10) == 0 ? ".\n" : " ");
        }
        return sb.substring(0, length).getBytes(StandardCharsets.US_ASCII);
    }

    /** Little-endian float32 weights rounded to bfloat16: the two low bytes of each are zero. */
    static byte[] bfloat16Floats(long seed, int count) {
        Random random = new Random(seed);
        ByteBuffer buf = ByteBuffer.allocate(4 * count).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            float weight = (float) (random.nextGaussian() * 0.02);
            buf.putInt(Float.floatToRawIntBits(weight) & 0xFFFF0000);
        }
        return buf.array();
    }

    /** Little-endian float32 weights at full precision: only the sign/exponent plane compresses. */
    static byte[] float32Floats(long seed, int count) {
        Random random = new Random(seed);
        ByteBuffer buf = ByteBuffer.allocate(4 * count).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            buf.putFloat((float) (random.nextGaussian() * 0.02));
        }
        return buf.array();
    }

    /** int8-quantised weights: one byte per weight, no planes to separate. */
    static byte[] int8Weights(long seed, int count) {
        Random random = new Random(seed);
        byte[] data = new byte[count];
        for (int i = 0; i < count; i++) {
            data[i] = (byte) Math.max(-127, Math.min(127, Math.round(random.nextGaussian() * 20)));
        }
        return data;
    }
}
