#!/usr/bin/env bash
# The whole-process macro benchmark: Lifeboat, restic and borg on the generated AI corpus
# (first backup, incremental backup, full restore, full data verification, stored bytes),
# interleaved and repeated. See bench/README.md.
#
#   bench/macro.sh [--scale F] [--rounds R] [--tools lifeboat,restic,borg] [--results FILE] [--keep]
#
#   --scale F     corpus size; 1.0 (default) is about 1.4 GB, 0.25 about 350 MB
#   --rounds R    repetitions (default 3); tables show medians and min–max
#   --tools LIST  which tools, comma-separated (default lifeboat,restic,borg)
#   --results F   Markdown output (default bench/results/macro-<date>.md)
#   --keep        keep the working copy of the corpus in the work directory
# BENCH_WORK=DIR puts the corpus, repositories and restores there (default bench/work).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
for a in "$@"; do
  case "$a" in -h|--help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
done
command="bench/macro.sh${*:+ $*}"
bench_ensure_tools
bench_build
bench_run io.lifeboat.bench.Macro "$command" "$@"
