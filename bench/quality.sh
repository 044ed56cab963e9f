#!/usr/bin/env bash
# GenieHive routing-quality benchmark: one command, loopback only, bounded in time (about 14 minutes; --quick about 9).
# Builds Release; per scenario and per arm starts a fresh cluster by hand (simulated engines, Control with the arm's
# strategy, a node agent, the facade), replays the scenario's trace through it, and writes
# bench/results/quality-<timestamp>.json, .md, .svg and .png. See bench/README.md ("Routing quality").
#
#   bench/quality.sh                                   # every scenario, every arm of arms.json
#   bench/quality.sh --quick                           # shorter traces
#   bench/quality.sh --scenarios heterogeneous-80 --arms scored,reference
#   bench/quality.sh --arm predicted=predicted_delay   # one more arm: a GenieHive:Routing:Strategy value
#   bench/quality.sh --real-engines /work/engines      # conversations on two real llama-servers (tools/real-engines)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

limit=1200
for arg in "$@"; do
  if [[ "$arg" == "--quick" ]]; then limit=900; fi
  if [[ "$arg" == "-h" || "$arg" == "--help" ]]; then sed -n '2,12p' "$0"; exit 0; fi
done

command -v dotnet >/dev/null || { echo "dotnet is required (see global.json for the SDK)" >&2; exit 1; }
command -v rsvg-convert >/dev/null || echo "note: rsvg-convert (Debian: librsvg2-bin) is not installed; the chart stays SVG" >&2

read -r load1 _ < /proc/loadavg
echo "load average: $load1 on $(nproc) cores"
if awk "BEGIN { exit !($load1 > 3) }"; then
  echo "warning: the machine is busy; latencies will be noisy (the report records the load average)" >&2
fi

echo "building Release..."
# One build: the harness project references every service it starts (without referencing their assemblies).
dotnet build bench/GenieHive.Bench.Quality/GenieHive.Bench.Quality.csproj -c Release -nologo -v quiet -clp:ErrorsOnly

harness="bench/GenieHive.Bench.Quality/bin/Release/net10.0/GenieHive.Bench.Quality.dll"

# shellcheck source=bench/harness.sh
source bench/harness.sh
run_harness "$limit" "$harness" run --repo "$repo" "$@"
