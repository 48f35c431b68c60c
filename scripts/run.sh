#!/usr/bin/env bash
# Installs what is missing, builds the release binary and the console, and runs chatdeck on its
# embedded defaults: a SQLite file under ./data, uploads beside it, http://127.0.0.1:3000.
# On the first start it issues an API key for the organization "default" and prints it once.
# Override with CHATDECK_ADDR, CHATDECK_DATA_DIR, DATABASE_URL, CHATDECK_PUBLIC_URL.
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export SQLX_OFFLINE=true

bash scripts/setup.sh
echo "==> cargo leptos build --release"
cargo leptos build --release

data_dir=${CHATDECK_DATA_DIR:-./data}
if [ ! -e "$data_dir/.first-key-issued" ]; then
    mkdir -p "$data_dir"
    echo "==> first start: issuing an API key for the organization \"default\""
    target/release/chatdeck api-key create --org default --data-dir "$data_dir"
    touch "$data_dir/.first-key-issued"
    echo "    (more: target/release/chatdeck api-key create --org NAME --data-dir $data_dir)"
fi
exec target/release/chatdeck serve --data-dir "$data_dir"
