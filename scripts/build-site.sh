#!/usr/bin/env bash
# The release site under target/site and the `chatdeck` binary: the server and the console's
# wasm through cargo-leptos (`--split`: each lazy island its own chunk), then the embedded
# widget's own wasm and style sheet into target/site/pkg-widget. The widget is a second wasm,
# not a second cargo-leptos project: that would build and link the whole server again. Its
# steps are the ones cargo-leptos runs for a release front (cargo build for wasm32 with the
# wasm-release profile, wasm-bindgen --target web, wasm-opt -Oz with the same features; here
# with --converge too, which takes 2 kB more off), its JS glue and the embed loader minified.
# Last, Redoc's standalone bundle from npm into target/site/api-docs, for the API reference
# page (/api/docs).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH" SQLX_OFFLINE=true

echo "==> cargo leptos build --release --split"
cargo leptos build --release --split

echo "==> the widget's wasm (frontend/widget)"
out=target/site/pkg-widget
# cargo-leptos's target directory for wasm, so the two share their dependencies' builds.
cargo build -p widget --lib --target wasm32-unknown-unknown --profile wasm-release \
    --target-dir target/front --quiet
rm -rf "$out.tmp" && mkdir -p "$out.tmp"
wasm-bindgen --target web --no-typescript --out-name panel --out-dir "$out.tmp" \
    target/front/wasm32-unknown-unknown/wasm-release/widget.wasm
# Its JS glue minified (terser, from npm), as cargo-leptos minifies the console's: 8.0 → 6.0 kB
# gzipped, room under the opened widget's 150 kB.
node_modules/.bin/terser "$out.tmp/panel.js" --module --compress --mangle --output "$out.tmp/panel.min.js"
mv "$out.tmp/panel.min.js" "$out.tmp/panel.js"
# Binaryen from npm (scripts/setup.sh), as cargo-leptos uses: Debian's is too old.
node_modules/.bin/wasm-opt -Oz --converge --enable-bulk-memory --enable-nontrapping-float-to-int \
    "$out.tmp/panel_bg.wasm" -o "$out.tmp/panel.wasm"
rm "$out.tmp/panel_bg.wasm"
node_modules/.bin/tailwindcss --input style/widget.css --output "$out.tmp/panel.css" --minify
# Swapped in whole, so a running server never serves one file of each build.
rm -rf "$out" && mv "$out.tmp" "$out"

echo "==> the embed loader, minified (public/widget.js is its source)"
node_modules/.bin/terser public/widget.js --compress --mangle --output target/site/widget.js.tmp
mv target/site/widget.js.tmp target/site/widget.js

echo "==> the API reference page's bundle (Redoc, from npm)"
# Served by chatdeck at /api/docs/redoc.standalone.js for /api/docs; one self-contained file
# (no fonts or scripts from elsewhere), pinned in package.json.
mkdir -p target/site/api-docs
cp node_modules/redoc/bundles/redoc.standalone.js target/site/api-docs/redoc.standalone.js.tmp
mv target/site/api-docs/redoc.standalone.js.tmp target/site/api-docs/redoc.standalone.js
