#!/usr/bin/env bash
# Installs what is missing, builds the release binary and the console, and runs chatdeck on its
# embedded defaults: a SQLite file under ./data, uploads beside it, http://127.0.0.1:3000.
# On the first start it creates the console admin (admin@chatdeck.local, random password) and
# an API key for the organization "default", and prints both once.
# Override with CHATDECK_ADDR, CHATDECK_DATA_DIR, DATABASE_URL, CHATDECK_PUBLIC_URL.
#
# `scripts/run.sh --postgres` runs it on PostgreSQL instead: a cluster of its own under
# $CHATDECK_DATA_DIR/postgres (scripts/pg.sh; kept between runs, stopped when chatdeck stops),
# unless DATABASE_URL already names a PostgreSQL database.
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export SQLX_OFFLINE=true

bash scripts/setup.sh
bash scripts/build-site.sh

data_dir=${CHATDECK_DATA_DIR:-./data}
if [ "${1:-}" = "--postgres" ] && [ -z "${DATABASE_URL:-}" ]; then
    mkdir -p "$data_dir"
    cluster="$data_dir/postgres"
    server_url=$(bash scripts/pg.sh start "$cluster")
    trap 'bash scripts/pg.sh stop "$cluster"' EXIT
    psql -q "$server_url" -Atc "select 1 from pg_database where datname = 'chatdeck'" | grep -q 1 ||
        psql -q "$server_url" -c "create database chatdeck"
    export DATABASE_URL="${server_url%/*}/chatdeck"
    echo "==> PostgreSQL: $DATABASE_URL"
    # Its own first-run mark: the SQLite file's admin and key are not in this database.
    first_run_mark="$data_dir/.first-run-done-postgres"
fi
first_run_mark=${first_run_mark:-$data_dir/.first-run-done}
if [ ! -e "$first_run_mark" ]; then
    mkdir -p "$data_dir"
    password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(12))')
    echo "==> first start: creating the console admin and an API key for the organization \"default\""
    echo "$password" | target/release/chatdeck user create --org default \
        --email admin@chatdeck.local --password-stdin --data-dir "$data_dir"
    key=$(target/release/chatdeck api-key create --org default --data-dir "$data_dir" | tail -n 1)
    touch "$first_run_mark"
    cat <<MSG

    Sign in at http://${CHATDECK_ADDR:-127.0.0.1:3000}/login
        Email:    admin@chatdeck.local
        Password: $password
    API key (x-api-key header): $key
    Both are shown only now. More: target/release/chatdeck user create / api-key create --help

MSG
fi
if [ -n "${cluster:-}" ]; then
    # Not exec: the trap stops the cluster after chatdeck.
    target/release/chatdeck serve --data-dir "$data_dir"
else
    exec target/release/chatdeck serve --data-dir "$data_dir"
fi
