#!/usr/bin/env bash
# JMH micro-benchmarks of Lifeboat's hot primitives (chunker, chunk-id hash, blob codec,
# cipher), each next to a physical reference on this machine (openssl speed, the zstd CLI,
# the chunker's cut loop in C), single-threaded. Prints the JMH table, then a combined table.
#
#   bench/micro.sh [JMH-REGEX]
#
# Environment: JAVA_HOME (a JDK >= 21; default temurin 25), JMH_OPTS (default
# "-f 1 -wi 3 -w 1s -i 5 -r 1s", about 6 minutes on 2 cores), OUT (default bench/out/micro).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
JMH_OPTS=${JMH_OPTS:--f 1 -wi 3 -w 1s -i 5 -r 1s}
FILTER=${1:-io.lifeboat.bench.micro}
OUT=${OUT:-$ROOT/bench/out/micro}
BENCH="$ROOT/lifeboat-bench/target"
# This worktree's lifeboat-core first: lib/ holds whatever lifeboat-core was in ~/.m2 when the
# bench module was last packaged, which other worktrees of the machine overwrite.
CORE="$ROOT/lifeboat-core/target/classes"
CP="$BENCH/lifeboat-bench.jar:$CORE:$BENCH/lib/*"
mkdir -p "$OUT"

# ---- build if the jar is missing or older than any source --------------------------
stale() { # $1 is missing or older than any source of $2...
    local out=$1; shift
    [[ ! -e "$out" ]] || [[ -n $(find "$@" -newer "$out" -print -quit) ]]
}
if stale "$BENCH/lifeboat-bench.jar" "$ROOT/lifeboat-bench/src/main" "$ROOT/lifeboat-bench/pom.xml" \
   || stale "$CORE/io/lifeboat/core/internal/codec/BlobCodec.class" "$ROOT/lifeboat-core/src/main" "$ROOT/lifeboat-core/pom.xml"; then
    echo "== building"
    (cd "$ROOT" && ./mvnw -B -ntp -q install -DskipTests -pl lifeboat-core,lifeboat-bench -am)
fi

# ---- JMH ---------------------------------------------------------------------------
echo "== JMH: $FILTER $JMH_OPTS   (load before: $(cut -d' ' -f1-3 /proc/loadavg))"
# shellcheck disable=SC2086
"$JAVA" -cp "$CP" org.openjdk.jmh.Main "$FILTER" $JMH_OPTS -rf csv -rff "$OUT/jmh.csv" 2>&1 \
    | tee "$OUT/jmh.txt" | sed -n '/^Benchmark .*Mode/,$p'
grep -h -e '-> ' -e 'provider:' "$OUT/jmh.txt" | sort -u || true

# ---- physical references, each on one core -----------------------------------------
echo "== references   (load: $(cut -d' ' -f1-3 /proc/loadavg))"
REF="$OUT/references.txt"
: > "$REF"
"$JAVA" -cp "$CP" io.lifeboat.bench.micro.MicroInputs "$OUT/samples"

openssl_mbs() { # last column of openssl speed, in 1000s of bytes/s, as MB/s
    awk 'END { v = $NF; sub(/k$/, "", v); printf "%.1f", v / 1000 }'
}
for bytes in 1048576 16384; do
    echo "\$ openssl speed -elapsed -evp aes-256-gcm -bytes $bytes -seconds 3"
    v=$(openssl speed -elapsed -evp aes-256-gcm -bytes "$bytes" -seconds 3 2>/dev/null | openssl_mbs)
    echo "  $v MB/s"; echo "openssl.aes-256-gcm.$bytes $v" >> "$REF"
done
echo "\$ openssl speed -elapsed -evp sha256 -bytes 1048576 -seconds 3"
v=$(openssl speed -elapsed -evp sha256 -bytes 1048576 -seconds 3 2>/dev/null | openssl_mbs)
echo "  $v MB/s"; echo "openssl.sha256.1048576 $v" >> "$REF"

if ! command -v zstd >/dev/null && [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    apt-get install -y -qq zstd >/dev/null || true
fi
if command -v zstd >/dev/null; then
    for s in jsonl bf16-planes; do
        echo "\$ zstd -b3 -e3 -T1 $s.bin   ($(zstd --version | grep -o 'v[0-9.]*'))"
        line=$(zstd -b3 -e3 -T1 "$OUT/samples/$s.bin" 2>&1 | tr '\r' '\n' | grep -E 'MB/s, *[0-9.]+ MB/s' | tail -1)
        echo "  $line"
        read -r c d < <(sed -E 's/.*, *([0-9.]+) MB\/s, *([0-9.]+) MB\/s.*/\1 \2/' <<<"$line")
        echo "zstd.compress.$s $c" >> "$REF"; echo "zstd.decompress.$s $d" >> "$REF"
    done
else
    echo "  zstd CLI not installed: no zstd reference"
fi

if command -v gcc >/dev/null; then
    gcc -O2 -o "$OUT/gearcdc" "$ROOT/bench/gearcdc.c"
    for s in random bf16; do
        echo "\$ gearcdc $s-64m.bin 3   (gcc -O2 $ROOT/bench/gearcdc.c)"
        line=$("$OUT/gearcdc" "$OUT/samples/$s-64m.bin" 3)
        echo "  $line"; echo "c.fastcdc.$s ${line%% MB/s*}" >> "$REF"
    done
else
    echo "  gcc not installed: no C chunker reference"
fi

# ---- combined table ----------------------------------------------------------------
echo "== combined, load at the end: $(cut -d' ' -f1-3 /proc/loadavg) (MB/s, MB = 10^6 bytes; ratio = Lifeboat / reference)"
python3 "$ROOT/bench/micro_table.py" "$OUT/jmh.csv" "$REF" | tee "$OUT/table.md"
