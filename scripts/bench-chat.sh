#!/usr/bin/env bash
# The chat's figures on a release build, with the built-in provider and a 1,000-document
# knowledge base: time to the first streamed token (median, p95), chats per second at 32
# concurrent sessions (p50, p99), Query Knowledge alone on the same bot, and a check that
# every request's two messages were stored. See server/examples/bench_chat.rs.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH" SQLX_OFFLINE=true

cargo build --release -p server --bin chatdeck --example bench_chat --quiet
target/release/examples/bench_chat
