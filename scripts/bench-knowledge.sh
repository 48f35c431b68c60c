#!/usr/bin/env bash
# The knowledge base's figures on a release build: ingestion throughput (Markdown, plain text,
# PDF), Query Knowledge latency (median, p95 over 1,000 queries) on about 100,000 chunks beside
# the raw FTS5 query on the same database, the server's peak memory while ingesting, and the
# PDF reader's own peak memory on a 20 MiB PDF. CHUNKS=n changes the corpus size.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH" SQLX_OFFLINE=true

cargo build --release -p server --bin chatdeck --example bench_knowledge --quiet
target/release/examples/bench_knowledge "${CHUNKS:-100000}"

# The reader runs as `chatdeck extract pdf` under the server; here it runs alone under the same
# limits, and the kernel's account of its peak resident memory is read back.
pdf=target/bench-knowledge.pdf
python3 - "$pdf" <<'PY'
import os, resource, subprocess, sys, time
path = sys.argv[1]
size = os.path.getsize(path)
args = ["target/release/chatdeck", "extract", "pdf", "--input-bytes", str(size),
        "--max-text-bytes", str(16 << 20), "--page-content-bytes", str(64 << 20),
        "--memory-bytes", str(1 << 30), "--cpu-seconds", "60"]
started = time.monotonic()
with open(path, "rb") as stdin:
    done = subprocess.run(args, stdin=stdin, stdout=subprocess.PIPE, check=True)
elapsed = time.monotonic() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"pdf reader alone on {size / 1e6:.1f} MB: {elapsed:.2f} s, peak RSS {peak:.0f} MiB, "
      f"{len(done.stdout) / 1e6:.1f} MB of text out")
PY
