#!/usr/bin/env bash
# A throwaway S3-compatible server for the tests and for trying chatdeck on object storage:
# moto's server mode (PyPI; scripts/setup.sh installs it in chatdeck's Python environment),
# on a free loopback port, keeping its buckets in memory.
#
#   scripts/s3.sh start DIR [BUCKET]  starts the server, creates BUCKET (default chatdeck),
#                                     prints its endpoint (http://127.0.0.1:PORT)
#   scripts/s3.sh stop DIR            stops it; the buckets are gone with it
#
# It takes any access key and secret; chatdeck reaches it with AWS_ENDPOINT_URL set to the
# endpoint and AWS_ALLOW_HTTP=true.
set -euo pipefail

usage() { echo "usage: scripts/s3.sh start|stop DIR [BUCKET]" >&2; exit 2; }
[ $# -ge 2 ] || usage
action=$1
dir=$(realpath -m "$2")
bucket=${3:-chatdeck}
python_env=${CHATDECK_PYTHON_ENV:-$HOME/.local/share/chatdeck/python}
moto="$python_env/bin/moto_server"

case "$action" in
start)
    [ -x "$moto" ] || { echo "s3.sh: moto is not installed (run scripts/setup.sh)" >&2; exit 1; }
    mkdir -p "$dir"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "$moto" -H 127.0.0.1 -p "$port" >"$dir/s3.log" 2>&1 &
    echo $! >"$dir/s3.pid"
    endpoint="http://127.0.0.1:$port"
    for _ in $(seq 100); do
        curl -fs -o /dev/null "$endpoint/" && break
        sleep 0.1
    done
    # moto takes unsigned requests: a plain PUT creates the bucket.
    curl -fs -o /dev/null -X PUT "$endpoint/$bucket" ||
        { echo "s3.sh: the server on $endpoint did not start" >&2; cat "$dir/s3.log" >&2; exit 1; }
    echo "$endpoint"
    ;;
stop)
    if [ -f "$dir/s3.pid" ]; then
        kill "$(cat "$dir/s3.pid")" 2>/dev/null || true
        rm -f "$dir/s3.pid"
    fi
    ;;
*)
    usage
    ;;
esac
