#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests and for trying chatdeck on PostgreSQL: Debian's
# `postgresql` package (scripts/setup.sh installs it), a new cluster in DIR on a free loopback
# port, nothing of the machine's own PostgreSQL touched.
#
#   scripts/pg.sh start DIR   initialises DIR if it is new, starts the server, prints its URL
#   scripts/pg.sh stop DIR    stops it (DIR stays; delete it to throw the data away)
#   scripts/pg.sh url DIR     prints the URL of the server running in DIR
#
# The cluster trusts connections from this machine only (loopback and its socket in DIR).
# `--fast` at start turns durability off (fsync, synchronous commit): for the test suite only.
set -euo pipefail

usage() { echo "usage: scripts/pg.sh start|stop|url DIR [--fast]" >&2; exit 2; }
[ $# -ge 2 ] || usage
action=$1
dir=$(realpath -m "$2")
fast=${3:-}

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "pg.sh: PostgreSQL is not installed (run scripts/setup.sh)" >&2; exit 1; }

# PostgreSQL refuses to run as root: as root, run it as the package's `postgres` user.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

url() { echo "postgres://postgres@127.0.0.1:$(cat "$dir/port")/postgres"; }

case "$action" in
start)
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        mkdir -p "$dir/data"
        [ "$(id -u)" -eq 0 ] && chown -R postgres: "$dir"
        as_owner "$bin/initdb" --pgdata "$dir/data" --username postgres --auth trust \
            --encoding UTF8 --locale C.UTF-8 >"$dir/initdb.log"
    fi
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    echo "$port" >"$dir/port"
    options="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=400"
    if [ "$fast" = "--fast" ]; then
        options="$options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    fi
    as_owner "$bin/pg_ctl" --pgdata "$dir/data" --log "$dir/server.log" --wait \
        --options "$options" start >/dev/null
    url
    ;;
stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$bin/pg_ctl" --pgdata "$dir/data" --mode fast --wait stop >/dev/null
    fi
    ;;
url)
    url
    ;;
*)
    usage
    ;;
esac
