#!/usr/bin/env bash
# Starts the demo with `npm start`, pastes every curl it prints, and checks
# that each signed one gets 200 and the forged one 401.
set -euo pipefail
port=${PORT:-3917}
log=$(mktemp)
# In its own process group, so the demo and everything npm started for it stop together.
PORT=$port setsid npm start >"$log" 2>&1 &
pid=$!
trap 'kill -- -$pid 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do grep -q '^# Forged' "$log" && break; sleep 0.5; done
grep -q '^# Forged' "$log" || { cat "$log"; echo "demo did not start"; exit 1; }
# Each example is a '# title' line followed by a curl command spanning lines that end in '\'.
awk '/^# /{title=$0; next} /^curl /{cmd=$0; while (cmd ~ /\\$/) { getline line; cmd = substr(cmd, 1, length(cmd)-1) " " line } print title "\t" cmd "\n\x00"}' "$log" >"$log.cmds"
ok=0; failed=0
while IFS= read -r -d '' entry; do
  entry=${entry#$'\n'}
  [ -z "$entry" ] && continue
  title=${entry%%$'\t'*}
  cmd=${entry#*$'\t'}
  status=$(bash -c "${cmd/curl -i/curl -s -o /dev/null -w '%{http_code}'}")
  expected=200; [[ $title == *Forged* ]] && expected=401
  if [ "$status" = "$expected" ]; then ok=$((ok+1)); echo "ok   $status $title"; else failed=$((failed+1)); echo "FAIL $status (expected $expected) $title"; fi
done <"$log.cmds"
echo "demo: $ok passed, $failed failed"
[ "$ok" -ge 6 ] && [ "$failed" = 0 ]
