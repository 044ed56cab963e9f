# Sourced by run.sh and soak.sh: runs a harness dll under a time limit and makes sure nothing it started outlives it.
#   run_harness LIMIT_SECONDS HARNESS_DLL ARGS...
# Each harness writes the pids of the services it starts to bench/results/*-work/pids and stops them itself; the
# cleanup here only catches leftovers if the harness was killed. Expects to run from the repository root ($repo).

run_harness() {
  local limit="$1" harness="$2"
  shift 2
  harness_started="$(date +%s)"
  harness_pid=""
  trap _harness_on_signal INT TERM
  trap _harness_cleanup EXIT
  timeout --signal=TERM --kill-after=30 "$limit" dotnet "$harness" "$@" &
  harness_pid=$!
  wait "$harness_pid"
}

_harness_cleanup() {
  for pids in bench/results/*-work/pids; do
    [[ -f "$pids" && "$(stat -c %Y "$pids")" -ge "$harness_started" ]] || continue
    while read -r pid; do
      if [[ -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q "$repo"; then
        kill "$pid" 2>/dev/null || true
      fi
    done < "$pids"
  done
  # Whatever else the calling script started for the run (soak.sh's PostgreSQL), once the services are gone.
  if declare -F harness_on_cleanup >/dev/null; then harness_on_cleanup; fi
}

_harness_on_signal() {
  # SIGTERM: a background job ignores SIGINT, and timeout passes TERM on to the harness, which then stops its services.
  [[ -n "$harness_pid" ]] && kill -TERM "$harness_pid" 2>/dev/null && wait "$harness_pid" 2>/dev/null
  _harness_cleanup
  exit 130
}
