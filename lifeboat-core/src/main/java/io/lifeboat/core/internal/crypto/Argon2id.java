package io.lifeboat.core.internal.crypto;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Argon2id, version 0x13, as RFC 9106 specifies it: the key-derivation function of every
 * {@link KeySlot}, so every command that opens a repository runs it once.
 *
 * <p>Written here rather than taken from a library for its cost, which every command pays
 * before it does anything: the memory is one {@code long[]} (not one object per 1 KiB
 * block, which left tens of thousands of objects for the garbage collector), and the lanes
 * of each slice are filled on as many threads as there are lanes and cores (Argon2's
 * parallelism is there to be used; a one-threaded fill pays it in time). The output is
 * the RFC's: the tests check it against the RFC's test vector and against an independent
 * implementation on random inputs.
 *
 * <p>The work memory, which holds values derived from the password, is zeroed before
 * {@link #derive} returns.
 */
public final class Argon2id {
    private static final int VERSION = 0x13;
    private static final int TYPE_ID = 2;
    private static final int SYNC_POINTS = 4;
    private static final int BLOCK_LONGS = 128;
    private static final int BLOCK_BYTES = BLOCK_LONGS * Long.BYTES;
    private static final int PREHASH_BYTES = 64;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final long[] memory;
    private final int lanes;
    private final int laneLength;
    private final int segmentLength;
    private final int passes;
    private final int blocks;

    private Argon2id(KdfParams params) {
        this.lanes = params.parallelism();
        this.passes = params.iterations();
        this.segmentLength = params.memoryKiB() / (lanes * SYNC_POINTS);
        this.laneLength = segmentLength * SYNC_POINTS;
        this.blocks = laneLength * lanes;
        this.memory = new long[blocks * BLOCK_LONGS];
    }

    /**
     * The tag of {@code password} and {@code salt} under {@code params}, with no secret
     * and no associated data.
     *
     * @param tagLength output length in bytes, at least 4
     */
    public static byte[] derive(byte[] password, byte[] salt, KdfParams params, int tagLength) {
        return derive(password, salt, new byte[0], new byte[0], params, tagLength);
    }

    /**
     * The tag with the optional inputs of RFC 9106 section 3.1: a {@code secret} (K) and
     * {@code associatedData} (X), either may be empty.
     */
    public static byte[] derive(byte[] password, byte[] salt, byte[] secret, byte[] associatedData, KdfParams params,
            int tagLength) {
        if (tagLength < 4) {
            throw new IllegalArgumentException("Argon2id tag length " + tagLength + " is below 4");
        }
        Argon2id instance = new Argon2id(params);
        try {
            byte[] h0 = instance.prehash(password, salt, secret, associatedData, params.memoryKiB(), tagLength);
            instance.fillFirstBlocks(h0);
            Arrays.fill(h0, (byte) 0);
            instance.fillMemory();
            return instance.finish(tagLength);
        } finally {
            Arrays.fill(instance.memory, 0L);
        }
    }

    // ---- the three phases of RFC 9106 section 3.2

    private byte[] prehash(byte[] password, byte[] salt, byte[] secret, byte[] data, int memoryKiB, int tagLength) {
        Blake2b h = new Blake2b(PREHASH_BYTES);
        h.updateInt(lanes);
        h.updateInt(tagLength);
        h.updateInt(memoryKiB);
        h.updateInt(passes);
        h.updateInt(VERSION);
        h.updateInt(TYPE_ID);
        for (byte[] field : new byte[][] {password, salt, secret, data}) {
            h.updateInt(field.length);
            h.update(field, 0, field.length);
        }
        return h.digest();
    }

    private void fillFirstBlocks(byte[] h0) {
        byte[] seed = Arrays.copyOf(h0, PREHASH_BYTES + 8);
        for (int lane = 0; lane < lanes; lane++) {
            for (int column = 0; column < 2; column++) {
                LittleEndian.putInt(seed, PREHASH_BYTES, column);
                LittleEndian.putInt(seed, PREHASH_BYTES + 4, lane);
                byte[] block = variableHash(BLOCK_BYTES, seed);
                int base = (lane * laneLength + column) * BLOCK_LONGS;
                for (int i = 0; i < BLOCK_LONGS; i++) {
                    memory[base + i] = (long) LONGS.get(block, i * Long.BYTES);
                }
                Arrays.fill(block, (byte) 0);
            }
        }
        Arrays.fill(seed, (byte) 0);
    }

    private void fillMemory() {
        int threads = Math.min(lanes, Runtime.getRuntime().availableProcessors());
        if (threads == 1) {
            Worker worker = new Worker(0, 1);
            for (int pass = 0; pass < passes; pass++) {
                for (int slice = 0; slice < SYNC_POINTS; slice++) {
                    worker.fill(pass, slice);
                }
            }
            return;
        }
        // One worker per thread, each with its own scratch blocks and a fixed share of the
        // lanes; slices are the synchronisation points: every lane finishes slice s before
        // any starts slice s + 1, because a block may reference any finished slice of any lane.
        List<Worker> workers = new ArrayList<>();
        for (int w = 0; w < threads; w++) {
            workers.add(new Worker(w, threads));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads - 1,
                Thread.ofPlatform().name("lifeboat-argon2-", 0).daemon(true).factory());
        try {
            for (int pass = 0; pass < passes; pass++) {
                for (int slice = 0; slice < SYNC_POINTS; slice++) {
                    int p = pass;
                    int s = slice;
                    List<Future<?>> others = new ArrayList<>(threads - 1);
                    for (int w = 1; w < threads; w++) {
                        Worker worker = workers.get(w);
                        others.add(pool.submit(() -> worker.fill(p, s)));
                    }
                    workers.get(0).fill(p, s);
                    for (Future<?> other : others) {
                        awaitUninterruptibly(other);
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private byte[] finish(int tagLength) {
        long[] last = new long[BLOCK_LONGS];
        for (int lane = 0; lane < lanes; lane++) {
            int base = (lane * laneLength + laneLength - 1) * BLOCK_LONGS;
            for (int i = 0; i < BLOCK_LONGS; i++) {
                last[i] ^= memory[base + i];
            }
        }
        byte[] bytes = new byte[BLOCK_BYTES];
        for (int i = 0; i < BLOCK_LONGS; i++) {
            LONGS.set(bytes, i * Long.BYTES, last[i]);
        }
        Arrays.fill(last, 0L);
        try {
            return variableHash(tagLength, bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static void awaitUninterruptibly(Future<?> future) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    future.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException r) {
                        throw r;
                    }
                    if (cause instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException("Argon2id lane failed", cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Fills its share of the lanes, one segment at a time, with its own scratch blocks. */
    private final class Worker {
        private final int first;
        private final int step;
        private final long[] r = new long[BLOCK_LONGS];
        private final long[] tmp = new long[BLOCK_LONGS];
        private final long[] input = new long[BLOCK_LONGS];
        private final long[] addresses = new long[BLOCK_LONGS];
        private final long[] zero = new long[BLOCK_LONGS];

        Worker(int first, int step) {
            this.first = first;
            this.step = step;
        }

        void fill(int pass, int slice) {
            for (int lane = first; lane < lanes; lane += step) {
                fillSegment(pass, lane, slice);
            }
        }

        private void fillSegment(int pass, int lane, int slice) {
            // Argon2id: the first half of the first pass takes its reference blocks from a
            // counter (Argon2i, resisting side channels); everything after from the data.
            boolean independent = pass == 0 && slice < SYNC_POINTS / 2;
            int start = pass == 0 && slice == 0 ? 2 : 0;
            if (independent) {
                Arrays.fill(input, 0L);
                input[0] = pass;
                input[1] = lane;
                input[2] = slice;
                input[3] = blocks;
                input[4] = passes;
                input[5] = TYPE_ID;
                if (start != 0) {
                    nextAddresses();
                }
            }
            int laneBase = lane * laneLength;
            int column = slice * segmentLength + start;
            for (int index = start; index < segmentLength; index++, column++) {
                int previous = column == 0 ? laneLength - 1 : column - 1;
                long pseudoRandom;
                if (independent) {
                    if (index % BLOCK_LONGS == 0) {
                        nextAddresses();
                    }
                    pseudoRandom = addresses[index % BLOCK_LONGS];
                } else {
                    pseudoRandom = memory[(laneBase + previous) * BLOCK_LONGS];
                }
                int refLane = pass == 0 && slice == 0 ? lane : (int) ((pseudoRandom >>> 32) % lanes);
                int refColumn = referenceColumn(pass, slice, index, pseudoRandom & 0xFFFFFFFFL, refLane == lane);
                compress(memory, (laneBase + previous) * BLOCK_LONGS, memory,
                        (refLane * laneLength + refColumn) * BLOCK_LONGS, memory, (laneBase + column) * BLOCK_LONGS,
                        pass != 0);
            }
        }

        private void nextAddresses() {
            input[6]++;
            compress(zero, 0, input, 0, addresses, 0, false);
            compress(zero, 0, addresses, 0, addresses, 0, false);
        }

        /**
         * out = G(x, y) (RFC 9106 section 3.5), or {@code out ^ G(x, y)} when {@code xor}
         * (passes after the first). {@code out} may be {@code y}.
         */
        private void compress(long[] x, int xo, long[] y, int yo, long[] out, int oo, boolean xor) {
            long[] r = this.r;
            long[] tmp = this.tmp;
            for (int i = 0; i < BLOCK_LONGS; i++) {
                long v = x[xo + i] ^ y[yo + i];
                r[i] = v;
                tmp[i] = xor ? v ^ out[oo + i] : v;
            }
            for (int i = 0; i < 128; i += 16) {
                permute(r, i, i + 1, i + 2, i + 3, i + 4, i + 5, i + 6, i + 7,
                        i + 8, i + 9, i + 10, i + 11, i + 12, i + 13, i + 14, i + 15);
            }
            for (int i = 0; i < 16; i += 2) {
                permute(r, i, i + 1, i + 16, i + 17, i + 32, i + 33, i + 48, i + 49,
                        i + 64, i + 65, i + 80, i + 81, i + 96, i + 97, i + 112, i + 113);
            }
            for (int i = 0; i < BLOCK_LONGS; i++) {
                out[oo + i] = tmp[i] ^ r[i];
            }
        }
    }

    /** The column of the reference block in its lane: RFC 9106 section 3.4.2. */
    private int referenceColumn(int pass, int slice, int index, long j1, boolean sameLane) {
        long area;
        if (pass == 0) {
            if (slice == 0) {
                area = index - 1;
            } else if (sameLane) {
                area = (long) slice * segmentLength + index - 1;
            } else {
                area = (long) slice * segmentLength + (index == 0 ? -1 : 0);
            }
        } else if (sameLane) {
            area = laneLength - segmentLength + index - 1;
        } else {
            area = laneLength - segmentLength + (index == 0 ? -1 : 0);
        }
        long x = (j1 * j1) >>> 32;
        long relative = area - 1 - ((area * x) >>> 32);
        long start = pass == 0 || slice == SYNC_POINTS - 1 ? 0 : (long) (slice + 1) * segmentLength;
        return (int) ((start + relative) % laneLength);
    }

    /**
     * The permutation P of RFC 9106 section 3.6 on sixteen words of {@code v}: BLAKE2b's
     * round without message words, with multiplications added (BlaMka).
     */
    private static void permute(long[] v, int i0, int i1, int i2, int i3, int i4, int i5, int i6, int i7,
            int i8, int i9, int i10, int i11, int i12, int i13, int i14, int i15) {
        long v0 = v[i0];
        long v1 = v[i1];
        long v2 = v[i2];
        long v3 = v[i3];
        long v4 = v[i4];
        long v5 = v[i5];
        long v6 = v[i6];
        long v7 = v[i7];
        long v8 = v[i8];
        long v9 = v[i9];
        long v10 = v[i10];
        long v11 = v[i11];
        long v12 = v[i12];
        long v13 = v[i13];
        long v14 = v[i14];
        long v15 = v[i15];

        // GB(v0, v4, v8, v12)
        v0 = blaMka(v0, v4);
        v12 = Long.rotateRight(v12 ^ v0, 32);
        v8 = blaMka(v8, v12);
        v4 = Long.rotateRight(v4 ^ v8, 24);
        v0 = blaMka(v0, v4);
        v12 = Long.rotateRight(v12 ^ v0, 16);
        v8 = blaMka(v8, v12);
        v4 = Long.rotateRight(v4 ^ v8, 63);
        // GB(v1, v5, v9, v13)
        v1 = blaMka(v1, v5);
        v13 = Long.rotateRight(v13 ^ v1, 32);
        v9 = blaMka(v9, v13);
        v5 = Long.rotateRight(v5 ^ v9, 24);
        v1 = blaMka(v1, v5);
        v13 = Long.rotateRight(v13 ^ v1, 16);
        v9 = blaMka(v9, v13);
        v5 = Long.rotateRight(v5 ^ v9, 63);
        // GB(v2, v6, v10, v14)
        v2 = blaMka(v2, v6);
        v14 = Long.rotateRight(v14 ^ v2, 32);
        v10 = blaMka(v10, v14);
        v6 = Long.rotateRight(v6 ^ v10, 24);
        v2 = blaMka(v2, v6);
        v14 = Long.rotateRight(v14 ^ v2, 16);
        v10 = blaMka(v10, v14);
        v6 = Long.rotateRight(v6 ^ v10, 63);
        // GB(v3, v7, v11, v15)
        v3 = blaMka(v3, v7);
        v15 = Long.rotateRight(v15 ^ v3, 32);
        v11 = blaMka(v11, v15);
        v7 = Long.rotateRight(v7 ^ v11, 24);
        v3 = blaMka(v3, v7);
        v15 = Long.rotateRight(v15 ^ v3, 16);
        v11 = blaMka(v11, v15);
        v7 = Long.rotateRight(v7 ^ v11, 63);
        // GB(v0, v5, v10, v15)
        v0 = blaMka(v0, v5);
        v15 = Long.rotateRight(v15 ^ v0, 32);
        v10 = blaMka(v10, v15);
        v5 = Long.rotateRight(v5 ^ v10, 24);
        v0 = blaMka(v0, v5);
        v15 = Long.rotateRight(v15 ^ v0, 16);
        v10 = blaMka(v10, v15);
        v5 = Long.rotateRight(v5 ^ v10, 63);
        // GB(v1, v6, v11, v12)
        v1 = blaMka(v1, v6);
        v12 = Long.rotateRight(v12 ^ v1, 32);
        v11 = blaMka(v11, v12);
        v6 = Long.rotateRight(v6 ^ v11, 24);
        v1 = blaMka(v1, v6);
        v12 = Long.rotateRight(v12 ^ v1, 16);
        v11 = blaMka(v11, v12);
        v6 = Long.rotateRight(v6 ^ v11, 63);
        // GB(v2, v7, v8, v13)
        v2 = blaMka(v2, v7);
        v13 = Long.rotateRight(v13 ^ v2, 32);
        v8 = blaMka(v8, v13);
        v7 = Long.rotateRight(v7 ^ v8, 24);
        v2 = blaMka(v2, v7);
        v13 = Long.rotateRight(v13 ^ v2, 16);
        v8 = blaMka(v8, v13);
        v7 = Long.rotateRight(v7 ^ v8, 63);
        // GB(v3, v4, v9, v14)
        v3 = blaMka(v3, v4);
        v14 = Long.rotateRight(v14 ^ v3, 32);
        v9 = blaMka(v9, v14);
        v4 = Long.rotateRight(v4 ^ v9, 24);
        v3 = blaMka(v3, v4);
        v14 = Long.rotateRight(v14 ^ v3, 16);
        v9 = blaMka(v9, v14);
        v4 = Long.rotateRight(v4 ^ v9, 63);

        v[i0] = v0;
        v[i1] = v1;
        v[i2] = v2;
        v[i3] = v3;
        v[i4] = v4;
        v[i5] = v5;
        v[i6] = v6;
        v[i7] = v7;
        v[i8] = v8;
        v[i9] = v9;
        v[i10] = v10;
        v[i11] = v11;
        v[i12] = v12;
        v[i13] = v13;
        v[i14] = v14;
        v[i15] = v15;
    }

    /** {@code a + b + 2 * lo32(a) * lo32(b)}, modulo 2^64. */
    private static long blaMka(long a, long b) {
        return a + b + 2 * (a & 0xFFFFFFFFL) * (b & 0xFFFFFFFFL);
    }

    /** H' of RFC 9106 section 3.3: BLAKE2b stretched to {@code length} bytes. */
    static byte[] variableHash(int length, byte[] input) {
        byte[] out = new byte[length];
        if (length <= Blake2b.MAX_LENGTH) {
            Blake2b h = new Blake2b(length);
            h.updateInt(length);
            h.update(input, 0, input.length);
            h.digestInto(out, 0);
            return out;
        }
        int halves = (length + 31) / 32 - 2;
        Blake2b h = new Blake2b(Blake2b.MAX_LENGTH);
        h.updateInt(length);
        h.update(input, 0, input.length);
        byte[] v = h.digest();
        System.arraycopy(v, 0, out, 0, 32);
        for (int i = 1; i < halves; i++) {
            h = new Blake2b(Blake2b.MAX_LENGTH);
            h.update(v, 0, v.length);
            byte[] next = h.digest();
            Arrays.fill(v, (byte) 0);
            v = next;
            System.arraycopy(v, 0, out, i * 32, 32);
        }
        h = new Blake2b(length - 32 * halves);
        h.update(v, 0, v.length);
        h.digestInto(out, 32 * halves);
        Arrays.fill(v, (byte) 0);
        return out;
    }

    private static final class LittleEndian {
        static void putInt(byte[] b, int off, int v) {
            b[off] = (byte) v;
            b[off + 1] = (byte) (v >>> 8);
            b[off + 2] = (byte) (v >>> 16);
            b[off + 3] = (byte) (v >>> 24);
        }
    }

    /**
     * BLAKE2b (RFC 7693) without a key, output of 1 to 64 bytes: the hash under Argon2.
     * Inputs shorter than 2^64 bytes.
     */
    static final class Blake2b {
        static final int MAX_LENGTH = 64;
        private static final int BLOCK = 128;
        private static final long[] IV = {
            0x6a09e667f3bcc908L, 0xbb67ae8584caa73bL, 0x3c6ef372fe94f82bL, 0xa54ff53a5f1d36f1L,
            0x510e527fade682d1L, 0x9b05688c2b3e6c1fL, 0x1f83d9abfb41bd6bL, 0x5be0cd19137e2179L,
        };
        private static final byte[][] SIGMA = {
            {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
            {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
            {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
            {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
            {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
            {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
            {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
            {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
            {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
            {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
        };

        private final long[] h = IV.clone();
        private final byte[] buffer = new byte[BLOCK];
        private final long[] m = new long[16];
        private final long[] v = new long[16];
        private final int length;
        private int buffered;
        private long counter;

        Blake2b(int length) {
            if (length < 1 || length > MAX_LENGTH) {
                throw new IllegalArgumentException("BLAKE2b output length " + length + " is outside [1, 64]");
            }
            this.length = length;
            h[0] ^= 0x01010000L ^ length;
        }

        void updateInt(int value) {
            byte[] le = new byte[4];
            LittleEndian.putInt(le, 0, value);
            update(le, 0, 4);
        }

        void update(byte[] in, int offset, int count) {
            while (count > 0) {
                // The last block is compressed by digest (with the final flag), so a full
                // buffer is compressed only when more input arrives.
                if (buffered == BLOCK) {
                    counter += BLOCK;
                    compress(false);
                    buffered = 0;
                }
                int n = Math.min(BLOCK - buffered, count);
                System.arraycopy(in, offset, buffer, buffered, n);
                buffered += n;
                offset += n;
                count -= n;
            }
        }

        byte[] digest() {
            byte[] out = new byte[length];
            digestInto(out, 0);
            return out;
        }

        void digestInto(byte[] out, int offset) {
            counter += buffered;
            Arrays.fill(buffer, buffered, BLOCK, (byte) 0);
            compress(true);
            byte[] full = new byte[MAX_LENGTH];
            for (int i = 0; i < 8; i++) {
                LONGS.set(full, i * Long.BYTES, h[i]);
            }
            System.arraycopy(full, 0, out, offset, length);
            Arrays.fill(full, (byte) 0);
            Arrays.fill(buffer, (byte) 0);
            Arrays.fill(h, 0L);
            Arrays.fill(m, 0L);
            Arrays.fill(v, 0L);
        }

        private void compress(boolean last) {
            for (int i = 0; i < 16; i++) {
                m[i] = (long) LONGS.get(buffer, i * Long.BYTES);
            }
            System.arraycopy(h, 0, v, 0, 8);
            System.arraycopy(IV, 0, v, 8, 8);
            v[12] ^= counter;
            if (last) {
                v[14] = ~v[14];
            }
            for (int round = 0; round < 12; round++) {
                byte[] s = SIGMA[round % 10];
                mix(0, 4, 8, 12, m[s[0]], m[s[1]]);
                mix(1, 5, 9, 13, m[s[2]], m[s[3]]);
                mix(2, 6, 10, 14, m[s[4]], m[s[5]]);
                mix(3, 7, 11, 15, m[s[6]], m[s[7]]);
                mix(0, 5, 10, 15, m[s[8]], m[s[9]]);
                mix(1, 6, 11, 12, m[s[10]], m[s[11]]);
                mix(2, 7, 8, 13, m[s[12]], m[s[13]]);
                mix(3, 4, 9, 14, m[s[14]], m[s[15]]);
            }
            for (int i = 0; i < 8; i++) {
                h[i] ^= v[i] ^ v[i + 8];
            }
        }

        private void mix(int a, int b, int c, int d, long x, long y) {
            v[a] += v[b] + x;
            v[d] = Long.rotateRight(v[d] ^ v[a], 32);
            v[c] += v[d];
            v[b] = Long.rotateRight(v[b] ^ v[c], 24);
            v[a] += v[b] + y;
            v[d] = Long.rotateRight(v[d] ^ v[a], 16);
            v[c] += v[d];
            v[b] = Long.rotateRight(v[b] ^ v[c], 63);
        }
    }
}
