# shellcheck shell=bash
# Sourced by bench/macro.sh and bench/scale.sh: installs the tools compared against when
# they are missing, finds a JDK >= 21, builds Lifeboat and the benchmark drivers.

bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

bench_ensure_tools() {
  # Debian's packages, as users would get them: restic, borgbackup, and GNU time for the measurements.
  local missing=()
  command -v restic >/dev/null 2>&1 || missing+=(restic)
  command -v borg >/dev/null 2>&1 || missing+=(borgbackup)
  [ -x /usr/bin/time ] || missing+=(time)
  command -v lscpu >/dev/null 2>&1 || missing+=(util-linux)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "bench: installing ${missing[*]} from the distribution's packages..." >&2
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2
  fi
}

bench_build() {
  # shellcheck source=../bin/find-jdk.sh
  . "$bench_root/bin/find-jdk.sh"
  lifeboat_find_jdk
  lifeboat_utf8_locale
  echo "bench: building Lifeboat and the benchmarks with $JAVA_HOME..." >&2
  local log
  log=$(mktemp "${TMPDIR:-/tmp}/lifeboat-bench-build.XXXXXX")
  if ! (cd "$bench_root" && ./mvnw -B -q -ntp -DskipTests package >"$log" 2>&1); then
    cat "$log" >&2
    rm -f "$log"
    echo "bench: build failed (log above)" >&2
    exit 1
  fi
  rm -f "$log"
  # The launcher rebuilds when it finds the distribution stale; let it do so now, untimed.
  "$bench_root/bin/lifeboat" --version >/dev/null
}

# Runs a driver class of lifeboat-bench with the common options; the rest are the script's.
# BENCH_DRIVER_LIB (default lib) names the folder of target/ holding the driver's libraries,
# BENCH_DRIVER_HEAP (default 2g) its heap.
bench_run() {
  local class=$1 command=$2
  shift 2
  exec "$JAVA_HOME/bin/java" "-Xmx${BENCH_DRIVER_HEAP:-2g}" \
    -cp "$bench_root/lifeboat-bench/target/lifeboat-bench.jar:$bench_root/lifeboat-bench/target/${BENCH_DRIVER_LIB:-lib}/*" \
    "$class" --java-home "$JAVA_HOME" --lifeboat "$bench_root/bin/lifeboat" --repo-root "$bench_root" \
    --work "${BENCH_WORK:-$bench_root/bench/work}" --command "$command" "$@"
}
