#!/usr/bin/env bash
# The replication benchmark: a repository of the AI corpus copied to a replica, Lifeboat's
# Replicator against `restic copy`, to a local directory and to S3 (S3Proxy on loopback).
# See bench/README.md.
#
#   bench/replication.sh [--scale F] [--rounds R] [--targets file,s3] [--tools lifeboat,restic] [--results FILE]
#
#   --scale F       corpus size; 1.0 (default) is about 1.4 GB
#   --rounds R      repetitions (default 3); tables show medians and min–max
#   --targets LIST  where replicas go, comma-separated (default file,s3)
#   --tools LIST    which tools (default lifeboat,restic)
#   --results F     Markdown output (default bench/results/replication-<date>.md)
# BENCH_WORK=DIR puts the corpus and repositories there (default bench/work).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
for a in "$@"; do
  case "$a" in -h|--help) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
done
command="bench/replication.sh${*:+ $*}"
bench_ensure_tools
bench_build
# The driver runs S3Proxy (a test dependency, in target/lib-driver) with its in-memory store.
BENCH_DRIVER_LIB=lib-driver BENCH_DRIVER_HEAP=6g bench_run io.lifeboat.bench.Replication "$command" "$@"
