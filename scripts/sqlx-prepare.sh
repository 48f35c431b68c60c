#!/usr/bin/env bash
# Regenerates .sqlx/ (sqlx's offline query data, both engines) after a query or a migration
# changed, so that every other build compiles without a database.
#
# sqlx's macros check a crate's queries against the one database DATABASE_URL names, so the
# server is checked once per engine, built with only that engine (its cargo features `sqlite`
# and `postgres`): against a scratch SQLite file (migrations/sqlite applied with python3), then
# against a throwaway PostgreSQL cluster (scripts/pg.sh, migrations/postgres applied with psql).
# Each query's data is written to SQLX_OFFLINE_DIR as it checks. The offline build with both
# engines at the end must then compile: two queries with the same SQL text would share a file.
#
#   scripts/sqlx-prepare.sh               both engines, .sqlx/ rebuilt from nothing
#   scripts/sqlx-prepare.sh --postgres    only PostgreSQL's queries, added to .sqlx/
#
# SQLX_PREPARE_TESTS=1 checks the test targets' queries too. CHATDECK_PREPARE_POSTGRES may name
# a running server (postgres://…/postgres) instead of starting one.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
mkdir -p target .sqlx
only_postgres=${1:-}

check_online() {
    local url=$1 engine=$2
    # Touch the sources so the macros run again rather than coming from the build cache.
    find server/src -name '*.rs' -exec touch {} +
    if ! DATABASE_URL="$url" SQLX_OFFLINE=false SQLX_OFFLINE_DIR="$PWD/.sqlx" \
        cargo check -p server --no-default-features --features "$engine" \
        ${SQLX_PREPARE_TESTS:+--tests} --quiet >target/sqlx-prepare.log 2>&1; then
        grep -E '^error' -A 12 target/sqlx-prepare.log | head -n 120
        echo "sqlx-prepare: $engine queries do not check (all of it in target/sqlx-prepare.log)" >&2
        exit 1
    fi
}

if [ "$only_postgres" != "--postgres" ]; then
    db="$PWD/target/sqlx-prepare.db"
    rm -f "$db" "$db-wal" "$db-shm"
    python3 - "$db" migrations/sqlite/*.sql <<'PY'
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
for path in sys.argv[2:]:
    conn.executescript(open(path).read())
conn.commit()
PY
    rm -rf .sqlx && mkdir -p .sqlx
    echo "==> SQLite queries"
    check_online "sqlite://$db" sqlite
fi

cluster=""
server_url=${CHATDECK_PREPARE_POSTGRES:-}
if [ -z "$server_url" ]; then
    cluster=$(mktemp -d)
    trap 'scripts/pg.sh stop "$cluster"; rm -rf "$cluster"' EXIT
    server_url=$(scripts/pg.sh start "$cluster" --fast)
fi
scratch="sqlx_prepare_$$"
psql -q "$server_url" -c "create database $scratch" >/dev/null
url="${server_url%/*}/$scratch"
for migration in migrations/postgres/*.sql; do
    psql -q -v ON_ERROR_STOP=1 "$url" -f "$migration" >/dev/null
done
echo "==> PostgreSQL queries"
check_online "$url" postgres
psql -q "$server_url" -c "drop database $scratch" >/dev/null

echo "==> offline build"
find server/src -name '*.rs' -exec touch {} +
SQLX_OFFLINE=true cargo check -p server ${SQLX_PREPARE_TESTS:+--tests} --quiet
echo "sqlx offline data: $(ls .sqlx | wc -l) queries in .sqlx/"
