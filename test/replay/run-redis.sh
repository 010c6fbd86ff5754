#!/usr/bin/env bash
# Runs the Redis suites (test/**/*.redis-spec.ts) against a real redis-server.
# With REDIS_URL set, they use that server. Otherwise this installs Debian's
# redis-server if it is missing, starts one on a free loopback port without
# persistence, runs the suites, and stops the server by its PID.
set -euo pipefail
cd "$(dirname "$0")/../.."

run_suites() {
  NODE_OPTIONS=--experimental-vm-modules npx jest "$@" --testRegex='\.redis-spec\.ts$'
}

if [ -n "${REDIS_URL:-}" ]; then
  run_suites "$@"
  exit
fi

if ! command -v redis-server >/dev/null; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server >/dev/null
fi

dir=$(mktemp -d)
pid=""
stop() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap stop EXIT

# A free port can be taken between the probe and the bind: try a few.
for _ in 1 2 3 4 5; do
  port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" --logfile "$dir/redis.log" &
  pid=$!
  for _ in $(seq 1 50); do
    if redis-cli -p "$port" ping >/dev/null 2>&1; then break 2; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""
done
if [ -z "$pid" ]; then cat "$dir/redis.log" 2>/dev/null; echo "redis-server did not start" >&2; exit 1; fi

echo "redis-server $(redis-server --version | grep -o 'v=[^ ]*') on 127.0.0.1:$port (pid $pid)"
REDIS_URL="redis://127.0.0.1:$port" run_suites "$@"
