#!/usr/bin/env bash
# The figures of several instances on one PostgreSQL database and one S3-compatible bucket, on
# the release build (a throwaway cluster, scripts/pg.sh, and a moto server, scripts/s3.sh):
#   - revocation delay: a key revoked through the command line, and how long instance B, which
#     verified it a moment before, keeps taking it (bound: 5 s);
#   - job take-over: a large document uploaded through A, A killed (SIGKILL) while ingesting it,
#     and how long until B has it ready, with the lease at LEASE seconds (default 5; 60 in
#     production unless CHATDECK_JOB_LEASE_SECS says otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
export SQLX_OFFLINE=true
lease=${LEASE:-5}
cargo build --release -p server --bin chatdeck --quiet
bin=target/release/chatdeck

dir=$(mktemp -d)
pg_dir=$(mktemp -d)
pids=()
cleanup() {
    kill -9 "${pids[@]}" 2>/dev/null || true
    wait 2>/dev/null || true
    bash scripts/s3.sh stop "$dir/s3" 2>/dev/null || true
    bash scripts/pg.sh stop "$pg_dir" 2>/dev/null || true
    rm -rf "$dir" "$pg_dir"
}
trap cleanup EXIT

server_url=$(bash scripts/pg.sh start "$pg_dir" --fast)
psql -q "$server_url" -c "create database instances"
export DATABASE_URL="${server_url%/*}/instances"
export CHATDECK_OBJECT_STORE_URL=s3://chatdeck/bench AWS_ENDPOINT_URL
AWS_ENDPOINT_URL=$(bash scripts/s3.sh start "$dir/s3" chatdeck)
export AWS_ALLOW_HTTP=true AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench
export CHATDECK_JOB_LEASE_SECS=$lease RUST_LOG=warn

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# Starts an instance; sets `port` and `pid`.
serve() {
    port=$(free_port)
    "$bin" serve --addr "127.0.0.1:$port" --data-dir "$dir/data-$port" >"$dir/server-$port.log" 2>&1 &
    pid=$!
    pids+=("$pid")
    for _ in $(seq 200); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && return; sleep 0.05; done
    echo "an instance did not start" >&2
    exit 1
}
now() { date +%s.%N; }
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$(now)"; }

serve
a_port=$port a_pid=$pid
serve
b_port=$port
key=$("$bin" api-key create --org bench --data-dir "$dir" | tail -n 1)
id=$(curl -fs -X POST "http://127.0.0.1:$a_port/api/external/chatbots" -H "x-api-key: $key" \
    -H 'content-type: application/json' -d @tests/fixtures/create_chatbot.request.json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["chatbot"]["id"])')

echo "==> revocation delay" >&2
revoked_key=$("$bin" api-key create --org bench --data-dir "$dir" | tail -n 1)
status() { curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$b_port/api/external/chatbots" -H "x-api-key: $revoked_key"; }
[ "$(status)" = 200 ] || { echo "B refused the new key" >&2; exit 1; }
"$bin" api-key revoke "${revoked_key:0:8}" --data-dir "$dir" >/dev/null
revoked_at=$(now)
while [ "$(status)" = 200 ]; do sleep 0.02; done
revocation=$(since "$revoked_at")

echo "==> job take-over after kill -9 (lease ${lease} s)" >&2
python3 - "$dir/big.md" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(60000):
        f.write(f"## Part {i}\n\nThe measurement number {i} reads {i * 3} units.\n\n")
PY
doc=$(curl -fs -X POST "http://127.0.0.1:$a_port/api/embedfiles?chatbotId=$id" \
    -H "x-api-key: $key" -F "chatbotId=$id" -F "files=@$dir/big.md;type=text/markdown" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["documents"][0]["id"])')
# Killed once it holds the job (its lease is taken), mid-ingestion.
for _ in $(seq 200); do
    held=$(psql -qtA "$DATABASE_URL" -c "select count(*) from knowledge_job where claimed_by is not null" 2>/dev/null || echo 0)
    [ "$held" != 0 ] && break
    sleep 0.01
done
kill -9 "$a_pid"
killed_at=$(now)
state() {
    curl -fs "http://127.0.0.1:$b_port/api/external/chatbot/$id/knowledge-base?id=$doc" -H "x-api-key: $key" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["status"])'
}
while [ "$(state)" = processing ]; do sleep 0.05; done
takeover=$(since "$killed_at")
final=$(state)

echo "revocation delay (B, 5 s bound): ${revocation} s"
echo "job take-over after kill -9 (lease ${lease} s, document ${final} on B): ${takeover} s"
