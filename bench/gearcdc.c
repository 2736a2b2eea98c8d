/*
 * Physical reference for Lifeboat's chunker: the FastCDC cut rule of FastCdc.java
 * (gear hash h = (h << 1) + GEAR[b], masks for avgSize 1 MiB, hashing from minSize - 64,
 * ChunkerParams.DEFAULT) written in plain C, run single-threaded over a file held in
 * memory. The gear table is random (from splitmix64), not Lifeboat's keyed one; chunk
 * statistics are alike. Prints input MB/s (MB = 10^6 bytes) and the chunk count.
 *
 * Build: gcc -O2 -o gearcdc gearcdc.c      Use: gearcdc FILE [SECONDS]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define MIN_SIZE (512u * 1024)
#define AVG_BITS 20
#define MAX_SIZE (8u * 1024 * 1024)

static uint64_t gear[256];

static size_t next_cut(const uint8_t *d, size_t length) {
    if (length <= MIN_SIZE) return length;
    size_t n = length < MAX_SIZE ? length : MAX_SIZE;
    size_t barrier = n < (1u << AVG_BITS) ? n : (1u << AVG_BITS);
    const uint64_t ms = ~0ull << (64 - (AVG_BITS + 2));
    const uint64_t ml = ~0ull << (64 - (AVG_BITS - 2));
    uint64_t h = 0;
    size_t i;
    for (i = MIN_SIZE - 64; i < MIN_SIZE; i++) h = (h << 1) + gear[d[i]];
    for (; i < barrier; i++) {
        h = (h << 1) + gear[d[i]];
        if ((h & ms) == 0) return i + 1;
    }
    for (; i < n; i++) {
        h = (h << 1) + gear[d[i]];
        if ((h & ml) == 0) return i + 1;
    }
    return n;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: gearcdc FILE [SECONDS]\n");
        return 2;
    }
    double seconds = argc > 2 ? atof(argv[2]) : 3;
    FILE *f = fopen(argv[1], "rb");
    if (!f) { perror(argv[1]); return 1; }
    fseek(f, 0, SEEK_END);
    size_t len = (size_t) ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *d = malloc(len);
    if (!d || fread(d, 1, len, f) != len) { fprintf(stderr, "cannot read %s\n", argv[1]); return 1; }
    fclose(f);

    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (int k = 0; k < 256; k++) { /* splitmix64 */
        uint64_t z = (x += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        gear[k] = z ^ (z >> 31);
    }

    size_t chunks = 0;
    double bytes = 0, t0 = now(), t;
    int passes = 0;
    do {
        chunks = 0;
        for (size_t off = 0; off < len; chunks++) off += next_cut(d + off, len - off);
        bytes += len;
        passes++;
        t = now();
    } while (t - t0 < seconds || passes < 2);
    printf("%.1f MB/s (%zu chunks per pass, %d passes)\n", bytes / (t - t0) / 1e6, chunks, passes);
    free(d);
    return 0;
}
