#!/usr/bin/env bash
# A local PostgreSQL cluster in a folder of its own, on a free port on 127.0.0.1.
#   ops/postgres.sh start DIR [--test]   create (once) and start; prints the connection string
#   ops/postgres.sh stop DIR             stop it
#   ops/postgres.sh restart DIR          restart it (fast shutdown) on the same port with the same settings
#   ops/postgres.sh url DIR              print the connection string of a running cluster
# --test turns durability off (fsync, synchronous_commit, full_page_writes): fine for throwaway data only.
# initdb refuses root, so when called as root the server runs as the `postgres` user.
set -euo pipefail
cmd=${1:?usage: postgres.sh start|stop|restart|url DIR [--test]}
dir=${2:?usage: postgres.sh start|stop|restart|url DIR [--test]}
mode=${3:-}

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bin" ]; then
  "$(dirname "$0")/prerequisites.sh" service
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

url() {
  printf 'Host=127.0.0.1;Port=%s;Username=postgres;Password=%s;Database=postgres\n' \
    "$(cat "$dir/port")" "$(cat "$dir/pw")"
}

free_port() {
  /usr/bin/python3 - <<'PY' 2>/dev/null || echo $(( 20000 + RANDOM % 20000 ))
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

case "$cmd" in
  start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" = 0 ]; then
      chown postgres: "$dir"
      if ! runuser -u postgres -- test -w "$dir"; then
        echo "postgres.sh: $dir is not reachable by the postgres user (is it under a mode-700 home folder?)" >&2
        exit 1
      fi
    fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$dir/pw"
      [ "$(id -u)" = 0 ] && chown postgres: "$dir/pw"
      as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust --auth-host=scram-sha-256 \
        --pwfile="$dir/pw" -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    if as_pg "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then url; exit 0; fi
    opts="-c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=300"
    [ "$mode" = --test ] && opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    for attempt in 1 2 3 4 5; do
      port=$(free_port)
      echo "$port" > "$dir/port"
      if as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 30 -o "-p $port $opts" start >/dev/null; then
        url; exit 0
      fi
      echo "postgres.sh: start on port $port failed (attempt $attempt)" >&2
    done
    tail -20 "$dir/log" >&2; exit 1 ;;
  stop)
    [ -d "$dir/data" ] && as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true ;;
  restart)
    # pg_ctl restart reuses the options of the previous start (postmaster.opts): same port, same settings.
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -m fast -w -t 60 restart >/dev/null ;;
  url) url ;;
  *) echo "usage: postgres.sh start|stop|restart|url DIR [--test]" >&2; exit 2 ;;
esac
