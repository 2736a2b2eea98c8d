"""Joins the JMH results (bytes/s: one operation is one byte) with the references into one
Markdown table: primitive, Lifeboat MB/s, reference, reference MB/s, ratio.

    python3 micro_table.py JMH.csv REFERENCES.txt
"""
import csv
import sys

P = "io.lifeboat.bench.micro."

# (primitive, JMH benchmark, its parameter or None, reference key, reference description)
ROWS = [
    ("FastCdc.nextCut, random, 64 MiB", "ChunkerBench.nextCut", "RANDOM", "c.fastcdc.random", "same cut loop in C, gcc -O2"),
    ("FastCdc.nextCut, bf16, 64 MiB", "ChunkerBench.nextCut", "BF16", "c.fastcdc.bf16", "same cut loop in C, gcc -O2"),
    ("Chunker over InputStream, random", "ChunkerBench.chunkerStream", "RANDOM", "c.fastcdc.random", "same cut loop in C, gcc -O2"),
    ("Chunker over InputStream, bf16", "ChunkerBench.chunkerStream", "BF16", "c.fastcdc.bf16", "same cut loop in C, gcc -O2"),
    ("gear hash every byte (Java loop)", "ChunkerBench.gearEveryByte", "RANDOM", "c.fastcdc.random", "same cut loop in C, gcc -O2"),
    ("ChunkIdHasher (HMAC-SHA256), 1 MiB", "HashBench.chunkId1MiB", None, "openssl.sha256.1048576", "openssl sha256, 1 MiB"),
    ("ChunkIdHasher (HMAC-SHA256), 8 KiB", "HashBench.chunkId8KiB", None, "openssl.sha256.1048576", "openssl sha256, 1 MiB"),
    ("MessageDigest SHA-256, 1 MiB", "HashBench.sha256_1MiB", None, "openssl.sha256.1048576", "openssl sha256, 1 MiB"),
    ("BlobCodec.encode RAW (random), 1 MiB", "CodecBench.encode", "RANDOM", "java.copy", "Java clone of 1 MiB"),
    ("BlobCodec.decode RAW (random), 1 MiB", "CodecBench.decode", "RANDOM", "java.copy", "Java clone of 1 MiB"),
    ("BlobCodec.encode ZSTD (jsonl), 1 MiB", "CodecBench.encode", "JSONL", "zstd.compress.jsonl", "zstd -3 CLI compress"),
    ("BlobCodec.decode ZSTD (jsonl), 1 MiB", "CodecBench.decode", "JSONL", "zstd.decompress.jsonl", "zstd CLI decompress"),
    ("BlobCodec.encode SHUFFLE4_ZSTD (bf16), 1 MiB", "CodecBench.encode", "BF16", "zstd.compress.bf16-planes", "zstd -3 CLI compress of the planes"),
    ("BlobCodec.decode SHUFFLE4_ZSTD (bf16), 1 MiB", "CodecBench.decode", "BF16", "zstd.decompress.bf16-planes", "zstd CLI decompress of the planes"),
    ("Envelope.seal, 1 MiB", "CipherBench.seal1MiB", None, "openssl.aes-256-gcm.1048576", "openssl aes-256-gcm, 1 MiB"),
    ("Envelope.open, 1 MiB", "CipherBench.open1MiB", None, "openssl.aes-256-gcm.1048576", "openssl aes-256-gcm, 1 MiB"),
    ("Envelope.seal, 16 KiB", "CipherBench.seal16KiB", None, "openssl.aes-256-gcm.16384", "openssl aes-256-gcm, 16 KiB"),
    ("Envelope.open, 16 KiB", "CipherBench.open16KiB", None, "openssl.aes-256-gcm.16384", "openssl aes-256-gcm, 16 KiB"),
]
for prov in ("Conscrypt", "SunJCE"):
    for op in ("seal", "open"):
        for size, label, key in (("1MiB", "1 MiB", "1048576"), ("16KiB", "16 KiB", "16384")):
            ROWS.append((f"bare {prov} AES-GCM {op}, {label}", f"GcmBench.{op}{size}", prov,
                         f"openssl.aes-256-gcm.{key}", f"openssl aes-256-gcm, {label}"))


def main(jmh_csv, ref_txt):
    scores = {}
    with open(jmh_csv, newline="") as f:
        for r in csv.DictReader(f):
            name = r["Benchmark"].removeprefix(P)
            param = next((v for k, v in r.items() if k.startswith("Param:") and v), None)
            err = r["Score Error (99.9%)"]
            scores[(name, param)] = (float(r["Score"]) / 1e6, float(err) / 1e6 if err and err != "NaN" else None)
    refs = {}
    with open(ref_txt) as f:
        for line in f:
            k, _, v = line.strip().partition(" ")
            if v:
                refs[k] = float(v)
    if ("CopyBench.copy1MiB", None) in scores:
        refs["java.copy"] = scores[("CopyBench.copy1MiB", None)][0]

    print("| primitive | Lifeboat MB/s | ± (99.9%) | reference | reference MB/s | ratio |")
    print("|---|---:|---:|---|---:|---:|")
    for primitive, bench, param, key, desc in ROWS:
        if (bench, param) not in scores:
            continue
        mine, err = scores[(bench, param)]
        ref = refs.get(key)
        ratio = f"{mine / ref:.2f}" if ref else "n/a"
        print(f"| {primitive} | {mine:,.0f} | {f'{err:,.0f}' if err is not None else ''} | {desc} | {f'{ref:,.0f}' if ref else 'n/a'} | {ratio} |")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
