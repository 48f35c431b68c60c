#!/usr/bin/env bash
# Regenerates .sqlx/ (sqlx's offline query data) after a query or a migration changed, so that
# every other build compiles without a database. Needs only python3 (to apply the migrations to a
# scratch SQLite file): the sqlx macros write their data to SQLX_OFFLINE_DIR while checking.
set -euo pipefail
cd "$(dirname "$0")/.."
db="$PWD/target/sqlx-prepare.db"
mkdir -p target
rm -f "$db" "$db-wal" "$db-shm"
python3 - "$db" migrations/*.sql <<'PY'
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
for path in sys.argv[2:]:
    conn.executescript(open(path).read())
conn.commit()
PY
rm -rf .sqlx && mkdir -p .sqlx
# Touch the sources so the macros run again rather than coming from the build cache.
find server/src -name '*.rs' -exec touch {} +
DATABASE_URL="sqlite://$db" SQLX_OFFLINE=false SQLX_OFFLINE_DIR="$PWD/.sqlx" cargo check -p server ${SQLX_PREPARE_TESTS:+--tests} --quiet
echo "sqlx offline data: $(ls .sqlx | wc -l) queries in .sqlx/"
