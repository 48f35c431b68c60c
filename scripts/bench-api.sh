#!/usr/bin/env bash
# Measures `GET /api/external/chatbot/{id}` on the release chatdeck (auth + SQLite read + JSON)
# against a bare axum handler returning the same bytes (server/examples/bare_axum.rs), with wrk
# on loopback, and prints both and their ratio. Needs `wrk` (Debian package). Bounded: each run
# is DURATION seconds (default 10) with 2 threads and 32 connections.
set -euo pipefail
cd "$(dirname "$0")/.."
export SQLX_OFFLINE=true
duration=${DURATION:-10}
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null; }

cargo build --release -p server --bin chatdeck --example bare_axum --quiet
dir=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$dir"' EXIT

key=$(target/release/chatdeck api-key create --org bench --data-dir "$dir" | tail -n 1)
target/release/chatdeck serve --addr 127.0.0.1:3998 --data-dir "$dir" >"$dir/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -fs http://127.0.0.1:3998/healthz >/dev/null && break; sleep 0.1; done
id=$(curl -fs -X POST http://127.0.0.1:3998/api/external/chatbots -H "x-api-key: $key" \
    -d @tests/fixtures/create_chatbot.request.json | python3 -c 'import json,sys; print(json.load(sys.stdin)["chatbot"]["id"])')
curl -fs "http://127.0.0.1:3998/api/external/chatbot/$id" -H "x-api-key: $key" >"$dir/body.json"
target/release/examples/bare_axum 127.0.0.1:3997 "$dir/body.json" &
pids+=($!)
sleep 0.5

run() {
    local url=$1
    shift
    wrk -t2 -c32 -d"${duration}s" --latency "$@" "$url" | tee "$dir/wrk.txt" >&2
    awk '/Requests\/sec/ {print $2}' "$dir/wrk.txt"
}
echo "== chatdeck GET /api/external/chatbot/{id} ($(wc -c <"$dir/body.json") bytes)" >&2
chatdeck_rps=$(run "http://127.0.0.1:3998/api/external/chatbot/$id" -H "x-api-key: $key")
echo "== bare axum handler, same body" >&2
bare_rps=$(run "http://127.0.0.1:3997/api/external/chatbot/$id")
python3 - "$chatdeck_rps" "$bare_rps" <<'PY'
import sys
c, b = map(float, sys.argv[1:])
print(f"chatdeck: {c:,.0f} req/s; bare axum: {b:,.0f} req/s; ratio chatdeck/bare = {c / b:.2f}")
PY
