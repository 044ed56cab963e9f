#!/usr/bin/env bash
# GenieHive soak test: one command, loopback only, bounded in time (default 3 minutes measured, plus start-up).
# Builds Release, starts two simulators, Control (fresh SQLite file) and the facade by hand, registers 200 simulated
# nodes that heartbeat every second, drives steady client traffic through the facade, and checks: no lost update, no
# error, memory plateaus. Writes bench/results/soak-<timestamp>.json and .md. See bench/README.md ("Soak").
#
#   bench/soak.sh                 # 3 minutes
#   bench/soak.sh --minutes 10    # any length (the run is killed after minutes + 10)
#   bench/soak.sh --quick         # 1 minute
#   bench/soak.sh --nodes 400 --client-rate 80 --heartbeat-ms 500
#   bench/soak.sh --store postgres --services-per-node 10   # Control on a throwaway PostgreSQL 15 (bench/postgres.sh)
# bench/scale.sh runs this at issue 17's scale (1,000 nodes × 10 services).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

minutes=3
store=sqlite
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[$i]}" in
    --minutes) minutes="${args[$((i + 1))]:-3}" ;;
    --quick) minutes=1 ;;
    --store) store="${args[$((i + 1))]:-sqlite}" ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
  esac
done
# The measured phase, plus up to 10 minutes for the build-free start-up, registration, warm-up and checks.
limit="$(awk "BEGIN { printf \"%d\", $minutes * 60 + 600 }")"

command -v dotnet >/dev/null || { echo "dotnet is required (see global.json for the SDK)" >&2; exit 1; }

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

echo "building Release..."
# One build: the harness project references every service it starts (without referencing their assemblies).
dotnet build bench/GenieHive.Bench.Soak/GenieHive.Bench.Soak.csproj -c Release -nologo -v quiet -clp:ErrorsOnly

harness="bench/GenieHive.Bench.Soak/bin/Release/net10.0/GenieHive.Bench.Soak.dll"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"

# scale.sh names its runs and its command line through these.
run_name="${BENCH_RUN_PREFIX:-soak}-$(date -u +%Y%m%dT%H%M%SZ)"
store_args=()
if [[ "$store" == postgres ]]; then
  # shellcheck source=bench/postgres.sh
  source bench/postgres.sh
  harness_on_cleanup() { stop_postgres; }
  trap stop_postgres EXIT
  start_postgres "$repo/bench/results/$run_name-work/postgres"
  store_args=(--postgres "$postgres_connection")
fi

# shellcheck source=bench/harness.sh
source bench/harness.sh
run_harness "$limit" "$harness" run --repo "$repo" --commit "$commit" --run-name "$run_name" \
  --command "${BENCH_COMMAND:-bench/soak.sh $*}" "$@" "${store_args[@]}"
