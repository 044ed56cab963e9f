#!/usr/bin/env bash
# GenieHive benchmark: one command, loopback only, bounded in time (~11 minutes; --quick ~4 minutes).
# Builds Release, starts the simulator upstreams, the cluster (Control, a node agent, the facade) and a bare YARP
# forwarder by hand, measures direct vs forwarder vs facade interleaved, runs the route-selection bench, and
# writes bench/results/<timestamp>.json and .md. See bench/README.md.
#
#   bench/run.sh                  # full run
#   bench/run.sh --quick          # ~4 minutes
#   bench/run.sh --gc workstation # same GC settings forced on the facade and the bare forwarder
#   bench/run.sh --phases latency,throughput --skip-routing
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

limit=1200
for arg in "$@"; do
  if [[ "$arg" == "--quick" ]]; then limit=420; fi
  if [[ "$arg" == "-h" || "$arg" == "--help" ]]; then sed -n '2,11p' "$0"; exit 0; fi
done

command -v dotnet >/dev/null || { echo "dotnet is required (see global.json for the SDK)" >&2; exit 1; }

read -r load1 _ < /proc/loadavg
echo "load average: $load1 on $(nproc) cores"
if awk "BEGIN { exit !($load1 > 3) }"; then
  echo "warning: the machine is busy; the numbers will be noisy (the summary records the load average)" >&2
fi

echo "building Release..."
# One build: the harness project references every service it starts (without referencing their assemblies).
dotnet build bench/GenieHive.Bench.Load/GenieHive.Bench.Load.csproj -c Release -nologo -v quiet -clp:ErrorsOnly

harness="bench/GenieHive.Bench.Load/bin/Release/net10.0/GenieHive.Bench.Load.dll"

# shellcheck source=bench/harness.sh
source bench/harness.sh
run_harness "$limit" "$harness" run --repo "$repo" "$@"
