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
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

minutes=3
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[$i]}" in
    --minutes) minutes="${args[$((i + 1))]:-3}" ;;
    --quick) minutes=1 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
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

# shellcheck source=bench/harness.sh
source bench/harness.sh
run_harness "$limit" "$harness" run --repo "$repo" --commit "$commit" --command "bench/soak.sh $*" "$@"
