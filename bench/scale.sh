#!/usr/bin/env bash
# GenieHive at issue 17's scale: the soak harness (soak.sh) with 1,000 nodes × 10 services (10,000 services)
# heartbeating every second (about 1,000 heartbeats/s), 2 minutes measured, on SQLite or on a throwaway PostgreSQL 15.
# Reports, beside the soak's checks: the facade's routing-watch bytes against re-downloading every version, how fast a
# change reaches the facade (p50/p99), Control's RSS, and the heartbeat latency on the store. Writes
# bench/results/scale-<timestamp>.json and .md. See bench/README.md ("Scale").
#
#   bench/scale.sh                           # SQLite
#   bench/scale.sh --store postgres          # PostgreSQL 15 (Debian's postgresql-15)
#   bench/scale.sh --nodes 100 --minutes 1   # smaller; any soak.sh option overrides the defaults
set -euo pipefail

[[ "${1:-}" == -h || "${1:-}" == --help ]] && { sed -n '2,10p' "$0"; exit 0; }
BENCH_RUN_PREFIX=scale BENCH_COMMAND="bench/scale.sh $*" \
  exec "$(dirname "${BASH_SOURCE[0]}")/soak.sh" --nodes 1000 --services-per-node 10 --minutes 2 "$@"
