#!/usr/bin/env bash
# Builds the release site, starts the real `chatdeck` binary on a free port with a throwaway
# data directory, runs the Playwright suite against it in Debian's Chromium, and ends with one
# line, `N passed, N failed`. Extra arguments go to `playwright test` (e.g. a spec file or -g).
# SKIP_BUILD=1 reuses the last `bash scripts/build-site.sh`.
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export SQLX_OFFLINE=true
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    bash scripts/build-site.sh
fi

free_port() {
    node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

port=$(free_port)
base_url="http://127.0.0.1:$port"
data_dir=$(mktemp -d)
report="$data_dir/playwright-report.json"
server_log="$data_dir/server.log"
server_pid=
down_pid=
model_pid=
scripted_pid=

# A server's graceful shutdown waits for its open requests; one stuck request must not keep
# the script from ending, so a server still there after 10 s is killed.
cleanup() {
    local pid
    for pid in "$server_pid" "$down_pid" "$model_pid" "$scripted_pid"; do
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            timeout 10 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -9 "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    rm -rf "$data_dir"
}
trap cleanup EXIT

# The console user the browser tests sign in as.
export CHATDECK_E2E_EMAIL=admin@chatdeck.test
export CHATDECK_E2E_PASSWORD="e2e-$(node -e 'console.log(require("crypto").randomBytes(9).toString("hex"))')"
echo "$CHATDECK_E2E_PASSWORD" | target/release/chatdeck user create --org e2e \
    --email "$CHATDECK_E2E_EMAIL" --password-stdin --data-dir "$data_dir" >/dev/null
# A second organization that never gets a chatbot, for the empty states.
echo "$CHATDECK_E2E_PASSWORD" | target/release/chatdeck user create --org e2e-empty \
    --email empty@chatdeck.test --password-stdin --data-dir "$data_dir" >/dev/null
# Tests seed data through the API itself, as an okchat client would.
CHATDECK_E2E_API_KEY=$(target/release/chatdeck api-key create --org e2e --data-dir "$data_dir" | tail -n 1)
export CHATDECK_E2E_API_KEY

echo "==> starting chatdeck on $base_url"
target/release/chatdeck serve --addr "127.0.0.1:$port" --data-dir "$data_dir" >"$server_log" 2>&1 &
server_pid=$!

# A second console whose backend is down: configured for a remote API where nothing listens.
down_port=$(free_port)
dead_port=$(free_port)
mkdir -p "$data_dir/down"
echo "$CHATDECK_E2E_PASSWORD" | target/release/chatdeck user create --org e2e-down \
    --email "$CHATDECK_E2E_EMAIL" --password-stdin --data-dir "$data_dir/down" >/dev/null
target/release/chatdeck serve --addr "127.0.0.1:$down_port" --data-dir "$data_dir/down" \
    --backend-url "http://127.0.0.1:$dead_port" \
    --backend-api-key "$(node -e 'console.log(require("crypto").randomBytes(24).toString("hex"))')" \
    >"$data_dir/down.log" 2>&1 &
down_pid=$!
export CHATDECK_DOWN_URL="http://127.0.0.1:$down_port"

# A third instance answering with an OpenAI-compatible model: the scripted one of
# end2end/tests/support, which streams slowly enough for a test to watch an answer grow.
model_port=$(free_port)
scripted_port=$(free_port)
node end2end/tests/support/scripted-model.mjs "$scripted_port" &
scripted_pid=$!
mkdir -p "$data_dir/model"
echo "$CHATDECK_E2E_PASSWORD" | target/release/chatdeck user create --org e2e-model \
    --email "$CHATDECK_E2E_EMAIL" --password-stdin --data-dir "$data_dir/model" >/dev/null
CHATDECK_MODEL_API_KEY=$(target/release/chatdeck api-key create --org e2e-model \
    --data-dir "$data_dir/model" | tail -n 1)
export CHATDECK_MODEL_API_KEY
target/release/chatdeck serve --addr "127.0.0.1:$model_port" --data-dir "$data_dir/model" \
    --chat-base-url "http://127.0.0.1:$scripted_port/v1" \
    >"$data_dir/model.log" 2>&1 &
model_pid=$!
export CHATDECK_MODEL_URL="http://127.0.0.1:$model_port"

for url in "$base_url" "$CHATDECK_DOWN_URL" "$CHATDECK_MODEL_URL"; do
if ! node -e '
    const url = process.argv[1] + "/healthz";
    const deadline = Date.now() + 60_000;
    (async () => {
        while (Date.now() < deadline) {
            try { if ((await fetch(url)).status === 200) return; } catch {}
            await new Promise((r) => setTimeout(r, 250));
        }
        process.exit(1);
    })();' "$url"; then
    echo "e2e: $url/healthz did not answer 200 within 60 s; server log:" >&2
    cat "$server_log" >&2
    echo "0 passed, 0 failed"
    exit 1
fi
done

set +e
CHATDECK_BASE_URL="$base_url" CHATDECK_E2E_REPORT="$report" \
    npx --no-install playwright test --config end2end/playwright.config.ts "$@"
status=$?
set -e

if [ "$status" -ne 0 ]; then
    echo "e2e: server log (last 40 lines):" >&2
    tail -n 40 "$server_log" >&2
fi

# Expected-but-flaky retries count as passed (and are named), timeouts and interruptions as
# failed.
summary=$(node -e '
    const fs = require("fs");
    let report = {};
    try { report = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); } catch {}
    const stats = report.stats ?? {};
    const walk = (suite) => [
        ...(suite.specs ?? []).flatMap((spec) =>
            spec.tests.filter((t) => t.status === "flaky").map(() => `${spec.file}:${spec.line} › ${spec.title}`)),
        ...(suite.suites ?? []).flatMap(walk),
    ];
    for (const name of (report.suites ?? []).flatMap(walk)) console.log(`flaky (failed, then passed on its retry): ${name}`);
    const passed = (stats.expected ?? 0) + (stats.flaky ?? 0);
    const failed = stats.unexpected ?? 0;
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(failed > 0 || passed === 0 ? 1 : 0);' "$report") || status=1
echo "$summary"
exit "$status"
