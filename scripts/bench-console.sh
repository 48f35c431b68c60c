#!/usr/bin/env bash
# The console's browser-side figures: the release bundle (wasm + js, gzipped) and the live
# preview's keystroke-to-repaint over 100 keystrokes, in Debian's Chromium against a release
# server on a throwaway data directory. SKIP_BUILD=1 reuses the last release build.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH" SQLX_OFFLINE=true PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    bash scripts/build-site.sh
fi

# Gzipped sizes: the initial bundle every page loads (wasm + js + the split loader), then the
# chunks each lazy island adds (from cargo-leptos's split manifest).
node scripts/bundle-size.mjs

port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
data_dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$data_dir"' EXIT
password=bench-password-1
echo "$password" | target/release/chatdeck user create --org bench --email bench@chatdeck.test \
    --password-stdin --data-dir "$data_dir" >/dev/null
target/release/chatdeck serve --addr "127.0.0.1:$port" --data-dir "$data_dir" >"$data_dir/log" 2>&1 &
pid=$!
until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.2; done
node scripts/bench-console.mjs "http://127.0.0.1:$port" bench@chatdeck.test "$password"
