# Sourced by soak.sh for `--store postgres`: a throwaway PostgreSQL 15 (Debian's postgresql-15, no container) for one
# run, as the repo's tests and AppHost start it (GenieHive.Tests/Control/Storage/PostgresServer.cs,
# GenieHive.AppHost/PostgresServerResource.cs): initdb in the run's work folder, postgres on a free loopback port, run
# as the postgres user when we are root (PostgreSQL refuses root), an empty database, and everything removed at the end.
#   start_postgres DIR     # sets postgres_connection (an Npgsql connection string)
#   stop_postgres          # stops the server and deletes DIR (also called from harness.sh's cleanup)
# Server settings stay PostgreSQL's defaults (fsync on): the heartbeat figures are what an operator's server pays.

postgres_bin="${GENIEHIVE_POSTGRES_BIN:-/usr/lib/postgresql/15/bin}"
postgres_dir=""
postgres_pid=""

_as_postgres() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

_free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

start_postgres() {
  [[ -x "$postgres_bin/postgres" && -x "$postgres_bin/initdb" ]] \
    || { echo "PostgreSQL 15 is required for --store postgres ($postgres_bin/postgres; apt-get install postgresql-15)" >&2; return 1; }
  postgres_dir="$1"
  mkdir -p "$postgres_dir"
  [[ "$(id -u)" == 0 ]] && chown postgres:postgres "$postgres_dir"
  _as_postgres "$postgres_bin/initdb" -D "$postgres_dir/data" -A trust -U postgres -E UTF8 >"$postgres_dir/initdb.log" 2>&1 \
    || { cat "$postgres_dir/initdb.log" >&2; return 1; }
  local port
  port="$(_free_port)"
  _as_postgres "$postgres_bin/postgres" -D "$postgres_dir/data" -p "$port" -k "$postgres_dir" \
    -c listen_addresses=127.0.0.1 -c max_connections=200 >"$postgres_dir/postgres.log" 2>&1 &
  postgres_pid=$!
  local waited=0
  until "$postgres_bin/pg_isready" -q -h 127.0.0.1 -p "$port"; do
    ((waited++ < 600)) && kill -0 "$postgres_pid" 2>/dev/null \
      || { echo "postgres did not start; see $postgres_dir/postgres.log" >&2; tail -5 "$postgres_dir/postgres.log" >&2; return 1; }
    sleep 0.1
  done
  "$postgres_bin/createdb" -h 127.0.0.1 -p "$port" -U postgres geniehive
  postgres_connection="Host=127.0.0.1;Port=$port;Database=geniehive;Username=postgres"
  echo "postgres: pid $postgres_pid on port $port, data in $postgres_dir/data"
}

stop_postgres() {
  [[ -n "$postgres_dir" ]] || return 0
  if [[ -n "$postgres_pid" ]] && kill -0 "$postgres_pid" 2>/dev/null; then
    _as_postgres "$postgres_bin/pg_ctl" stop -D "$postgres_dir/data" -m fast -w >/dev/null 2>&1 || kill "$postgres_pid" 2>/dev/null || true
  fi
  # Its log first, beside the services' logs, for the report's work folder.
  [[ -f "$postgres_dir/postgres.log" ]] && cp "$postgres_dir/postgres.log" "$postgres_dir.log" 2>/dev/null
  rm -rf "$postgres_dir"
  postgres_dir=""
}
