#!/usr/bin/env bash
# The scale benchmark: many small files, Lifeboat against restic (first backup,
# incremental backup with 1% of the files changed, restore of one file). See bench/README.md.
#
#   bench/scale.sh [--files N] [--rounds R] [--tools lifeboat,restic] [--results FILE] [--keep]
#
#   --files N     number of files of 1-4 KiB, 1,000 per directory (default 1000000)
#   --rounds R    repetitions (default 1)
#   --tools LIST  which tools, comma-separated (default lifeboat,restic)
#   --results F   Markdown output (default bench/results/scale-<date>.md)
#   --keep        keep the generated files in the work directory
# BENCH_WORK=DIR puts the files, repositories and restores there (default bench/work).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
for a in "$@"; do
  case "$a" in -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
done
command="bench/scale.sh${*:+ $*}"
bench_ensure_tools
bench_build
bench_run io.lifeboat.bench.Scale "$command" "$@"
