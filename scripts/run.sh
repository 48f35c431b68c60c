#!/usr/bin/env bash
# Installs what is missing, builds the release binary and the console, and runs chatdeck on its
# embedded defaults: a SQLite file under ./data, uploads beside it, http://127.0.0.1:3000.
# On the first start it creates the console admin (admin@chatdeck.local, random password) and
# an API key for the organization "default", and prints both once.
# Override with CHATDECK_ADDR, CHATDECK_DATA_DIR, DATABASE_URL, CHATDECK_PUBLIC_URL.
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export SQLX_OFFLINE=true

bash scripts/setup.sh
bash scripts/build-site.sh

data_dir=${CHATDECK_DATA_DIR:-./data}
if [ ! -e "$data_dir/.first-run-done" ]; then
    mkdir -p "$data_dir"
    password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(12))')
    echo "==> first start: creating the console admin and an API key for the organization \"default\""
    echo "$password" | target/release/chatdeck user create --org default \
        --email admin@chatdeck.local --password-stdin --data-dir "$data_dir"
    key=$(target/release/chatdeck api-key create --org default --data-dir "$data_dir" | tail -n 1)
    touch "$data_dir/.first-run-done"
    cat <<MSG

    Sign in at http://${CHATDECK_ADDR:-127.0.0.1:3000}/login
        Email:    admin@chatdeck.local
        Password: $password
    API key (x-api-key header): $key
    Both are shown only now. More: target/release/chatdeck user create / api-key create --help

MSG
fi
exec target/release/chatdeck serve --data-dir "$data_dir"
