#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what is missing (scripts/setup.sh), then
# formatting (rustfmt, and leptosfmt for the view! macros), clippy (warnings denied, per
# package, server and wasm targets), unit and HTTP tests (cargo test per package: `ssr` and
# `hydrate` never together; the HTTP tests on SQLite and files in the data directory, and
# again on PostgreSQL with files in S3-compatible object storage), and the
# Playwright browser tests against the release build. Every step runs even if an earlier one failed; the last line is
# `N passed, N failed`, counting each test and each lint step.
set -uo pipefail

cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export SQLX_OFFLINE=true
export CARGO_TERM_COLOR=never
# A clean build gains nothing from incremental caches, and they cost gigabytes of disk.
export CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-0}

echo "==> disk: $(df -h . | awk 'NR == 2 {print $4 " free of " $2}')"

bash scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

logs=$(mktemp -d)
passed=0
failed=0
failures=()
started=$SECONDS

# A check counts as one test: it passes or it fails.
check() {
    local name=$1
    shift
    echo "==> $name"
    local step_started=$SECONDS
    if "$@" >"$logs/check.log" 2>&1; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        failures+=("$name")
        tail -n 60 "$logs/check.log"
    fi
    echo "    ($((SECONDS - step_started)) s)"
}

# A test run counts its tests, read from cargo's `test result:` lines. It may take at most
# CHATDECK_TEST_STEP_SECS (compiling included): a test that hangs fails its step, named by
# libtest's "has been running for over 60 seconds" line, instead of running out CI's clock.
# The step ends with SIGKILL to cargo and the test binary alike: the test servers catch
# SIGTERM for their graceful shutdown, which waits on the hung request, so a test binary
# given SIGTERM lived on after cargo, holding the pipe open, and the step never ended.
tests() {
    local name=$1
    shift
    echo "==> $name"
    local log="$logs/tests.log"
    local step_started=$SECONDS
    timeout --signal=KILL "${CHATDECK_TEST_STEP_SECS:-1500}" "$@" 2>&1 | tee "$log" |
        grep --line-buffered -E '^(test result|error(\[|:)|failures:|---- )|has been running for over' || true
    local status=${PIPESTATUS[0]}
    echo "    ($((SECONDS - step_started)) s)"
    if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
        echo "    timed out after ${CHATDECK_TEST_STEP_SECS:-1500} s"
    fi
    local p f
    p=$(grep -oE 'test result: [A-Za-z]+\. [0-9]+ passed' "$log" | awk '{s+=$4} END {print s+0}')
    f=$(grep -oE '[0-9]+ failed' "$log" | grep -v '^0 ' | awk '{s+=$1} END {print s+0}')
    passed=$((passed + p))
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1 # it did not even compile, or crashed outside a test
    fi
    failed=$((failed + f))
    if [ "$f" -ne 0 ]; then
        failures+=("$name")
        grep -E '^(error|thread .* panicked)' -A 12 "$log" | head -n 80
    fi
}

check "cargo fmt --check" cargo fmt --all --check
check "leptosfmt --check (view! macros)" leptosfmt --check app/src
check "clippy okchat (wasm32)" cargo clippy -p okchat --target wasm32-unknown-unknown -- -D warnings
check "clippy okchat + client" cargo clippy -p okchat --features client --all-targets -- -D warnings
check "clippy server (ssr)" cargo clippy -p server --all-targets -- -D warnings
check "clippy app (ssr)" cargo clippy -p app --features ssr --all-targets -- -D warnings
check "clippy frontend (hydrate, wasm32)" cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings
check "clippy widget (hydrate, wasm32)" cargo clippy -p widget --target wasm32-unknown-unknown -- -D warnings

tests "cargo test okchat" cargo test -p okchat --features client
tests "cargo test server (unit + HTTP)" cargo test -p server
# schemathesis from okchat's OpenAPI document against the binary the tests just built.
check "schemathesis (okchat's OpenAPI), SQLite: no 5xx" env MAX_SECONDS=60 bash scripts/fuzz-api.sh
# And from chatdeck's own document (/api/openapi.json of the server under test): every route.
check "schemathesis (chatdeck's OpenAPI), SQLite: no 5xx" env SPEC=own MAX_SECONDS=60 bash scripts/fuzz-api.sh

# The HTTP tests again on the engines of a deployment of several instances: PostgreSQL (a
# throwaway cluster, scripts/pg.sh, durability off, on a free port; each test server on a
# database of its own there) and S3-compatible object storage for the files (moto's server,
# scripts/s3.sh; each test server under a prefix of one bucket), all gone afterwards.
pg_cluster=$(mktemp -d)
s3_dir=$(mktemp -d)
if ! pg_url=$(bash scripts/pg.sh start "$pg_cluster" --fast 2>"$logs/pg.log"); then
    echo "==> PostgreSQL test cluster: did not start"
    cat "$logs/pg.log" "$pg_cluster/initdb.log" "$pg_cluster/server.log" 2>/dev/null | tail -n 40
    failed=$((failed + 1))
    failures+=("PostgreSQL test cluster")
elif ! s3_url=$(bash scripts/s3.sh start "$s3_dir" chatdeck-tests 2>"$logs/s3.log"); then
    echo "==> S3-compatible test server: did not start"
    tail -n 40 "$logs/s3.log"
    failed=$((failed + 1))
    failures+=("S3-compatible test server")
else
    CHATDECK_TEST_POSTGRES=$pg_url CHATDECK_TEST_S3=$s3_url \
        tests "cargo test server HTTP on PostgreSQL and object storage" cargo test -p server --test api
    psql -q "$pg_url" -c "create database fuzz" >/dev/null 2>&1
    check "schemathesis (okchat's OpenAPI), PostgreSQL: no 5xx" \
        env MAX_SECONDS=60 DATABASE_URL="${pg_url%/*}/fuzz" bash scripts/fuzz-api.sh
    psql -q "$pg_url" -c "create database fuzz_own" >/dev/null 2>&1
    check "schemathesis (chatdeck's OpenAPI), PostgreSQL: no 5xx" \
        env SPEC=own MAX_SECONDS=60 DATABASE_URL="${pg_url%/*}/fuzz_own" bash scripts/fuzz-api.sh
fi
bash scripts/s3.sh stop "$s3_dir" || true
bash scripts/pg.sh stop "$pg_cluster" || true
rm -rf "$pg_cluster" "$s3_dir"
tests "cargo test app (ssr)" cargo test -p app --features ssr

# The browser tests need a release build beside everything the steps above built; on a small
# disk that does not fit (CI once ran out of space in it). Their debug artifacts are not used
# again, so they go when free space is short, which costs only a rebuild on the next run.
free_gib() { df -Pk . | awk 'NR == 2 {print int($4 / 1048576)}'; }
echo "==> disk: $(du -sh target 2>/dev/null | cut -f1) in target/, $(free_gib) GiB free"
if [ "$(free_gib)" -lt "${CHATDECK_TEST_MIN_FREE_GIB:-40}" ]; then
    echo "==> disk: removing the debug builds before the release build"
    rm -rf target/debug target/wasm32-unknown-unknown/debug
    echo "==> disk: $(free_gib) GiB free"
fi

# The browser tests' server binary is the release profile compiled in 16 units without LTO:
# the same code, built on both cores instead of one (one unit with LTO is for what ships:
# scripts/run.sh and the benchmarks). The wasm keeps its own profile (wasm-release), so the
# browser runs what visitors get.
# A test that fails is run once more: a failure that does not repeat is a timing of this
# machine's (two cores, a browser, a server and the test runner), not a lost change; it passes
# as "flaky", named in the log with its first failure (and its trace kept) for the next person
# to chase. One that fails twice fails the suite.
echo "==> browser tests (Playwright, Debian Chromium)"
step_started=$SECONDS
CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_LTO=false \
    timeout --kill-after=15 "${CHATDECK_E2E_STEP_SECS:-2100}" bash scripts/e2e.sh --retries=1 2>&1 |
    tee "$logs/e2e.log"
e2e_status=${PIPESTATUS[0]}
echo "    ($((SECONDS - step_started)) s)"
e2e_line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$logs/e2e.log" | tail -n 1)
e2e_passed=$(echo "${e2e_line:-0 passed, 0 failed}" | awk '{print $1}')
e2e_failed=$(echo "${e2e_line:-0 passed, 0 failed}" | awk '{print $3}')
if [ "$e2e_status" -ne 0 ] && [ "$e2e_failed" -eq 0 ]; then
    e2e_failed=1
fi
passed=$((passed + e2e_passed))
failed=$((failed + e2e_failed))
[ "$e2e_failed" -eq 0 ] || failures+=("browser tests")

rm -rf "$logs"
echo "==> disk: $(du -sh target 2>/dev/null | cut -f1) in target/, $(free_gib) GiB free"
echo
echo "suite took $((SECONDS - started)) s"
if [ ${#failures[@]} -ne 0 ]; then
    echo "failed: ${failures[*]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
