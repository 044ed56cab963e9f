#!/usr/bin/env bash
# Coverage-guided fuzzing of the parsers that see untrusted bytes (bench/GenieHive.Fuzz): each target for a bounded
# time, then a line per target with its crashes and hangs. Exit status 1 when any target found one.
#
#   bench/fuzz.sh [seconds-per-target] [target ...]      (default 60 s, every target)
#   GENIEHIVE_FUZZ_ENGINE=mutate bench/fuzz.sh 600       (the in-process mutation driver instead of AFL++)
#
# AFL++ (Debian `afl++`) drives the targets through SharpFuzz: the service assemblies are instrumented in a copy of
# the build output by the `sharpfuzz` tool (SharpFuzz.CommandLine 2.3.0). When afl-fuzz or the tool is missing, or
# GENIEHIVE_FUZZ_ENGINE=mutate, each target runs under the driver's own bounded mutation loop (not coverage-guided).
# Findings go to bench/fuzz-results/<target>/ (crashes/, hangs/); replay one with
#   dotnet bench/fuzz-results/bin/GenieHive.Fuzz.dll run <target> <file>
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SECONDS_PER_TARGET=${1:-60}
shift || true
RESULTS="$ROOT/bench/fuzz-results"
BIN="$RESULTS/bin"
TOOLS="$RESULTS/tools"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

rm -rf "$BIN"
dotnet publish bench/GenieHive.Fuzz -c Release -o "$BIN" --nologo -v quiet >/dev/null || { echo "build failed"; exit 2; }
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  mapfile -t TARGETS < <(dotnet "$BIN/GenieHive.Fuzz.dll" list | cut -f1)
fi

ENGINE=${GENIEHIVE_FUZZ_ENGINE:-afl}
if [ "$ENGINE" = afl ]; then
  if ! command -v afl-fuzz >/dev/null; then
    echo "afl-fuzz not found (apt-get install afl++): using the mutation driver"
    ENGINE=mutate
  elif [ ! -x "$TOOLS/sharpfuzz" ] && ! dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$TOOLS" >/dev/null; then
    echo "the sharpfuzz tool could not be installed: using the mutation driver"
    ENGINE=mutate
  else
    # Instrument the assemblies whose parsers are fuzzed (in the copy, never the build tree).
    for assembly in GenieHive.Facade GenieHive.NodeAgent GenieHive.Control; do
      "$TOOLS/sharpfuzz" "$BIN/$assembly.dll" >/dev/null || { echo "sharpfuzz could not instrument $assembly: using the mutation driver"; ENGINE=mutate; }
    done
  fi
fi

echo "== fuzzing ${#TARGETS[@]} targets, ${SECONDS_PER_TARGET} s each, with $ENGINE"
found=0
for target in "${TARGETS[@]}"; do
  out="$RESULTS/$target"
  rm -rf "$out"
  mkdir -p "$out"
  corpus="$ROOT/bench/GenieHive.Fuzz/corpus/$target"
  if [ "$ENGINE" = afl ]; then
    AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 \
      timeout $((SECONDS_PER_TARGET + 60)) afl-fuzz -i "$corpus" -o "$out" -t 5000 -m none -V "$SECONDS_PER_TARGET" \
      -- "$BIN/GenieHive.Fuzz" afl "$target" > "$out/afl.log" 2>&1
    stats="$out/default/fuzzer_stats"
    if [ ! -f "$stats" ]; then
      echo "$target: afl-fuzz did not run (see $out/afl.log)"; tail -3 "$out/afl.log"; found=1; continue
    fi
    crashes=$(find "$out/default/crashes" -type f -name 'id:*' 2>/dev/null | wc -l)
    hangs=$(find "$out/default/hangs" -type f -name 'id:*' 2>/dev/null | wc -l)
    execs=$(awk -F: '/^execs_done/ {gsub(/ /,"",$2); print $2}' "$stats")
    paths=$(awk -F: '/^corpus_count/ {gsub(/ /,"",$2); print $2}' "$stats")
    echo "$target: $execs inputs in ${SECONDS_PER_TARGET} s (AFL++), corpus grew to $paths, $crashes crashes, $hangs hangs"
  else
    line=$(dotnet "$BIN/GenieHive.Fuzz.dll" mutate "$target" "$corpus" "$SECONDS_PER_TARGET" "$out" | tail -1)
    echo "$line (mutation driver)"
    crashes=$(find "$out" -type f -name 'crash-*' | wc -l)
    hangs=$(find "$out" -type f -name 'hang-*' | wc -l)
  fi
  if [ "$crashes" -gt 0 ] || [ "$hangs" -gt 0 ]; then found=1; fi
done
exit $found
