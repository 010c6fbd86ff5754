#!/usr/bin/env bash
# Runs the Redis suites (test/**/*.redis-spec.ts) against a real redis-server
# and a real Redis Cluster. With REDIS_URL and REDIS_CLUSTER_NODES
# (host:port,...) set, they use those. Otherwise this installs Debian's
# redis-server and redis-tools if missing, starts one server and a cluster of
# three masters on free loopback ports without persistence, runs the suites,
# and stops every server by its PID.
set -euo pipefail
cd "$(dirname "$0")/../.."

run_suites() {
  NODE_OPTIONS=--experimental-vm-modules npx jest "$@" --testRegex='\.redis-spec\.ts$'
}

# `run-redis.sh -- <command...>` runs that command in place of the suites, with the same servers and
# variables: `npm run test:mutation:redis` runs Stryker on the Redis store this way.
run() {
  if [ "${1:-}" = "--" ]; then
    shift
    "$@"
  else
    run_suites "$@"
  fi
}

if [ -n "${REDIS_URL:-}" ] && [ -n "${REDIS_CLUSTER_NODES:-}" ]; then
  run "$@"
  exit
fi

if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server redis-tools >/dev/null
fi

dir=$(mktemp -d)
pids=()
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap stop EXIT

# Starts a redis-server with the given extra arguments on a free loopback
# port, sets $port and appends its PID to $pids. A free port can be taken
# between the probe and the bind: it tries a few.
start_server() {
  local pid
  for _ in 1 2 3 4 5; do
    port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" --logfile "$dir/redis-$port.log" "$@" &
    pid=$!
    for _ in $(seq 1 50); do
      if redis-cli -p "$port" ping >/dev/null 2>&1; then pids+=("$pid"); return 0; fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
  done
  cat "$dir/redis-$port.log" 2>/dev/null; echo "redis-server did not start" >&2
  exit 1
}

start_server
single=$port
echo "redis-server $(redis-server --version | grep -o 'v=[^ ]*') on 127.0.0.1:$single (pid ${pids[0]})"

# Three masters, no replicas. As full coverage is not required, the masters
# that are up keep serving their slots while another one is down.
nodes=()
for i in 1 2 3; do
  start_server --cluster-enabled yes --cluster-config-file "$dir/nodes-$i.conf" --cluster-node-timeout 2000 \
    --cluster-require-full-coverage no
  nodes+=("127.0.0.1:$port")
done
redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >"$dir/cluster-create.log" 2>&1 \
  || { cat "$dir/cluster-create.log"; exit 1; }
for node in "${nodes[@]}"; do
  for attempt in $(seq 1 100); do
    if redis-cli -p "${node#*:}" cluster info | grep -q 'cluster_state:ok'; then break; fi
    if [ "$attempt" = 100 ]; then echo "the cluster did not reach cluster_state:ok" >&2; exit 1; fi
    sleep 0.1
  done
done
cluster_nodes=$(IFS=,; echo "${nodes[*]}")
echo "Redis Cluster of 3 masters on $cluster_nodes (pids ${pids[*]:1})"

REDIS_URL="redis://127.0.0.1:$single" REDIS_CLUSTER_NODES="$cluster_nodes" run "$@"
