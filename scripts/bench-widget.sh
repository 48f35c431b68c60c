#!/usr/bin/env bash
# The embedded widget's figures, in Debian's Chromium against a release server on a throwaway
# data directory: the loader's and the opened widget's sizes (gzipped), the time from the
# loader arriving to the launcher painted, and from the click to the panel ready to type in,
# medians of 10 loads beside a plain page as control. SKIP_BUILD=1 reuses the last release build.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH" SQLX_OFFLINE=true PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    bash scripts/build-site.sh
fi

port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
data_dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$data_dir"' EXIT
key=$(target/release/chatdeck api-key create --org bench --data-dir "$data_dir" | tail -n 1)
target/release/chatdeck serve --addr "127.0.0.1:$port" --data-dir "$data_dir" >"$data_dir/log" 2>&1 &
pid=$!
until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.2; done
node scripts/bench-widget.mjs "http://127.0.0.1:$port" "$key"
