#!/usr/bin/env bash
# Property-based fuzzing of the okchat API with schemathesis (PyPI; scripts/setup.sh installs it
# in chatdeck's Python environment), driven by okchat's own OpenAPI document
# (tests/okchat-openapi.json), or with SPEC=own by chatdeck's (/api/openapi.json as the server
# under test serves it: okchat's operations, chatdeck's additions, the widget's public routes,
# the operations endpoints): every operation, with generated valid and invalid
# parameters and bodies, against a chatdeck on loopback with a key; it fails on any 5xx, or if
# the server is not alive afterwards. Bounded: MAX_EXAMPLES per operation (default 40) and
# MAX_SECONDS in all (default 240).
#
#   scripts/fuzz-api.sh                 on SQLite, in a temporary directory
#   SPEC=own scripts/fuzz-api.sh        chatdeck's own document
#   DATABASE_URL=postgres://… scripts/fuzz-api.sh
#
# CHATDECK_BIN names the binary (default target/debug/chatdeck, built if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
export SQLX_OFFLINE=true
python_env=${CHATDECK_PYTHON_ENV:-$HOME/.local/share/chatdeck/python}
schemathesis="$python_env/bin/schemathesis"
[ -x "$schemathesis" ] || { echo "fuzz-api.sh: schemathesis is not installed (run scripts/setup.sh)" >&2; exit 1; }
bin=${CHATDECK_BIN:-target/debug/chatdeck}
[ -x "$bin" ] || cargo build -p server --bin chatdeck --quiet

dir=$(mktemp -d)
server=
cleanup() {
    [ -z "$server" ] || kill "$server" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$dir"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
RUST_LOG=warn "$bin" serve --addr "127.0.0.1:$port" --data-dir "$dir" >"$dir/server.log" 2>&1 &
server=$!
for _ in $(seq 200); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.1; done
key=$("$bin" api-key create --org fuzz --data-dir "$dir" | tail -n 1)
# One real chatbot, so that generated requests also reach past the not-found checks.
curl -fs -X POST "$base/api/external/chatbots" -H "x-api-key: $key" \
    -H 'content-type: application/json' -d @tests/fixtures/create_chatbot.request.json >/dev/null

status=0
case "${SPEC:-okchat}" in
    okchat) schema=$PWD/tests/okchat-openapi.json ;;
    own)
        schema=$dir/openapi.json
        curl -fs "$base/api/openapi.json" -o "$schema"
        ;;
    *) echo "fuzz-api.sh: SPEC is okchat (the default) or own" >&2; exit 2 ;;
esac
# Run from the temporary directory: schemathesis and Hypothesis keep state in the working
# directory, and none of it belongs in the checkout (no example database: the seed decides).
(cd "$dir" && "$schemathesis" run "$schema" --url "$base" \
    --header "x-api-key: $key" --checks not_a_server_error \
    --max-examples "${MAX_EXAMPLES:-40}" --max-time "${MAX_SECONDS:-240}" \
    --seed "${SEED:-20261206}" --generation-database none --request-timeout 20 --workers 2 \
    --suppress-health-check all --warnings off --no-color) || status=$?
if ! curl -fs "$base/healthz" >/dev/null; then
    echo "fuzz-api.sh: the server did not survive" >&2
    tail -n 40 "$dir/server.log" >&2
    status=1
fi
if grep -q "panicked" "$dir/server.log"; then
    echo "fuzz-api.sh: the server panicked" >&2
    grep -A5 "panicked" "$dir/server.log" | head -n 40 >&2
    status=1
fi
exit "$status"
