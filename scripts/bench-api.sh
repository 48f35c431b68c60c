#!/usr/bin/env bash
# Measures `GET /api/external/chatbot/{id}` on the release chatdeck (auth + database read +
# JSON) against a bare axum handler returning the same bytes (server/examples/bare_axum.rs),
# with wrk on loopback, and prints each figure and its ratio to the bare handler:
#   - one instance on SQLite (a file in a temporary directory);
#   - one instance on PostgreSQL (a throwaway cluster, scripts/pg.sh);
#   - three instances on that PostgreSQL database, each loaded by its own wrk at once (the
#     rates summed). On one machine the three share its cores with PostgreSQL and wrk, so this
#     shows that instances add no coordination cost, not how far they scale on their own hosts.
# Needs `wrk` (Debian package, installed if missing). Bounded: each run is DURATION seconds
# (default 10), 32 connections in all.
set -euo pipefail
cd "$(dirname "$0")/.."
export SQLX_OFFLINE=true
duration=${DURATION:-10}
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null; }

cargo build --release -p server --bin chatdeck --example bare_axum --quiet
dir=$(mktemp -d)
# A directory of its own: as root, pg.sh hands it to the `postgres` user, who cannot enter $dir.
pg_dir=$(mktemp -d)
pids=()
cleanup() {
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
    bash scripts/pg.sh stop "$pg_dir" 2>/dev/null || true
    rm -rf "$dir" "$pg_dir"
}
trap cleanup EXIT

# Starts `chatdeck serve` on PORT with DATABASE_URL as set, and waits for it.
serve() {
    local port=$1
    target/release/chatdeck serve --addr "127.0.0.1:$port" --data-dir "$dir" \
        >"$dir/server-$port.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && return; sleep 0.1; done
    echo "chatdeck on $port did not start" >&2
    exit 1
}

# A key and a chatbot on the database DATABASE_URL names, through the server on PORT.
seed() {
    local port=$1
    key=$(target/release/chatdeck api-key create --org bench --data-dir "$dir" | tail -n 1)
    id=$(curl -fs -X POST "http://127.0.0.1:$port/api/external/chatbots" -H "x-api-key: $key" \
        -d @tests/fixtures/create_chatbot.request.json |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["chatbot"]["id"])')
}

# Requests per second wrk measures at URL with CONNECTIONS (and the key header).
rate() {
    local url=$1 connections=$2 threads=$3
    shift 3
    local out
    out=$(mktemp -p "$dir")
    wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "$@" "$url" >"$out" 2>&1
    awk '/Requests\/sec/ {print $2}' "$out"
}

ratio() { python3 -c "import sys; c, b = map(float, sys.argv[1:]); print(f'{c:,.0f} req/s, {c / b:.2f}x the bare handler')" "$1" "$2"; }

echo "==> one instance on SQLite" >&2
export DATABASE_URL="sqlite://$dir/chatdeck.db"
serve 3998
seed 3998
curl -fs "http://127.0.0.1:3998/api/external/chatbot/$id" -H "x-api-key: $key" >"$dir/body.json"
sqlite_rps=$(rate "http://127.0.0.1:3998/api/external/chatbot/$id" 32 2 -H "x-api-key: $key")
kill "${pids[@]}" && wait "${pids[@]}" 2>/dev/null || true
pids=()

echo "==> the bare axum handler, same body ($(wc -c <"$dir/body.json") bytes)" >&2
target/release/examples/bare_axum 127.0.0.1:3997 "$dir/body.json" &
pids+=($!)
sleep 0.5
bare_rps=$(rate "http://127.0.0.1:3997/api/external/chatbot/$id" 32 2)
kill "${pids[@]}" && wait "${pids[@]}" 2>/dev/null || true
pids=()

echo "==> one instance on PostgreSQL" >&2
server_url=$(bash scripts/pg.sh start "$pg_dir")
psql -q "$server_url" -c "create database bench"
export DATABASE_URL="${server_url%/*}/bench"
serve 3998
seed 3998
pg_rps=$(rate "http://127.0.0.1:3998/api/external/chatbot/$id" 32 2 -H "x-api-key: $key")

echo "==> three instances on PostgreSQL" >&2
serve 3996
serve 3995
three=()
for port in 3998 3996 3995; do
    rate "http://127.0.0.1:$port/api/external/chatbot/$id" 11 1 -H "x-api-key: $key" >"$dir/three-$port" &
    three+=($!)
done
wait "${three[@]}"
three_rps=$(cat "$dir"/three-* | awk '{s += $1} END {print s}')

echo "bare axum handler: $(printf '%.0f' "$bare_rps") req/s"
echo "chatdeck, SQLite, one instance: $(ratio "$sqlite_rps" "$bare_rps")"
echo "chatdeck, PostgreSQL, one instance: $(ratio "$pg_rps" "$bare_rps")"
echo "chatdeck, PostgreSQL, three instances: $(ratio "$three_rps" "$bare_rps")"
